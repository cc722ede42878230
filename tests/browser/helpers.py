"""What several browser tests share: viewports, the public page types, screenshots, axe-core."""

from pathlib import Path

from django.urls import reverse

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


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
        "not-found": "/no-such-page/",
    }


def screenshot(page, name):
    """A full-page screenshot under test-output/screenshots/, for a person to look at (never committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


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
