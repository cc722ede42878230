"""Quick exit: "Leave this site" on every public page, Escape twice, and no way back to the page left."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, open_photo_viewer, public_pages

pytestmark = pytest.mark.browser


@pytest.fixture
def exit_url(site, settings):
    """A neutral page on the live server itself (the real default, a search engine, is not reachable here)."""
    settings.QUICK_EXIT_URL = site.url + "/healthz"
    return settings.QUICK_EXIT_URL


def quick_exit(page):
    return page.get_by_role("link", name="Leave this site")


def test_leave_this_site_is_on_screen_on_every_public_page(page, site, demo_event, exit_url):
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for name, path in public_pages(demo_event).items():
            page.goto(site.url + path)
            link = quick_exit(page)
            expect(link, f"{name} at {viewport['width']} px").to_be_visible()
            expect(link, f"{name} at {viewport['width']} px").to_be_in_viewport()
            expect(link).to_have_attribute("href", exit_url)
            # Still on screen at the bottom of the page: it is fixed, not part of the header.
            page.keyboard.press("End")
            expect(link, f"{name} at {viewport['width']} px, scrolled down").to_be_in_viewport()


def test_leaving_replaces_the_page_and_its_history_entry(page, site, demo_event, exit_url):
    before = site.url + "/healthz?before"
    page.goto(before)
    page.goto(site.url + demo_event.get_absolute_url())
    length = page.evaluate("history.length")

    quick_exit(page).click()

    expect(page).to_have_url(exit_url)
    assert page.evaluate("history.length") == length
    page.go_back()
    expect(page).to_have_url(before)


def test_escape_twice_outside_a_form_field_leaves(page, site, demo_event, exit_url):
    page.goto(site.url + demo_event.get_absolute_url())
    page.goto(site.url + "/pledges/")
    length = page.evaluate("history.length")

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    expect(page).to_have_url(exit_url)
    assert page.evaluate("history.length") == length
    page.go_back()
    expect(page).to_have_url(site.url + demo_event.get_absolute_url())


@pytest.mark.parametrize(
    ("path", "field"),
    [("/lets-chat/", "Your name"), ("/lets-chat/", "Your message"), ("/events/", "Country")],
    ids=["text-input", "textarea", "select"],
)
def test_escape_twice_in_a_form_field_does_not_leave(page, site, demo_event, exit_url, path, field):
    page.goto(site.url + path)
    page.get_by_label(field).first.click()

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)

    expect(page).to_have_url(site.url + path)
    expect(page.get_by_label(field).first).to_be_focused()


def test_the_photo_viewer_has_its_own_way_out(page, site, demo_event, exit_url):
    # The viewer makes the rest of the page inert and covers it, the page's "Leave this site" with it: on a phone,
    # with no Escape key, there was no way out but to close the viewer first.
    page.set_viewport_size(PHONE)
    viewer = open_photo_viewer(page, site, demo_event)
    link = viewer.get_by_role("link", name="Leave this site")
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport()

    link.click()

    expect(page).to_have_url(exit_url)


def test_escape_twice_in_the_photo_viewer_leaves(page, site, demo_event, exit_url):
    # The first closes the viewer, as it does alone; the second, straight after, leaves, as the button's title says.
    open_photo_viewer(page, site, demo_event)

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    expect(page).to_have_url(exit_url)


def test_closing_the_viewer_opening_it_again_and_closing_it_stays(page, site, demo_event, exit_url):
    # Escape, Enter on the photo it returned to, Escape: two Escapes, but not in a row.
    viewer = open_photo_viewer(page, site, demo_event)

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    page.keyboard.press("Enter")
    expect(viewer).to_be_visible()
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)

    expect(viewer).to_be_hidden()
    expect(page).to_have_url(site.url + demo_event.get_absolute_url())
