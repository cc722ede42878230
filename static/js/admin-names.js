// What Django's admin leaves without a name, named, so that a screen reader says what each control is for
// (WCAG 1.3.1, 4.1.2). Loaded on every change form (templates/admin/change_form.html); without JavaScript there
// are no autocompletes or filter boxes, and a file input is met inside its field's group.
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").replace(/\s*:\s*$/, "").trim() : "";
  }

  function labelOf(control) {
    return control.id ? document.querySelector('label[for="' + CSS.escape(control.id) + '"]') : null;
  }

  // A file field: Django puts its input in a group named by the field, after "Change:" when a file is there,
  // with no label of its own. It is named "Change: Hero image", or "Hero image".
  function nameFileInputs(root) {
    root.querySelectorAll('input[type="file"]').forEach(function (input) {
      if (input.labels.length || input.hasAttribute("aria-label")) return;
      var fieldset = input.closest("fieldset");
      var field = fieldset ? text(fieldset.querySelector("legend")) : "";
      var before = input.previousSibling;
      var change = before && before.nodeType === Node.TEXT_NODE ? text(before) : "";
      var name = [change, field].filter(Boolean).join(": ");
      if (name) input.setAttribute("aria-label", name);
    });
  }

  // An autocomplete (select2): its box was named only by the choice it shows, and by nothing when empty, as was
  // the choice's own box. Both are named by the field's label, the box then by the choice too.
  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
      var label = labelOf(select);
      if (!box || !label) return;
      if (!label.id) label.id = select.id + "-label";
      var named = (box.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
      if (named.indexOf(label.id) === -1) box.setAttribute("aria-labelledby", [label.id].concat(named).join(" "));
      var choice = box.querySelector(".select2-selection__rendered");
      if (choice) choice.setAttribute("aria-labelledby", label.id);
    });
  }

  // The search icon of a "chosen / available" box: Django gives a bare <span> an aria-label, which nothing
  // reads; as an image it is read.
  function nameFilterIcons(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function nameAll(root) {
    nameFileInputs(root);
    nameAutocompletes(root);
    nameFilterIcons(root);
  }

  // After the admin's own scripts: they make the autocompletes when jQuery is ready (which may come after the
  // page's load) and the filter boxes when the page has loaded. Naming twice names nothing twice.
  window.addEventListener("load", function () {
    nameAll(document);
    if (window.django && window.django.jQuery) window.django.jQuery(function () { nameAll(document); });
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      nameAll(event.target);
    });
  });
})();
