"""Journey 1: a visitor reads the featured event's highlights; and the privacy promise that goes with it."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import open_photo_viewer

pytestmark = pytest.mark.browser

# What the seed page gives the demo event: "over 10 countries" (counted from its speakers' countries) and
# the media agency's reported reach.
DEMO_FIGURES = {
    "Countries represented": "10+",
    "People reached by media coverage": "15,712,224",
}
# What the seed page says of the coverage: the agency's reported reach and the outlets it names.
COVERAGE_REACH = "15,712,224"
NAMED_OUTLETS = ["El Tiempo", "Publimetro", "Semana", "Caracol", "Capital", "City Television"]


def shown_figures(page):
    """
    The headline figures as a visitor reads them: label -> number. The page must have been opened with reduced
    motion: the count-up (tested on its own, test_a_counted_up_figure_ends_as_the_page_wrote_it) would otherwise
    be read part-way whenever it started after the numbers were checked.
    """
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    figures = page.locator(".figures dl > div")
    return {figure.locator("dt").inner_text(): figure.locator("dd").inner_text() for figure in figures.all()}


def named_outlets(coverage):
    """The outlets the coverage section names, as a visitor reads them ("Publimetro, Semana and 23 outlets not
    named here"), without their descriptions in brackets or the count of those it does not name."""
    names = []
    for text in coverage.locator(".coverage-media dd").all_inner_texts():
        text = re.sub(r" \([^)]*\)", "", text)
        names += [name for name in re.split(r", | and ", text) if not name.endswith("not named here")]
    return sorted(names)


def test_visitor_follows_the_featured_event_and_reads_its_highlights(page, requests_made, site, demo_event):
    page.emulate_media(reduced_motion="reduce")  # the figures as written, not part-way through their count-up
    page.goto(site.url + "/")
    page.get_by_role("link", name=re.compile("^See the highlights")).click()

    expect(page).to_have_url(site.url + demo_event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_event.title)

    # The headline figures are real numbers, counted from the records.
    figures = shown_figures(page)
    assert figures.items() >= DEMO_FIGURES.items()
    assert all(int(value.replace(",", "").rstrip("+")) > 0 for value in figures.values())

    # The programme, with its speakers and what they said.
    programme = page.locator("section.programme")
    expect(programme.get_by_role("heading", level=2)).to_have_text("The programme")
    opening = programme.locator("section.session").filter(
        has=page.get_by_role("heading", name="Opening of the satellite event")
    )
    expect(opening.get_by_role("link", name="Marija Manojlovic")).to_be_visible()
    expect(opening.get_by_role("link", name="Camilla Waltersson Grönwall")).to_be_visible()
    expect(opening.locator("blockquote").first).to_contain_text(
        "As technology evolves, so must our efforts to protect them."
    )
    expect(programme.get_by_text("Expert, United Nations")).to_be_visible()
    expect(page.get_by_text("Name to be entered")).to_have_count(0)

    # The pledges made at the Ministerial Conference this event fed into, as the outcomes state them (the seed
    # names no pledging country, so the demo has no pledge rows to show).
    outcomes = page.locator("section.outcomes")
    expect(outcomes.get_by_role("heading", level=2)).to_have_text("What came of it")
    expect(outcomes).to_contain_text("20 countries submitted pledges")

    # The media coverage: the reported reach and the outlets the seed names; its link leads to the coverage
    # page, and the breadcrumb back to the highlights.
    coverage = page.locator("section#media-coverage")
    expect(coverage.get_by_role("heading", level=2)).to_have_text("Media coverage")
    expect(coverage.locator(".figure-value")).to_have_text(COVERAGE_REACH)
    assert named_outlets(coverage) == sorted(NAMED_OUTLETS)
    expect(page.locator("section#social-media").get_by_role("heading", level=2)).to_have_text("Social media")
    coverage.get_by_role("link", name=re.compile("mentions and charts|coverage in detail")).click()

    expect(page).to_have_url(site.url + demo_event.get_absolute_url() + "coverage/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Media coverage")
    expect(page.locator(".coverage-summary .figure-value").first).to_have_text(COVERAGE_REACH)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=demo_event.title).click()
    expect(page).to_have_url(site.url + demo_event.get_absolute_url())
    # The URL changes before the page's deferred script runs; a photo clicked before it is a plain link to the
    # photo (as without JavaScript), not the viewer.
    page.wait_for_load_state()

    # A photo opens in the viewer; Escape closes it and puts the visitor back where they were.
    photo = page.locator("a[data-viewer]").first
    photo.click()
    viewer = page.locator("dialog.photo-viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("img")).to_have_attribute("src", photo.evaluate("link => link.href"))
    expect(viewer.locator("img")).to_have_attribute("alt", photo.get_attribute("data-alt"))
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    assert viewer.evaluate("dialog => dialog.open") is False
    expect(photo).to_be_focused()

    # The film: nothing from the video provider until the visitor chooses to play it.
    film = page.locator("figure.video").filter(has_text="Beyond the Screen: Hidden voices of online abuse")
    expect(film.get_by_text("Content warning:")).to_be_visible()
    expect(page.locator("iframe")).to_have_count(0)
    before_play = list(requests_made)
    with page.expect_request(re.compile(r"^https://www\.youtube-nocookie\.com/")):
        film.get_by_role("link", name=re.compile("I understand — play the film")).click()
    frame = film.locator("iframe")
    expect(frame).to_have_count(1)
    expect(frame).to_have_attribute("src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/"))
    expect(frame).to_have_attribute("title", "Beyond the Screen: Hidden voices of online abuse")
    expect(page.locator("iframe")).to_have_count(1)

    # Privacy: before the click every request went to the site itself (the coverage page's included);
    # after it, only to the privacy-enhanced player.
    site_origin = site.url + "/"
    assert before_play and [url for url in before_play if not url.startswith(site_origin)] == []
    assert site.url + demo_event.get_absolute_url() + "coverage/" in before_play
    after_play = requests_made[len(before_play) :]
    assert {urlsplit(url).hostname for url in after_play if not url.startswith(site_origin)} == {
        "www.youtube-nocookie.com"
    }


