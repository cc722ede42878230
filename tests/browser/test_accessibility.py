"""Accessibility: axe-core finds nothing against WCAG 2.2 A and AA on any public page type, nor on the admin's pages
staff work in."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    axe_violations,
    describe_violations,
    log_in,
    open_photo_viewer,
    public_pages,
    send_the_form,
    settled,
    staff_user,
)

pytestmark = pytest.mark.browser

PAGE_TYPES = [
    "home",
    "events",
    "highlights",
    "speaker",
    "pledges",
    "coverage",
    "enquiry",
    "thanks",
    "privacy",
    "not-found",
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_public_page_has_no_axe_violations(new_context, site, demo_event, name, viewport):
    # Reduced motion: the figures show their final numbers at once, so contrast is judged on them.
    page = new_context(viewport=viewport, reduced_motion="reduce").new_page()
    page.goto(site.url + public_pages(demo_event)[name])

    violations = axe_violations(page)

    assert violations == [], f"axe found on the {name} page:\n" + describe_violations(violations)


@pytest.mark.parametrize("name", ["home", "highlights", "speaker", "pledges", "coverage", "enquiry"])
def test_spanish_page_has_no_axe_violations(new_context, site, demo_event, name):
    # In Spanish, with the editors' English marked as such (lang="en"): axe checks those marks too.
    page = new_context(locale="es-ES", reduced_motion="reduce").new_page()
    page.goto(site.url + public_pages(demo_event)[name])
    expect(page.locator("html")).to_have_attribute("lang", "es")

    violations = axe_violations(page)

    assert violations == [], f"axe found on the Spanish {name} page:\n" + describe_violations(violations)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_enquiry_form_with_its_errors_shown_has_no_axe_violations(new_context, site, demo_event, viewport):
    page = new_context(viewport=viewport).new_page()
    page.goto(site.url + public_pages(demo_event)["enquiry"])
    send_the_form(page)
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()

    violations = axe_violations(page)

    assert violations == [], "axe found on the enquiry form with errors:\n" + describe_violations(violations)


# What has focus after a Tab, and its outline and box-shadow focused and blurred: a focus ring is what changes
# between the two, at the end of any transition (Bootstrap's buttons fade their focus shadow in). The element is
# focused again afterwards, so the next Tab goes on from it.
FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    // Runs the element's transitions to their end at once (an endless animation cannot be, and is left).
    const settled = () => element.getAnimations().forEach(animation => {
        try { animation.finish(); } catch (error) { /* endless */ }
    });
    const ring = () => {
        const style = getComputedStyle(element);
        return {outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
                outlineColor: style.outlineColor, outlineOffset: style.outlineOffset, boxShadow: style.boxShadow};
    };
    settled();
    const focused = ring();
    const box = element.getBoundingClientRect();
    const stop = {
        name: (element.getAttribute("aria-label")
               || (element.labels && element.labels.length && element.labels[0].innerText)
               || element.innerText || (element.type === "submit" && element.value) || "").trim(),
        tag: element.tagName.toLowerCase(),
        position: Array.prototype.indexOf.call(document.querySelectorAll("*"), element),
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
        focused,
    };
    element.blur();
    settled();
    stop.blurred = ring();
    element.focus({preventScroll: true});
    stop.refocused = document.activeElement === element;
    return stop;
}"""


