"""Journey 3: an editor builds an event in the admin, previews the draft, publishes it; a visitor reads it."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from events.models import Event
from safedigital.roles import EDITORS
from tests.browser.helpers import STAFF_PASSWORD, log_in, settled, staff_user

pytestmark = pytest.mark.browser

TITLE = "Safe Digital Nairobi Dialogue"
ANONYMOUS_REAL_NAME = "Wanjiru Kamau"


@pytest.fixture
def editor(demo_event):
    return staff_user("editor", EDITORS)


def jpeg(size=(1200, 675), color=(11, 92, 107)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return {"name": "nairobi-stage.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def add_speaker(page, site, full_name, **public):
    page.goto(site.url + "/admin/events/speaker/add/")
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Role or title").fill(public.get("role", ""))
    if "descriptor" in public:
        page.get_by_label("Public identity").select_option(
            label="Anonymous (descriptor only, no photo, no page)"
        )
        page.get_by_label("Anonymous descriptor").fill(public["descriptor"])
        page.get_by_label("Consent date").fill(public["consent"])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")


def choose_in_autocomplete(page, row, search, option):
    """Picks a speaker in the admin's autocomplete (select2) the way a person does: type, then click."""
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def test_editor_builds_previews_and_publishes_an_event_a_visitor_then_reads(new_context, site, editor):
    visitor = new_context().new_page()
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(page, site, "editor")
    # Editors work on content only: the enquiries are not theirs to see.
    expect(page.get_by_role("caption").get_by_role("link", name="Events")).to_be_visible()
    expect(page.get_by_text("Donation enquiries")).to_have_count(0)

    # Two speakers: one named in public, one who spoke anonymously.
    add_speaker(page, site, "Amani Otieno", role="Youth advocate")
    add_speaker(page, site, ANONYMOUS_REAL_NAME, descriptor="Survivor, Kenya", consent="2024-11-01")

    # The event, with one session, saved as a draft.
    page.goto(site.url + "/admin/events/event/add/")
    page.locator("#id_title").press_sequentially(TITLE)
    expect(page.locator("#id_slug")).to_have_value("safe-digital-nairobi-dialogue")
    page.locator("#id_summary").fill("Survivors, ministers and industry met in Nairobi.")
    page.locator("#id_start_date").fill("2025-03-14")
    page.locator("#id_end_date").fill("2025-03-14")
    page.locator("#id_city").fill("Nairobi")
    expect(page.locator("#id_status")).to_have_value("draft")
    page.get_by_role("button", name="Add another Session").click()
    page.locator("#id_sessions-0-title").fill("Survivors speak")
    page.locator("#id_sessions-0-kind").select_option(label="Panel")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    settled(page)
    event = Event.objects.get(title=TITLE)
    assert event.status == Event.Status.DRAFT

    # A visitor cannot see the draft.
    response = visitor.goto(site.url + event.get_absolute_url())
    assert response.status == 404
    visitor.goto(site.url + "/events/")
    expect(visitor.get_by_role("link", name=TITLE)).to_have_count(0)

    # The speakers join the session, one with a quote.
    page.locator("#sessions-0").get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", name="Survivors speak")).to_be_visible()
    page.get_by_role("button", name="Add another Participant").click()
    page.get_by_role("button", name="Add another Participant").click()
    choose_in_autocomplete(page, page.locator("#participations-0"), "Amani", "Amani Otieno")
    choose_in_autocomplete(page, page.locator("#participations-1"), "Survivor", "Survivor, Kenya")
    page.locator("#id_participations-1-quote").fill("I was twelve when it started. Nobody asked me.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    # The draft preview, for staff only.
    page.goto(site.url + f"/admin/events/event/{event.pk}/change/")
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(site.url + event.get_absolute_url())
    expect(page.get_by_role("status").filter(has_text="Draft preview")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="Amani Otieno")).to_be_visible()
    expect(page.locator("section.programme li").filter(has_text="Survivor, Kenya")).to_be_visible()

    # Publishing needs a hero image with alt text; the admin says so, then takes them.
    page.go_back()
    page.locator("#id_status").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".errorlist")).to_contain_text(["A published event needs a hero image."])
    page.locator("#id_hero_image").set_input_files(jpeg())
    page.locator("#id_hero_image_alt").fill("Speakers on the stage in Nairobi")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    settled(page)
    event.refresh_from_db()
    assert event.is_public

    # The visitor now finds it, sees the anonymous speaker only by their descriptor, and no draft banner.
    visitor.goto(site.url + "/events/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text("Draft preview")).to_have_count(0)
    expect(visitor.get_by_role("img", name="Speakers on the stage in Nairobi")).to_be_visible()
    session = visitor.locator("section.session").filter(has_text="Survivors speak")
    expect(session.get_by_role("link", name="Amani Otieno")).to_be_visible()
    expect(session.locator("li").filter(has_text="Survivor, Kenya")).to_be_visible()
    expect(session.locator("blockquote")).to_have_text(re.compile("I was twelve when it started"))
    expect(session.locator("figure.quote figcaption")).to_have_text("Survivor, Kenya")
    assert ANONYMOUS_REAL_NAME not in visitor.content()
    assert "wanjiru" not in visitor.content().lower()
    # And the admin's scripts ran without an error, under the site's content policy.
    assert errors == []


def test_add_another_puts_the_new_rows_first_field_under_the_keyboard(new_context, site, editor, demo_event):
    page = new_context().new_page()
    log_in(page, site, "editor")
    session = demo_event.sessions.first()

    page.goto(site.url + "/admin/events/event/add/")
    page.get_by_role("button", name="Add another Session").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_sessions-0-order")).to_be_focused()  # the row's first column

    # And in a session's participants, below the rows already there.
    page.goto(site.url + f"/admin/events/session/{session.pk}/change/")
    rows = page.locator(".dynamic-participations")
    before = rows.count()
    page.get_by_role("button", name="Add another Participant").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(before + 1)
    expect(page.locator(f"#id_participations-{before}-order")).to_be_focused()


def columns_out_of_sight(page):
    """Each tabular inline's column headings that lie beyond the right edge of its box (seen only by scrolling)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.inline-group .tabular')].map(inline => {
            const edge = inline.querySelector('.wrapper').getBoundingClientRect().right + 1;
            return [inline.closest('.inline-group').id, [...inline.querySelectorAll('thead th')]
                .filter(heading => heading.getBoundingClientRect().right > edge)
                .map(heading => heading.innerText.trim())];
        }).filter(([, hidden]) => hidden.length))"""
    )


