"""Responsive layout: nothing scrolls sideways on a phone; screenshots for a person to look at."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, public_pages, screenshot, send_the_form

pytestmark = pytest.mark.browser

SIDEWAYS = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // What spills out of its box (leaf-most first), to say where the overflow comes from.
    spilling: Array.from(document.querySelectorAll("body *"))
        .filter(element => element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 1)
        .filter(element => !["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(element).overflowX))
        .reverse()
        .slice(0, 3)
        .map(element => element.outerHTML.slice(0, 160)),
})"""
ALL_IMAGES_LOADED = """() => {
    document.querySelectorAll("img[loading=lazy]").forEach(image => { image.loading = "eager"; });
    return Promise.all(Array.from(document.images).map(image => image.decode().catch(() => null)));
}"""


def test_no_public_page_scrolls_sideways_on_a_phone(new_context, site, demo_event):
    page = new_context(viewport=PHONE).new_page()
    pages = {**public_pages(demo_event), "enquiry-errors": public_pages(demo_event)["enquiry"]}
    for name, path in pages.items():
        page.goto(site.url + path)
        if name == "enquiry-errors":
            send_the_form(page)
            page.get_by_role("alert").wait_for()
        page.evaluate(ALL_IMAGES_LOADED)

        widths = page.evaluate(SIDEWAYS)

        assert widths["scrollWidth"] <= widths["innerWidth"], f"{name} scrolls sideways at 375 px: {widths}"


# WCAG 1.4.12's text spacing, as a reader's own style sheet (or a bookmarklet) applies it: the test's context lets
# it past the site's Content-Security-Policy, as a browser lets a user's styles past it.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
    " p { margin-bottom: 2em !important; }"
)


@pytest.mark.parametrize("width", [320, 375])
def test_wider_text_spacing_does_not_push_a_page_sideways(new_context, site, demo_event, width):
    # The headline figure 15,712,224, spaced out, was 17 px wider than its column at 320 px: the home and
    # highlights pages scrolled sideways by 5 px (9 px at 375 px).
    page = new_context(viewport={"width": width, "height": 640}, bypass_csp=True).new_page()
    for name in ["home", "highlights", "coverage"]:
        page.goto(site.url + public_pages(demo_event)[name])
        page.add_style_tag(content=TEXT_SPACING)

        widths = page.evaluate(SIDEWAYS)

        assert widths["scrollWidth"] <= widths["innerWidth"], (
            f"{name} scrolls sideways at {width} px: {widths}"
        )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_headline_figures_keep_to_one_line(new_context, site, demo_event, viewport):
    # Only spacing wider than the page's own may break a figure (above): as the page draws them, each number fits
    # its column on one line.
    page = new_context(viewport=viewport).new_page()
    page.goto(site.url + demo_event.get_absolute_url())
    figures = page.locator(".figures .figure-value")
    expect(figures.first).to_be_visible()

    lines = figures.evaluate_all(
        "figures => figures.map(figure => [figure.textContent.trim(),"
        " Math.round(figure.getBoundingClientRect().height / parseFloat(getComputedStyle(figure).lineHeight))])"
    )

    assert lines and all(count == 1 for _text, count in lines), lines


# Each figure's number, by the row its cell is in: [top of the cell, top of the number, the number].
NUMBERS_BY_ROW = """figures => figures.map(figure => [
    Math.round(figure.parentElement.getBoundingClientRect().top), Math.round(figure.getBoundingClientRect().top),
    figure.textContent.trim()])"""


