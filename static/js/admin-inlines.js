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

// Django starts its autocomplete boxes (select2) one by one when the document is ready, and each measures its
// select for its width: each measurement lays the whole page out again, as the box before it has just gone in. On
// an event with its mentions and partners inline, that was most of the time the browser took to open the page
// (40 boxes; 705 ms in one load), and the rows' boxes came out of different widths (93 to 120 px down the
// mentions). This script is deferred, so it runs before them: it measures every select at once, in one layout,
// and gives each its width, as select2 would have measured it. A row added later is measured by select2.
(function () {
  "use strict";
  var selects = document.querySelectorAll(".admin-autocomplete:not([name*=__prefix__]):not([data-width])");
  var widths = Array.prototype.map.call(selects, function (select) {
    return select.offsetWidth;
  });
  selects.forEach(function (select, i) {
    if (widths[i]) select.setAttribute("data-width", widths[i] + "px"); // hidden (0): select2 measures it
  });
})();
