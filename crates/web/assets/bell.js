// 通知铃: when the bell's polled count of new jobs rises, a technician's phone vibrates and beeps
// (where the phone allows it) and the job list, if open, reloads with the new job on top.
// Written by hand for Guanjia.
(function () {
  if (window.guanjiaBell) return;
  window.guanjiaBell = true;

  var seen = null;
  var audio = null;

  // Browsers let a page make sound only after a tap: the first tap anywhere readies it.
  function ready() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      try { audio = new Context(); } catch (e) { audio = null; }
    }
    if (audio && audio.state === 'suspended') audio.resume();
  }
  document.addEventListener('pointerdown', ready, { passive: true });
  document.addEventListener('keydown', ready);

  function beep() {
    ready();
    if (!audio) return;
    try {
      var tone = audio.createOscillator();
      var volume = audio.createGain();
      tone.type = 'sine';
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.2, audio.currentTime);
      volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
      tone.connect(volume);
      volume.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.3);
    } catch (e) { /* no sound on this phone */ }
  }

  function check() {
    var count = document.getElementById('bell-count');
    if (!count) return;
    var jobs = parseInt(count.getAttribute('data-new-jobs') || '0', 10);
    if (seen !== null && jobs > seen) {
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      beep();
      document.body.setAttribute('data-new-job-alert', String(jobs));
      var list = document.getElementById('jobs-list');
      if (list && window.htmx) window.htmx.ajax('GET', '/jobs', { target: '#jobs-list', select: '#jobs-list', swap: 'outerHTML' });
    }
    seen = jobs;
  }

  document.addEventListener('DOMContentLoaded', check);
  // The count is swapped in anew by each poll.
  document.addEventListener('htmx:load', check);
})();