def fields_out_of_sight(page):
    """The names of the inlines' fields that lie beyond the right edge of their inline's box, in any layout."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.inline-group')].flatMap(inline => {
            const edge = inline.getBoundingClientRect().right + 1;
            return [...inline.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(field => field.closest('.empty-form') === null && field.getClientRects().length)
                .filter(field => field.getBoundingClientRect().right > edge)
                .map(field => field.name);
        })"""
    )


@pytest.mark.parametrize("locale", ["en-GB", "es-ES"])
def test_an_editors_rows_fit_the_page_at_1280_pixels(new_context, site, editor, demo_event, locale):
    # The photos' captions, credits and "Delete?", a participant's quote, a figure's order: at 1280 px, beside the
    # admin's menu, they were off to the right of their table, as was any error beside them.
    page = new_context(locale=locale).new_page()
    page.goto(site.url + "/admin/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator("#user-tools")).to_be_visible()
    gallery = demo_event.galleries.first()
    session = demo_event.sessions.first()

    for address in [
        f"/admin/events/event/{demo_event.pk}/change/",
        f"/admin/events/session/{session.pk}/change/",
        f"/admin/events/gallery/{gallery.pk}/change/",
        f"/admin/media_coverage/socialfigures/{demo_event.social_figures.pk}/change/",
    ]:
        page.goto(site.url + address)
        assert columns_out_of_sight(page) == {}, address
        assert fields_out_of_sight(page) == [], address

    # A photo's alt text and caption are read whole: three lines of a box as wide as a few words, not one line
    # about a hundred pixels wide.
    page.goto(f"{site.url}/admin/events/gallery/{gallery.pk}/change/")
    for name in ["alt_text", "caption"]:
        box = page.locator(f"[name='photos-0-{name}']").bounding_box()
        assert box["width"] >= 140 and box["height"] >= 45, (name, box)


def test_the_autocomplete_boxes_of_a_tables_rows_are_as_wide_as_each_other(
    new_context, site, editor, demo_event
):
    # select2 measured each box as it started it, after the box before it had changed the table's layout: the
    # mentions' outlet boxes grew down the page. Measured all at once, the rows' boxes of one column are alike.
    page = new_context().new_page()
    log_in(page, site, "editor")
    page.goto(site.url + f"/admin/events/event/{demo_event.pk}/change/")
    settled(page)

    widths = page.evaluate(
        """() => [...document.querySelectorAll('.dynamic-media_mentions select.admin-autocomplete')]
            .map(select => [select.dataset.width, select.nextElementSibling.getBoundingClientRect().width])"""
    )
    shown = [width for _given, width in widths]
    assert len(shown) >= 3
    assert max(shown) - min(shown) < 1, widths
    assert min(shown) > 40, widths  # a box, not a sliver
    assert {given for given, _shown in widths} == {f"{round(shown[0])}px"}, widths  # select2 measured none
    expect(page.locator(".dynamic-media_mentions .select2-selection__rendered").first).not_to_be_empty()
