// The admin's editor of formatted text (safedigital.widgets.RichTextEditor): django-prose-editor's editor over the
// field's textarea, which it keeps up to date, so the form sends HTML as before. Without JavaScript the textarea
// stays and takes HTML. Three things differ from the package's own start-up:
// - the editor adds no <style> element (the site's Content-Security-Policy forbids inline styles): what it would
//   add is in css/admin-richtext.css;
// - its buttons' names are translated, as its dialogs' already are, by Django's JavaScript catalogue (the admin's
//   jsi18n, which reads locale/*/LC_MESSAGES/djangojs.po);
// - the editable area is named by the field's label and described by its help text, as the textarea was.
import * as prose from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-safedigital";

const gettext = window.gettext || ((words) => words);

// The menu's words, never the text being edited (a link's title there is the editor's own words).
function translate(root) {
  for (const element of root.querySelectorAll("[title], [aria-label]")) {
    if (element.closest("[contenteditable]")) continue;
    for (const attribute of ["title", "aria-label"]) {
      const words = element.getAttribute(attribute);
      if (words && gettext(words) !== words) element.setAttribute(attribute, gettext(words));
    }
  }
  for (const option of root.querySelectorAll(".prose-menubar__option")) {
    const text = option.firstElementChild || option;
    const words = text.textContent.trim();
    if (gettext(words) !== words) text.textContent = gettext(words);
  }
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE));

  const extensions = [];
  for (const [name, options] of Object.entries(config.extensions)) {
    const extension = prose[name];
    if (!extension) continue;
    extensions.push(typeof options === "object" ? extension.configure(options) : extension);
  }
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor" + (disabled ? " disabled" : "");
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new prose.Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      // An editor always holds a paragraph: an empty one is an empty field.
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });

  const area = editor.view.dom;
  const label = textarea.id && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
  area.setAttribute("role", "textbox");
  area.setAttribute("aria-multiline", "true");
  if (label) area.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
  const described = textarea.getAttribute("aria-describedby");
  if (described) area.setAttribute("aria-describedby", described);
  if (textarea.getAttribute("aria-invalid")) area.setAttribute("aria-invalid", textarea.getAttribute("aria-invalid"));
  if (label) label.addEventListener("click", () => editor.commands.focus());
  // The menu is drawn after the editor, and drawn again as the selection moves: its words are translated as they
  // come (a translated word translates to itself, so translating does not call for translating again).
  // Typing in the text changes it too: those changes are passed over, so a keystroke does not walk the menu.
  translate(wrapper);
  const inMenu = (mutation) => !mutation.target.closest("[contenteditable]");
  new MutationObserver((mutations) => mutations.some(inMenu) && translate(wrapper)).observe(wrapper, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["title", "aria-label"],
  });
  return editor;
}

prose.initializeEditors(createEditor, `[${ATTRIBUTE}]`);
