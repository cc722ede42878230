"""An editor formats an event's text in the admin's editor (safedigital.widgets.RichTextEditor); a visitor reads it."""

import pytest
from playwright.sync_api import expect

from events.models import Event
from safedigital.roles import EDITORS
from tests.browser.helpers import STAFF_PASSWORD, log_in, settled, staff_user

pytestmark = pytest.mark.browser

LINK = "https://www.end-violence.org/safe-online"


@pytest.fixture
def editor(demo_event):
    return staff_user("editor", EDITORS)


def test_an_editor_formats_the_outcomes_without_writing_html(new_context, site, editor, demo_event):
    # Typed into an empty field, and formatted from the menu: keys that move the caret (End, arrows) are left
    # to the browser, which the editor reads a moment later, and a test types faster than a person.
    Event.objects.filter(pk=demo_event.pk).update(outcomes="")
    body = demo_event.body
    page = new_context().new_page()
    errors = []  # a script the Content-Security-Policy refused, an inline style it blocked, a failed module
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(page, site, "editor")
    page.goto(site.url + f"/admin/events/event/{demo_event.pk}/change/")

    introduction = page.get_by_role("textbox", name="Introduction")
    expect(introduction).to_contain_text("The satellite event held on 6th")
    outcomes = page.get_by_role("textbox", name="Outcomes")
    toolbar = page.locator(".field-outcomes .prose-menubar")
    # A text's heading and subheading, whose levels the page decides (an h4 and an h5 in a session's summary).
    expect(toolbar.locator(".prose-menubar__option")).to_have_text(["Heading", "Subheading", "Paragraph"])
    outcomes.click()
    page.keyboard.type("Twenty countries pledged")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Bulleted list", exact=True).click()
    page.keyboard.type("Protection by design")
    # The paragraph, selected as a person does.
    outcomes.get_by_text("Twenty countries pledged").click(click_count=3)
    toolbar.get_by_role("button", name="Bold", exact=True).click()
    toolbar.get_by_role("button", name="Insert link", exact=True).click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("URL").fill(LINK)
    dialog.get_by_role("button", name="Update").click()
    # Saving the demo event, on a busy machine, can take longer than expect's 5 s: wait for the page it leads to.
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    settled(page)

    event = Event.objects.get(pk=demo_event.pk)
    assert event.outcomes == (
        f'<p><a href="{LINK}" title="" rel="noopener noreferrer"><strong>Twenty countries pledged</strong></a></p>'
        "<ul><li><p>Protection by design</p></li></ul>"
    )
    assert event.body == body  # the text beside it, in its own editor, is kept as it was
    assert errors == []

    visitor = new_context().new_page()
    visitor.goto(site.url + demo_event.get_absolute_url())
    outcome = visitor.locator(".outcomes")
    expect(outcome.get_by_role("link", name="Twenty countries pledged")).to_have_attribute("href", LINK)
    expect(outcome.locator("strong")).to_have_text("Twenty countries pledged")
    expect(outcome.get_by_role("listitem")).to_have_text("Protection by design")


def test_the_editor_speaks_the_admins_language(new_context, site, editor, demo_event):
    # The menu's words are translated, the text being edited never is: a link titled "Cancel" keeps its title.
    Event.objects.filter(pk=demo_event.pk).update(
        outcomes=f'<p><a href="{LINK}" title="Cancel" rel="noopener noreferrer">Safe Online</a></p>'
    )
    page = new_context(locale="es-ES").new_page()
    page.goto(site.url + "/admin/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator("#user-tools")).to_be_visible()
    page.goto(site.url + f"/admin/events/event/{demo_event.pk}/change/")

    outcomes = page.get_by_role("textbox", name="Resultados")
    toolbar = page.locator(".field-outcomes .prose-menubar")
    for name in ["Negrita", "Cursiva", "Subrayado", "Lista con viñetas", "Lista numerada", "Cita"]:
        expect(toolbar.get_by_role("button", name=name, exact=True)).to_have_count(1)
    expect(outcomes.get_by_role("link", name="Safe Online")).to_have_attribute("title", "Cancel")
    outcomes.get_by_text("Safe Online").click(click_count=3)
    toolbar.get_by_role("button", name="Insertar enlace").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("heading")).to_have_text("Editar enlace")
    expect(dialog.get_by_label("Dirección (URL)")).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancelar")).to_be_visible()


# The focused element's outline, as the browser draws it.
OUTLINE = """() => {
    const style = getComputedStyle(document.activeElement);
    return {element: document.activeElement.className, style: style.outlineStyle, width: style.outlineWidth,
            colour: style.outlineColor};
}"""


def test_the_editors_text_shows_the_focus_ring_every_field_of_the_admin_shows(
    new_context, site, editor, demo_event
):
    page = new_context().new_page()
    log_in(page, site, "editor")
    page.goto(site.url + f"/admin/events/event/{demo_event.pk}/change/")
    page.locator("#id_title").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus that came by the keyboard, as a person tabbing through the form
    field_ring = page.evaluate(OUTLINE)
    assert field_ring["style"] != "none"

    toolbar = page.locator(".field-outcomes .prose-menubar")
    toolbar.get_by_role("button").last.focus()
    page.keyboard.press("Tab")

    expect(page.get_by_role("textbox", name="Outcomes")).to_be_focused()
    editor_ring = page.evaluate(OUTLINE)
    assert "ProseMirror" in editor_ring.pop("element")
    field_ring.pop("element")
    assert editor_ring == field_ring


def test_the_heading_menus_arrow_needs_no_font(new_context, site, editor, demo_event):
    # The package's arrow, the character "⏷", showed as an empty box where no font has it: it is drawn instead.
    page = new_context().new_page()
    log_in(page, site, "editor")
    page.goto(site.url + f"/admin/events/event/{demo_event.pk}/change/")
    arrow = page.locator(".field-outcomes .prose-menubar__selected").evaluate(
        """element => {
            const style = getComputedStyle(element, "::after");
            return {content: style.content, width: style.borderLeftWidth, colour: style.borderTopColor,
                    colourBelow: style.borderBottomColor, heightBelow: style.borderBottomWidth};
        }"""
    )
    assert arrow["content"] == '""'
    assert arrow["width"] == "5px"
    assert arrow["colour"] != "rgba(0, 0, 0, 0)"
    assert arrow["heightBelow"] == "0px"
