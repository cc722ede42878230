"""Journey 5: with JavaScript off, the highlights page is whole: every section, the real figures."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE
from tests.browser.test_visitor import DEMO_FIGURES

pytestmark = pytest.mark.browser

# The seed page's sections, in its order (the figures' heading is for screen readers only). "Country pledges"
# is left out: the page shows it only when pledges are recorded, and the seed names no pledging country.
SECTIONS = [
    "Hosts and supporting partners",
    "In figures",
    "About the event",
    "Concrete actions to secure a safe digital future for children through",
    "What came of it",
    "Resources",
    "The programme",
    "Interviews",
    "Media coverage",
    "Social media",
    "Captured memories",
    "Highlights on video",
    "We'd love to have a chat",
]


def test_highlights_page_is_whole_without_javascript(new_context, site, demo_event):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site.url + demo_event.get_absolute_url())

    headings = page.locator("main h2")
    assert [text for text in headings.all_inner_texts() if text != "Country pledges"] == SECTIONS
    for heading in headings.filter(has_not_text="In figures").all():
        expect(heading).to_be_visible()

    figures = page.locator(".figures dl > div")
    shown = {figure.locator("dt").inner_text(): figure.locator("dd").inner_text() for figure in figures.all()}
    assert shown.items() >= DEMO_FIGURES.items()

    # What JavaScript would enhance is still there as plain links: the film on its provider's page,
    # each photo as its large image. No player is embedded.
    film = page.locator("figure.video").filter(has_text="Beyond the Screen")
    expect(film.locator("a[data-play]")).to_have_attribute(
        "href", "https://www.youtube.com/watch?v=PLACEHOLDER"
    )
    expect(page.locator("iframe")).to_have_count(0)
    expect(page.locator("a[data-viewer]").first).to_have_attribute(
        "href", re.compile(r"^/media/renditions/.+\.jpg$")
    )


def test_on_a_phone_the_menu_is_there_without_javascript(new_context, site, demo_event):
    # The menu's toggle button needs JavaScript: without it the menu's links are shown, and the button is not.
    page = new_context(java_script_enabled=False, viewport=PHONE).new_page()
    page.goto(site.url + "/")

    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("button", name="Show the menu")).to_be_hidden()
    for name in ["Home", "Events", "Pledges", "Let's chat", "Español"]:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    menu.get_by_role("link", name="Pledges", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Country pledges")


def test_on_a_phone_with_javascript_the_menu_stays_behind_its_button(new_context, site, demo_event):
    page = new_context(viewport=PHONE).new_page()
    page.goto(site.url + "/")

    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Pledges", exact=True)).to_be_hidden()
    menu.get_by_role("button", name="Show the menu").click()
    expect(menu.get_by_role("link", name="Pledges", exact=True)).to_be_visible()