def test_a_spanish_visitor_s_photo_viewer_keeps_the_caption_s_language(new_context, site, demo_event):
    # The page is in Spanish, the editors' alt text and caption in English: the viewer, which copies them out
    # of the gallery, says so, so that a screen reader reads them in an English voice.
    page = new_context(locale="es-ES").new_page()
    page.goto(site.url + demo_event.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "es")

    photo = page.locator("a[data-viewer]").first
    expect(photo).to_have_attribute("lang", "en")
    photo.click()
    viewer = page.locator("dialog.photo-viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("figure")).to_have_attribute("lang", "en")
    expect(viewer.locator("img")).to_have_attribute("alt", photo.get_attribute("data-alt"))


@pytest.mark.parametrize(("locale", "said"), [("en-GB", "Photo {} of {}:"), ("es-ES", "Foto {} de {}:")])
def test_the_photo_viewer_says_which_photo_it_shows_as_next_and_previous_change_it(
    new_context, site, demo_event, locale, said
):
    # A screen reader hears nothing of a photo changing under the focused button: a polite live region says it.
    page = new_context(locale=locale).new_page()
    page.goto(site.url + demo_event.get_absolute_url())
    photos = page.locator("a[data-viewer]")
    total = photos.count()
    photos.first.click()
    viewer = page.locator("dialog.photo-viewer")
    live = viewer.locator("[aria-live=polite]")

    viewer.locator("[data-viewer-next]").click()
    expect(live).to_have_text(f"{said.format(2, total)} {photos.nth(1).get_attribute('data-alt')}")
    viewer.locator("[data-viewer-prev]").click()
    viewer.locator("[data-viewer-prev]").click()
    expect(live).to_have_text(f"{said.format(total, total)} {photos.last.get_attribute('data-alt')}")
    # The photo's description is the editors' words, marked with their language on a Spanish page.
    assert live.locator("[data-viewer-description]").evaluate("span => span.closest('[lang]').lang") == "en"


def test_a_spanish_visitor_s_video_frame_title_is_marked_english(new_context, site, demo_event):
    page = new_context(locale="es-ES").new_page()
    page.goto(site.url + demo_event.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "es")

    film = page.locator("figure.video").first
    film.locator("[data-play]").click()
    frame = film.locator("iframe")
    expect(frame).to_have_count(1)
    # The frame's title is the editors' words (data-title): a screen reader announces it in the language of its
    # nearest lang, which must be theirs.
    assert frame.evaluate("frame => frame.closest('[lang]').lang") == "en"


# Each of the viewer's buttons: whether it lies wholly inside the dialog's visible box and the window.
VIEWER_BUTTONS_IN_VIEW = """dialog => {
    const box = dialog.getBoundingClientRect();
    return Array.from(dialog.querySelectorAll("button")).map(button => {
        const own = button.getBoundingClientRect();
        return [button.textContent.trim(), own.top >= Math.max(box.top, 0) && own.bottom <= Math.min(box.bottom,
            window.innerHeight) && own.left >= box.left && own.right <= box.right];
    });
}"""


@pytest.mark.parametrize("viewport", [{"width": 640, "height": 360}, {"width": 320, "height": 256}])
def test_the_photo_viewer_s_buttons_stay_in_view_on_a_short_screen(new_context, site, demo_event, viewport):
    # A phone held sideways (WCAG 1.4.10 reflow: 256 px high): the photo shrinks to leave its caption and buttons
    # in view, the focused Close button among them, rather than pushing them out of the dialog.
    page = new_context(viewport=viewport).new_page()
    page.goto(site.url + demo_event.get_absolute_url())

    page.locator("a[data-viewer]").first.click()
    viewer = page.locator("dialog.photo-viewer")
    expect(viewer).to_be_visible()
    assert viewer.locator("img").evaluate("image => image.decode().then(() => image.naturalWidth)") > 0
    expect(viewer.get_by_role("button", name="Close")).to_be_focused()

    assert viewer.evaluate(VIEWER_BUTTONS_IN_VIEW) == [["Previous", True], ["Close", True], ["Next", True]]


# Each of the viewer's buttons, and how much of it (width × height in px) its fixed "Leave this site" covers.
VIEWER_BUTTONS_UNDER_THE_EXIT = """dialog => {
    const exit = dialog.querySelector("[data-quick-exit]").getBoundingClientRect();
    return Array.from(dialog.querySelectorAll("button")).map(button => {
        const own = button.getBoundingClientRect();
        const width = Math.min(own.right, exit.right) - Math.max(own.left, exit.left);
        const height = Math.min(own.bottom, exit.bottom) - Math.max(own.top, exit.top);
        return [button.textContent.trim(), width > 0 && height > 0 ? [Math.round(width), Math.round(height)] : null];
    });
}"""


@pytest.mark.parametrize(
    ("viewport", "locale"),
    [({"width": 320, "height": 256}, "en-GB"), ({"width": 568, "height": 320}, "es-ES")],
    ids=["1280px-at-400%", "phone-sideways-es"],
)
def test_the_photo_viewer_s_buttons_are_never_under_its_leave_this_site(
    new_context, site, demo_event, viewport, locale
):
    """
    WCAG 2.5.8 and 2.4.11: the dialog reached the window's bottom, where its own "Leave this site" is fixed. In a
    1280 px window zoomed to 400 % (320 × 256) it covered 63 × 32 px of "Next", leaving a strip 6 px high, and
    half of "Close"; on a small phone held sideways in Spanish, the right third of "Siguiente". A tap meant for
    the next photo left the site, and Tab's focus on Next was all but hidden.
    """
    page = new_context(viewport=viewport, locale=locale, reduced_motion="reduce").new_page()
    viewer = open_photo_viewer(page, site, demo_event)
    assert viewer.locator("img").evaluate("image => image.decode().then(() => image.naturalWidth)") > 0

    covered = viewer.evaluate(VIEWER_BUTTONS_UNDER_THE_EXIT)

    assert [name for name, _area in covered] == (
        ["Previous", "Close", "Next"] if locale == "en-GB" else ["Anterior", "Cerrar", "Siguiente"]
    )
    assert [(name, area) for name, area in covered if area] == []


def test_a_counted_up_figure_ends_as_the_page_wrote_it(new_context, site, demo_event):
    # In Spanish the page writes 15 712 224 (Django's format, as every other figure on the page); the count-up of
    # a figure below the fold must end on that, not on the browser's own 15.712.224.
    page = new_context(locale="es-ES", viewport={"width": 375, "height": 400}).new_page()
    page.goto(site.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    reach = page.locator(".figures dd").last
    written = reach.text_content()
    assert written == "15\N{NO-BREAK SPACE}712\N{NO-BREAK SPACE}224"

    reach.scroll_into_view_if_needed()

    expect(reach).not_to_have_text(written, timeout=2_000)  # it counts up…
    expect(reach).to_have_text(written)  # …to the number as written
    assert reach.text_content() == written


def test_a_visitor_whose_browser_asks_for_english_reads_the_page_in_spanish(page, site, demo_event):
    """The header's language switch: the same page again, in the language chosen, and back (pages cached)."""
    address = site.url + demo_event.get_absolute_url()
    page.goto(address)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Español").click()

    expect(page).to_have_url(address)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=2, name="El programa")).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.get_by_role("navigation", name="Principal").get_by_role("link", name="English").click()

    expect(page).to_have_url(address)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2, name="The programme")).to_be_visible()
