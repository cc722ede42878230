// In the admin, "Add another …" puts the new row's first field under the keyboard: Django's admin leaves focus on
// the link, so a keyboard or screen-reader user had to find the row it added above it. The row is announced by
// the field's label as focus lands on it. Without JavaScript there is no "Add another" link to follow.
(function () {
  "use strict";
  var FIELDS = "input:not([type=hidden]), select, textarea, .select2-selection";

  function firstField(row) {
    var candidates = row.querySelectorAll(FIELDS);
    for (var i = 0; i < candidates.length; i++) {
      var field = candidates[i];
      if (!field.disabled && field.tabIndex >= 0 && field.getClientRects().length) return field;
    }
    return null;
  }

  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    // After the other listeners (the autocomplete widgets are made on this same event).
    window.setTimeout(function () {
      var field = firstField(row);
      if (field) field.focus();
    }, 0);
  });
})();
