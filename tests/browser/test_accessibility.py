"""Accessibility: axe-core finds nothing against WCAG 2.2 A and AA on any public page type."""

import pytest

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, describe_violations, public_pages

pytestmark = pytest.mark.browser

PAGE_TYPES = ["home", "events", "highlights", "speaker", "pledges", "coverage", "not-found"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_public_page_has_no_axe_violations(new_context, site, demo_event, name, viewport):
    # Reduced motion: the figures show their final numbers at once, so contrast is judged on them.
    page = new_context(viewport=viewport, reduced_motion="reduce").new_page()
    page.goto(site.url + public_pages(demo_event)[name])

    violations = axe_violations(page)

    assert violations == [], f"axe found on the {name} page:\n" + describe_violations(violations)


FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        name: (element.getAttribute("aria-label") || element.innerText || element.getAttribute("alt") || "").trim(),
        tag: element.tagName.toLowerCase(),
        position: Array.prototype.indexOf.call(document.querySelectorAll("*"), element),
        ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
        visible: box.width > 0 && box.height > 0 && element.checkVisibility(),
        // WCAG 2.4.11: a focused element is not entirely hidden (e.g. behind the fixed quick exit).
        covered: (() => {
            const points = [[box.left + 2, box.top + 2], [box.right - 2, box.top + 2],
                            [box.left + 2, box.bottom - 2], [box.right - 2, box.bottom - 2]];
            return points.every(([x, y]) => {
                const top = document.elementFromPoint(x, y);
                return top && !element.contains(top) && !top.contains(element);
            });
        })(),
    };
}"""
TABBABLE = """() => Array.from(document.querySelectorAll(
    "a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, summary, [tabindex]"
)).filter(element => element.tabIndex >= 0 && element.checkVisibility()).length"""


def tab_through(page, limit=200):
    """Presses Tab from the top of the page until focus leaves it; returns what had focus, in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            return stops
        stops.append(focused)
    raise AssertionError(f"Focus never left the page after {limit} presses of Tab")


FIRST_STOPS = {
    "1280px": ["Skip to main content", "Leave this site", "Safe Digital", "Home", "Events", "Pledges"],
    # On a phone the navigation is behind its toggle button.
    "375px": ["Skip to main content", "Leave this site", "Safe Digital", "Show the menu"],
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("name", ["home", "highlights"])
def test_keyboard_reaches_everything_in_order_with_a_visible_focus_ring(
    new_context, site, demo_event, name, viewport
):
    page = new_context(viewport=viewport).new_page()
    page.goto(site.url + public_pages(demo_event)[name])

    stops = tab_through(page)

    first = FIRST_STOPS[f"{viewport['width']}px"]
    assert [stop["name"] for stop in stops[: len(first)]] == first
    assert len(stops) == page.evaluate(TABBABLE), "every interactive element is reached by Tab"
    positions = [stop["position"] for stop in stops]
    assert positions == sorted(positions), "focus follows the reading order"
    assert [stop for stop in stops if not stop["visible"]] == [], "focus never goes to something unseen"
    assert [stop for stop in stops if stop["covered"]] == [], "a focused element is never hidden"
    assert [stop for stop in stops if not stop["ring"]] == [], "every focused element shows a focus ring"
