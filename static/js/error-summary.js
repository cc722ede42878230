// Moves focus to a form's error summary, so that keyboard and screen-reader users start from the list of
// problems. The summary is also role="alert" and every error sits beside its field, so the page works without it.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