def contrast_with_white(colour):
    """WCAG's contrast ratio of a computed opaque colour ("rgb(…)") against white."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])

    def linear(channel):
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


def shows_a_focus_ring(stop):
    """
    A ring that the element has only when focused, and that shows (WCAG 2.4.7, 1.4.11): an outline at least 2 px
    wide in an opaque colour of at least 3:1 against white. Bootstrap's pale focus shadow (about 1.4:1) is not
    one, nor is a box-shadow the element always has (the quick exit's).
    """
    focused, blurred = stop["focused"], stop["blurred"]
    outline = ("outlineStyle", "outlineWidth", "outlineColor", "outlineOffset")
    return (
        focused["outlineStyle"] != "none"
        and float(focused["outlineWidth"].removesuffix("px")) >= 2
        and focused["outlineColor"].startswith("rgb(")
        and contrast_with_white(focused["outlineColor"]) >= 3
        and [focused[key] for key in outline] != [blurred[key] for key in outline]
    )


# What Tab should reach: every focusable, visible element, a group of radio buttons counting once.
TABBABLE = """() => {
    const seen = new Set();
    return Array.from(document.querySelectorAll(
        "a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, summary, [tabindex]"
    )).filter(element => element.tabIndex >= 0 && element.checkVisibility()).filter(element => {
        if (element.type !== "radio") return true;
        if (seen.has(element.name)) return false;
        seen.add(element.name);
        return true;
    }).length;
}"""


def tab_through(page, limit=200):
    """Presses Tab from the top of the page until focus leaves it; returns what had focus, in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            return stops
        assert focused["refocused"], f"{focused['name']!r} could not be focused again after the blur"
        stops.append(focused)
    raise AssertionError(f"Focus never left the page after {limit} presses of Tab")


FIRST_STOPS = {
    "1280px": [
        "Skip to main content",
        "Leave this site",
        "Safe Digital",
        "Home",
        "Events",
        "Pledges",
        "Let's chat",
    ],
    # On a phone the navigation is behind its toggle button.
    "375px": ["Skip to main content", "Leave this site", "Safe Digital", "Show the menu"],
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("name", ["home", "highlights", "enquiry"])
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
    assert [stop for stop in stops if not shows_a_focus_ring(stop)] == [], (
        "every focused element shows a ring"
    )


def test_keyboard_goes_through_the_enquiry_form_in_its_order(page, site, demo_event):
    page.goto(site.url + public_pages(demo_event)["enquiry"])

    stops = [stop["name"] for stop in tab_through(page)]

    form = stops[stops.index("Your name*") :]
    assert form[:13] == [
        "Your name*",
        "E-mail address*",
        "Organisation",
        "Country",
        "Phone number",
        "Individual gift",
        "Budget",
        "Your message*",
        "I have read the privacy notice and agree that Safe Digital keeps these details to reply to me.*",
        "privacy notice",
        "Send me Safe Digital's newsletter",
        "Send",
        "Safe Digital",
    ]


@pytest.mark.parametrize("height", [568, 640])
def test_at_320_px_tab_never_stops_on_a_link_hidden_behind_leave_this_site(
    new_context, site, demo_event, height
):
    """
    WCAG 2.4.11 at the reflow width (1.4.10: 320 px, a 1280 px window at 400 %): on a short page the footer's
    last link sat at the bottom of the window, under the fixed "Leave this site" button; focused by Tab it was
    already "in view", so the browser did not scroll, and the visitor could not see where focus was.
    """
    # Reduced motion: the browser scrolls to the focused link at once, not smoothly, so it is measured where it ends.
    page = new_context(viewport={"width": 320, "height": height}, reduced_motion="reduce").new_page()
    hidden = []
    for name, path in public_pages(demo_event).items():
        page.goto(site.url + path)
        hidden += [(name, stop["name"]) for stop in tab_through(page) if stop["covered"]]

    assert hidden == []


# For each error the summary lists: where its link led, and how far the field's label (a radio button's: its
# group's legend) lies from the window's top edge (below it when positive).
LABEL_OF_THE_FIELD_FOCUSED = """() => {
    const field = document.activeElement;
    const label = field.type === "radio" ? field.closest("fieldset").querySelector("legend") : field.labels[0];
    return [field.id, label.getBoundingClientRect().top >= 0];
}"""


def test_an_error_s_link_shows_its_field_with_the_field_s_label(new_context, site, demo_event):
    """
    On a phone, following an error in the summary ("Enter your name.") scrolled its field to the very top of the
    window and its label, just above, out of sight: the visitor was put in a box without its name.
    """
    page = new_context(viewport={"width": 320, "height": 640}, reduced_motion="reduce").new_page()
    page.goto(site.url + public_pages(demo_event)["enquiry"])
    send_the_form(page)
    links = page.get_by_role("alert").filter(has_text="There is a problem").get_by_role("link")
    targets = [href.removeprefix("#") for href in links.evaluate_all("links => links.map(link => link.hash)")]
    assert len(targets) == 5

    shown = []
    for index in range(len(targets)):
        page.evaluate("() => window.scrollTo(0, 0)")
        links.nth(index).focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#{targets[index]}")).to_be_focused()
        shown.append(page.evaluate(LABEL_OF_THE_FIELD_FOCUSED))

    assert shown == [[target, True] for target in targets]


def test_the_admin_pages_staff_work_in_have_no_axe_violations(new_context, site, demo_event):
    # Django's admin left a table's fields, a file input, an autocomplete and a filter box's icon without a name,
    # and its list filters' choices smaller than 24 px (templates/admin, static/js/admin-names.js).
    from events.models import Gallery, Session
    from safedigital.roles import EDITORS, FUNDRAISING
    from tests.factories import DonationEnquiryFactory

    staff_user("editor", EDITORS)
    staff_user("fundraiser", FUNDRAISING)
    enquiry = DonationEnquiryFactory(event=demo_event)
    # One page of each kind the mended faults were on: a list's filters, an add page's empty autocompletes, and
    # the change pages with tables, files, a "chosen pillars" box, autocompletes in rows and the text editor.
    pages = {
        "editor": [
            "/admin/events/event/",
            "/admin/events/event/add/",
            f"/admin/events/event/{demo_event.pk}/change/",
            f"/admin/events/session/{Session.objects.filter(event=demo_event).first().pk}/change/",
            f"/admin/events/gallery/{Gallery.objects.filter(event=demo_event).first().pk}/change/",
        ],
        "fundraiser": [
            "/admin/donations/donationenquiry/",
            f"/admin/donations/donationenquiry/{enquiry.pk}/change/",
        ],
    }
    found = {}
    for username, addresses in pages.items():
        page = new_context().new_page()
        log_in(page, site, username)
        for address in addresses:
            page.goto(site.url + address)
            settled(page)  # the admin's scripts have made their widgets, and ours named them
            violations = axe_violations(page)
            if violations:
                found[f"{username} {address}"] = describe_violations(violations)

    assert found == {}, "\n".join(f"axe found on {where}:\n{what}" for where, what in found.items())


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_the_open_photo_viewer_passes_axe(new_context, site, demo_event, viewport):
    # The viewer is a modal dialog over the page: what a visitor can reach while it is open is the dialog alone,
    # its way out of the site included.
    page = new_context(viewport=viewport).new_page()
    open_photo_viewer(page, site, demo_event)

    violations = axe_violations(page)

    assert violations == [], describe_violations(violations)