@pytest.mark.parametrize("locale", ["en-GB", "es-ES"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_numbers_of_a_row_of_figures_are_level(new_context, site, demo_event, viewport, locale):
    # A label that wraps onto a second line ("Total de publicaciones" on a phone) pushed its number up out of line.
    page = new_context(viewport=viewport, locale=locale).new_page()
    page.goto(site.url + demo_event.get_absolute_url())
    figures = page.locator(":is(.figures, .social-figures) .figure-value")
    expect(figures.first).to_be_visible()

    rows = {}
    for row, top, number in figures.evaluate_all(NUMBERS_BY_ROW):
        rows.setdefault(row, []).append((top, number))

    assert len(rows) >= 2
    assert [row for row in rows.values() if len({top for top, _number in row}) > 1] == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_screenshots_of_home_highlights_form_and_thank_you(new_context, site, demo_event, viewport):
    page = new_context(viewport=viewport, reduced_motion="reduce").new_page()
    shots = []
    for name in ("home", "highlights", "enquiry", "thanks"):
        page.goto(site.url + public_pages(demo_event)[name])
        page.evaluate(ALL_IMAGES_LOADED)
        shots.append(screenshot(page, f"{name}-{viewport['width']}"))
    # The form as a visitor sees it after sending it empty.
    page.goto(site.url + public_pages(demo_event)["enquiry"])
    send_the_form(page)
    page.get_by_role("alert").wait_for()
    shots.append(screenshot(page, f"enquiry-errors-{viewport['width']}"))

    assert all(shot.stat().st_size > 10_000 for shot in shots)


CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll(".chart svg")).flatMap(svg => {
    // The size a reader sees: the text's font size times the scale the SVG is drawn at.
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return Array.from(svg.querySelectorAll("text")).map(
        text => [text.textContent, parseFloat(getComputedStyle(text).fontSize) * scale]
    );
})"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_coverage_charts_text_is_drawn_at_a_readable_size(new_context, site, demo_event, viewport):
    """Drawn 640 wide and shrunk to fit, the charts' names and figures came out at 8 px, on a phone and beside
    each other on a desktop alike."""
    page = new_context(viewport=viewport).new_page()
    page.goto(site.url + public_pages(demo_event)["coverage"])

    sizes = page.evaluate(CHART_TEXT_SIZES)

    assert len(sizes) >= 8  # the demo's chart: four media, each named, with its figure
    assert [(text, size) for text, size in sizes if size < 12] == []


def test_the_pledges_table_scrolls_in_its_own_region_not_the_page_at_320_px(new_context, site, demo_event):
    """
    WCAG 1.4.10 reflow: at 320 px the table of pledges is wider than the window and scrolls in its own region; the
    hidden words of its "Source" links (" (Brazil)", positioned out of the region's clipping) pushed the whole page
    sideways with it.
    """
    from tests.factories import CountryPledgeFactory

    for country in ("BR", "CO", "ZA"):
        CountryPledgeFactory(
            event=demo_event,
            country=country,
            pledging_body="Ministry of Information and Communication Technologies",
            commitment="Adopt a national strategy against online abuse, with dedicated financing, by 2026.",
            source_url="https://example.org/pledge",
        )
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in (public_pages(demo_event)["pledges"], public_pages(demo_event)["highlights"]):
        page.goto(site.url + path)
        expect(page.get_by_role("link", name="Source (Brazil)")).to_be_attached()

        widths = page.evaluate(SIDEWAYS)

        assert widths["scrollWidth"] <= widths["innerWidth"], f"{path} scrolls sideways at 320 px: {widths}"


def test_a_long_address_pasted_into_the_text_wraps_instead_of_pushing_the_page_sideways(
    new_context, site, demo_event
):
    """
    An editor pastes a shared document's address as text (its 44-letter id has nowhere a line may break): in the
    introduction, a session's summary, the strapline or a photo's caption it stood wider than a phone's window, and
    the whole highlights page scrolled sideways, 1006 px wide at 375.
    """
    from events.models import Event, Photo, Session
    from safedigital.cache import content_changed

    address = "https://drive.google.com/file/d/1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdEFGH/view?usp=sharing"
    Event.objects.filter(pk=demo_event.pk).update(body=f"<p>The press pack: {address}</p>", strapline=address)
    Session.objects.filter(event=demo_event).update(summary=f"<p>Slides: {address}</p>")
    Photo.objects.filter(gallery__event=demo_event).update(caption=f"Album: {address}")
    content_changed()
    page = new_context(viewport=PHONE).new_page()
    page.goto(site.url + demo_event.get_absolute_url())
    expect(page.get_by_text(f"The press pack: {address}")).to_be_visible()

    widths = page.evaluate(SIDEWAYS)

    assert widths["scrollWidth"] <= widths["innerWidth"], f"the highlights page scrolls sideways: {widths}"
