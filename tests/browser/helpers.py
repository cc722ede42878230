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
        "not-found": "/no-such-page/",
    }


def screenshot(page, name):
    """A full-page screenshot under test-output/screenshots/, for a person to look at (never committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
