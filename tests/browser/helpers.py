"""What several browser tests share: viewports, the public page types, screenshots, axe-core."""

from pathlib import Path

from django.urls import reverse

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
STAFF_PASSWORD = "a-long-staff-password-for-tests"


def public_pages(event):
    """One address of every public page type, by name (the demo event's pages)."""
    speaker = next(
        participation.speaker
        for session in event.sessions.all()
        for participation in session.participations.all()
        if not participation.speaker.is_anonymous
    )
    return {
        "home": reverse("events:home"),
        "events": reverse("events:event-list"),
        "highlights": event.get_absolute_url(),
        "speaker": speaker.get_absolute_url(),
        "pledges": reverse("events:pledge-list"),
        "coverage": reverse("media_coverage:event-coverage", kwargs={"slug": event.slug}),
        "enquiry": reverse("donations:enquiry"),
        "thanks": reverse("donations:thanks"),
        "privacy": reverse("donations:privacy"),
        "not-found": "/no-such-page/",
    }


def staff_user(username, role):
    """A staff user in one of the project's roles (safedigital.roles), with STAFF_PASSWORD."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, password=STAFF_PASSWORD, is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, site, username):
    """Logs in to the admin through its login page, as a person does."""
    from playwright.sync_api import expect

    page.goto(site.url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content, enquiries and staff")


def screenshot(page, name):
    """A full-page screenshot under test-output/screenshots/, for a person to look at (never committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


# WCAG 2.2 A and AA, as axe-core tags its rules.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page):
    """
    Runs axe-core (the copy axe-playwright-python ships) on the page; returns its violations.

    The site's content policy refuses inline scripts, so axe is not added as a <script> tag but evaluated
    through the DevTools protocol, which the policy does not govern: the page is audited under its real CSP.
    """
    import axe_playwright_python

    page.evaluate(Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text())
    return page.evaluate(
        "options => axe.run(document, options).then(results => results.violations)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )


def describe_violations(violations):
    """axe's findings as a person reads them: rule, impact, help, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:200]}")
            lines.extend(f"        {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def send_the_form(page):
    """
    Clicks Send and waits until the page it leads to has loaded, stylesheets and all: the new page's elements
    are there (and measurable) before its CSS, so measuring any sooner sees an unstyled page.
    """
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()


def settled(page):
    """
    Waits until `page` has no request in flight, before the test reads the database: with SQLite the live server
    answers from the test's own in-memory database, and a read while it answers a page's later requests (the
    admin's JavaScript catalogue, which checks the session) can fail with "database table is locked".
    """
    page.wait_for_load_state("networkidle")


def open_photo_viewer(page, site, event):
    """Opens `event`'s highlights page and its photo viewer on the first photo; returns the viewer (a dialog)."""
    from playwright.sync_api import expect

    page.goto(site.url + event.get_absolute_url())
    page.locator("a[data-viewer]").first.click()
    viewer = page.locator("dialog.photo-viewer")
    expect(viewer).to_be_visible()
    return viewer
