// Standard scripts (话术库): one click puts a suggested script, already filled from the ticket,
// into the reply box it names, and counts the use. Loaded once, whatever htmx swaps in.
(function () {
  if (window.guanjiaScripts) return;
  window.guanjiaScripts = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-script]");
    if (!button) return;
    var box = document.getElementById(button.dataset.target);
    if (!box) return;
    var details = box.closest("details");
    if (details) details.open = true;
    box.value = button.dataset.text;
    box.focus();
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    fetch("/kb/scripts/" + encodeURIComponent(button.dataset.script) + "/used", {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) button.classList.add("used");
    });
  });
})();
