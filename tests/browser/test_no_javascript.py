"""Journey 5: with JavaScript off, the highlights page is whole: every section, the real figures."""

import re

import pytest
from playwright.sync_api import expect

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
