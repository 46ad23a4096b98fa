// A refused form comes back with each problem beside its field. Bring the first one into view
// and put the cursor in it, so someone on a phone sees what to correct without hunting for it.
document.addEventListener('DOMContentLoaded', function () {
  var first = document.querySelector('main [aria-invalid="true"]');
  if (!first) return;
  first.scrollIntoView({ block: 'center' });
  first.focus({ preventScroll: true });
});
