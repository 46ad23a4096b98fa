// 到场签到: on a job page, the arrive button records where the technician checked in when the
// phone tells the page; refused, without a fix or without an answer in 8 s, the arrival is
// recorded without a position. Written by hand for Guanjia.
(function () {
  if (window.guanjiaCheckin) return;
  window.guanjiaCheckin = true;

  function put(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.job button[name="action"][value="arrive"]');
    if (!button || !button.form || button.dataset.located || !navigator.geolocation) return;
    event.preventDefault();
    event.stopPropagation();
    var form = button.form;
    var go = function () {
      button.dataset.located = '1';
      if (form.requestSubmit) form.requestSubmit(button);
      else button.click();
    };
    navigator.geolocation.getCurrentPosition(function (position) {
      put(form, 'latitude', position.coords.latitude.toFixed(6));
      put(form, 'longitude', position.coords.longitude.toFixed(6));
      go();
    }, go, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  }, true);
})();
