// Safe Digital: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Quick exit: leave for a neutral site and replace this page in the history.
  function quickExit(event) {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) return;
    if (event) event.preventDefault();
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (link) quickExit(event);
  });
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    if (document.querySelector(".photo-viewer:not([hidden])")) return;
    var now = Date.now();
    if (now - lastEscape < 800) quickExit(null);
    lastEscape = now;
  });
})();
