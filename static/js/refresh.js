// Reload a staff page while its queued work runs: the element marked data-refresh-seconds says how often.
// Without JavaScript the page has a "Refresh now" link instead (no meta refresh: WCAG 2.2.1).
(function () {
  "use strict";
  var marker = document.querySelector("[data-refresh-seconds]");
  if (!marker) {
    return;
  }
  var seconds = parseInt(marker.getAttribute("data-refresh-seconds"), 10) || 5;
  window.setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
