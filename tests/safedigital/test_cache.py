import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from safedigital.cache import content_changed, reset_local_state
from tests.factories import EventFactory, ParticipationFactory, SessionFactory, SpeakerFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_anonymous_visitor_gets_the_cached_page_without_sql(client):
    event = EventFactory(title="Cached summit")
    first = client.get(event.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        second = client.get(event.get_absolute_url())

    assert len(queries) == 0
    assert second.content == first.content
    assert "Cached summit" in second.content.decode()
    assert second["Cache-Control"] == "public, max-age=60"
    assert second["ETag"] == first["ETag"]


def test_saving_a_speaker_refreshes_every_event_page_that_shows_them(client):
    speaker = SpeakerFactory(full_name="Old Name")
    pages = []
    for _ in range(2):
        event = EventFactory()
        ParticipationFactory(session=SessionFactory(event=event), speaker=speaker)
        pages.append(event.get_absolute_url())
    for url in pages:
        assert "Old Name" in client.get(url).content.decode()

    speaker.full_name = "New Name"
    speaker.save()

    for url in pages:
        content = client.get(url).content.decode()
        assert "New Name" in content
        assert "Old Name" not in content


def test_unchanged_page_answers_304_to_a_conditional_request(client):
    event = EventFactory()
    etag = client.get(event.get_absolute_url())["ETag"]

    response = client.get(event.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_staff_and_draft_previews_are_never_cached(client, django_user_model):
    event = EventFactory(draft=True, title="Secret draft")
    staff = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(staff)

    preview = client.get(event.get_absolute_url())
    home = client.get(reverse("events:home"))
    client.logout()

    assert "Draft preview" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    assert "no-store" in home["Cache-Control"]
    assert client.get(event.get_absolute_url()).status_code == 404


def test_a_scheduled_event_limits_how_long_pages_are_kept(client):
    EventFactory(publish_at=timezone.now() + datetime.timedelta(seconds=90))

    with mock.patch("safedigital.cache.cache.set") as cache_set:
        client.get(reverse("events:home"))

    timeouts = [
        call.args[2] for call in cache_set.call_args_list if str(call.args[0]).startswith("page-cache:")
    ]
    assert timeouts and all(0 < timeout <= 91 for timeout in timeouts)


def test_page_cache_can_be_switched_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    event = EventFactory()
    client.get(event.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(event.get_absolute_url())

    assert len(queries) > 0
    assert "public" not in response.get("Cache-Control", "")


def test_a_stored_page_is_served_before_sessions_and_the_view(client):
    event = EventFactory(title="Early summit")
    first = client.get(event.get_absolute_url())

    with (
        mock.patch(
            "django.contrib.sessions.middleware.SessionMiddleware.process_request",
            side_effect=AssertionError("the session middleware ran"),
        ),
        mock.patch("events.views.EventDetailView.get", side_effect=AssertionError("the view ran")),
    ):
        second = client.get(event.get_absolute_url())

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Language"] == "en"
    assert second["Vary"] == "Cookie, Accept-Language"


def test_a_visitor_with_a_session_goes_through_the_stack(client):
    event = EventFactory()
    client.get(event.get_absolute_url())
    client.cookies["sessionid"] = "not-a-real-session"

    with mock.patch("safedigital.cache.cached_page", return_value=None) as lookup:
        response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    # Only the view's own check looked in the cache: the early middleware let the request through.
    assert lookup.call_count == 1


def test_pages_are_stored_per_host_name(client, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    event = EventFactory()

    client.get(event.get_absolute_url(), HTTP_HOST="a.example")
    page_b = client.get(event.get_absolute_url(), HTTP_HOST="b.example").content.decode()

    assert 'content="http://b.example/events/' in page_b
    assert "a.example" not in page_b


def test_a_page_stored_before_a_change_is_rendered_anew(client):
    event = EventFactory()
    client.get(event.get_absolute_url())
    content_changed()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert len(queries) > 0


def test_only_public_pages_are_looked_for_in_the_cache(client):
    event = EventFactory()

    with mock.patch("safedigital.cache.cached_page", return_value=None) as lookup:
        client.get(reverse("donations:enquiry"))
        client.get(reverse("healthz"))
        assert lookup.call_count == 0
        client.get(event.get_absolute_url())

    # Once, in the middleware: the view knows it missed and renders.
    assert lookup.call_count == 1


def test_a_change_saved_by_another_process_is_seen_at_once_without_redis(client, settings):
    settings.REDIS_URL = ""  # the version file, also in CI's run with Redis
    reset_local_state()
    event = EventFactory(title="Old title")
    assert "Old title" in client.get(event.get_absolute_url()).content.decode()
    # Another process (a second gunicorn worker, a management command) saves the event: the row changes
    # (here without signals, as this process would otherwise announce it itself) and it announces the change.
    Event.objects.filter(pk=event.pk).update(title="New title")
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "safedigital.settings",
        "PAGE_CACHE_VERSION_FILE": str(settings.PAGE_CACHE_VERSION_FILE),
    }
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from safedigital.cache import content_changed; content_changed()",
        ],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
    )

    content = client.get(event.get_absolute_url()).content.decode()

    assert "New title" in content
    assert "Old title" not in content
