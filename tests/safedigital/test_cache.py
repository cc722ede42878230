import contextlib
import datetime
import gzip
import os
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path
from unittest import mock

import brotli
import pytest
import redis
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from events.models import Event, Theme
from events.tasks import make_photo_renditions
from events.views import HomeView
from safedigital import cache as page_cache
from safedigital.cache import (
    VERSION_KEY,
    ChangeNotAnnounced,
    RedisVersion,
    cache_public_page,
    content_changed,
    reset_local_state,
)
from tests.factories import (
    EventFactory,
    GalleryFactory,
    ParticipationFactory,
    PhotoFactory,
    SessionFactory,
    SpeakerFactory,
    StaffUserFactory,
    ThemeFactory,
)

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


def test_pages_go_out_compressed_as_the_browser_accepts(client):
    event = EventFactory(title="Compressed summit")
    url = event.get_absolute_url()
    plain = client.get(url)

    as_browser = client.get(url, headers={"accept-encoding": "gzip, deflate, br, zstd"})
    gzip_only = client.get(url, headers={"accept-encoding": "br;q=0, gzip"})
    refused = client.get(url, headers={"accept-encoding": "identity, br;q=0"})

    assert "Content-Encoding" not in plain
    assert as_browser["Content-Encoding"] == "br"
    assert brotli.decompress(as_browser.content) == plain.content
    assert len(as_browser.content) < len(plain.content) / 3
    assert gzip_only["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzip_only.content) == plain.content
    assert "Content-Encoding" not in refused
    assert refused.content == plain.content
    assert "Compressed summit" in plain.content.decode()
    for response in (plain, as_browser, gzip_only):
        assert "Accept-Encoding" in response["Vary"]
    assert len({plain["ETag"], as_browser["ETag"], gzip_only["ETag"]}) == 3


def test_the_first_visitor_gets_the_page_compressed_too(client):
    event = EventFactory(title="First visit")

    response = client.get(event.get_absolute_url(), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "First visit" in gzip.decompress(response.content).decode()


def test_compressed_page_answers_304_to_its_own_tag(client):
    event = EventFactory()
    headers = {"accept-encoding": "br"}
    etag = client.get(event.get_absolute_url(), headers=headers)["ETag"]

    response = client.get(event.get_absolute_url(), headers={**headers, "if-none-match": etag})

    assert etag.endswith('-br"')
    assert response.status_code == 304


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


def max_age(response):
    directives = dict(
        directive.strip().partition("=")[::2] for directive in response["Cache-Control"].split(",")
    )
    return int(directives["max-age"])


def test_browsers_and_proxies_keep_no_page_past_a_scheduled_publication(client):
    EventFactory(publish_at=timezone.now() + datetime.timedelta(seconds=20))

    rendered = client.get(reverse("events:home"))
    stored = client.get(reverse("events:home"))

    assert "public" in rendered["Cache-Control"] and "public" in stored["Cache-Control"]
    assert 0 < max_age(rendered) <= 20
    assert 0 < max_age(stored) <= max_age(rendered)


def test_pages_that_change_only_with_a_release_are_kept_an_hour(client):
    for name in ("donations:privacy", "donations:thanks"):
        rendered = client.get(reverse(name))
        stored = client.get(reverse(name))

        assert rendered["Cache-Control"] == "public, max-age=3600"
        assert stored["Cache-Control"] == "public, max-age=3600"
        assert stored.content == rendered.content
    assert client.get("/.well-known/security.txt")["Cache-Control"] == "max-age=86400, public"


def test_staff_get_the_privacy_page_unstored(client):
    client.force_login(StaffUserFactory())

    response = client.get(reverse("donations:privacy"))

    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_pages_are_kept_no_later_than_midnight_when_events_move_from_upcoming_to_past(client, settings):
    settings.TIME_ZONE = "America/Bogota"
    late = datetime.datetime(2026, 11, 30, 23, 59, 30, tzinfo=zoneinfo.ZoneInfo("America/Bogota"))

    with mock.patch("django.utils.timezone.now", return_value=late):
        # Published "now" as the test has it: made at the real time, it would not be public yet once that had passed.
        EventFactory(title="Tonight's summit", start_date=late.date(), end_date=late.date(), publish_at=None)
        with mock.patch("safedigital.cache.cache.set") as cache_set:
            page = client.get(reverse("events:event-list"))

    assert "Tonight&#x27;s summit" in page.content.decode()
    timeouts = [
        call.args[2] for call in cache_set.call_args_list if str(call.args[0]).startswith("page-cache:")
    ]
    assert timeouts == [31]


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
    assert second["Vary"] == "Cookie, Accept-Language, Accept-Encoding"


def test_a_visitor_with_a_session_goes_through_the_stack(client):
    event = EventFactory()
    client.get(event.get_absolute_url())
    client.cookies["sessionid"] = "not-a-real-session"

    with (
        mock.patch("safedigital.cache.cached_page", return_value=None) as lookup,
        mock.patch("safedigital.cache._store") as store,
    ):
        response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    # Neither the early middleware nor the view looked in the cache, and the page was not stored.
    assert lookup.call_count == 0
    assert store.call_count == 0


def test_a_pending_message_is_shown_to_its_reader_and_never_stored(client):
    event = EventFactory()
    url = event.get_absolute_url()
    message = "The speaker “Jane Doe [Survivor, Kenya]” was changed successfully."
    client.cookies["messages"] = CookieStorage(None)._encode([Message(constants.SUCCESS, message)])

    assert message in client.get(url).content.decode()

    stranger = Client().get(url)
    assert stranger.status_code == 200
    assert "Jane Doe" not in stranger.content.decode()


def test_a_page_that_used_a_csrf_token_is_not_stored(rf):
    def page_with_a_form(request):
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    request = rf.get("/a-page-with-a-form/")
    request.user = AnonymousUser()
    with mock.patch("safedigital.cache._store") as store:
        response = cache_public_page(page_with_a_form)(request)

    assert response.status_code == 200
    assert store.call_count == 0


def test_an_event_whose_time_comes_while_a_page_is_built_ends_that_page_life(client):
    publish_at = timezone.now() + datetime.timedelta(milliseconds=300)
    EventFactory(title="Scheduled summit", publish_at=publish_at)
    render = HomeView.get_context_data

    def slow_render(self, **kwargs):  # the event's time comes while the page is being built
        context = render(self, **kwargs)
        time.sleep(max((publish_at - timezone.now()).total_seconds(), 0) + 0.2)
        return context

    with (
        mock.patch.object(HomeView, "get_context_data", slow_render),
        mock.patch("safedigital.cache.cache.set") as cache_set,
    ):
        page = client.get(reverse("events:home"))

    assert "Scheduled summit" not in page.content.decode()
    timeouts = [
        call.args[2] for call in cache_set.call_args_list if str(call.args[0]).startswith("page-cache:")
    ]
    assert timeouts == [1]


def test_last_modified_is_sent_once_its_second_is_over(client):
    event = EventFactory(title="Old title")
    url = event.get_absolute_url()
    time.sleep(1.01 - time.time() % 1)  # the start of a second: what follows takes well under one
    first = client.get(url)
    held = http_date(time.time())  # what a client holds that saw the page's time in this second
    event.title = "New title"
    event.save()

    changed = client.get(url, headers={"if-modified-since": held})

    assert "Last-Modified" not in first
    assert changed.status_code == 200
    assert "New title" in changed.content.decode()
    time.sleep(1.01 - time.time() % 1)
    later = client.get(url)
    assert later["Last-Modified"] == held
    assert client.get(url, headers={"if-modified-since": later["Last-Modified"]}).status_code == 304


def test_pages_are_stored_per_host_name(client, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    event = EventFactory()

    client.get(event.get_absolute_url(), HTTP_HOST="a.example")
    page_b = client.get(event.get_absolute_url(), HTTP_HOST="b.example").content.decode()

    assert 'content="http://b.example/events/' in page_b
    assert "a.example" not in page_b


def test_a_tag_added_by_whoever_linked_to_a_page_is_served_the_stored_page(client):
    event = EventFactory(title="Tagged summit")
    # Each visitor from a social network or a mailing has a tag of their own; one as long as some are.
    first = client.get(event.get_absolute_url() + "?fbclid=IwAR0" + "a" * 400)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(event.get_absolute_url() + "?utm_source=newsletter&mc_eid=4d1f0e")
        plain = client.get(event.get_absolute_url())

    assert len(queries) == 0
    assert second.content == plain.content == first.content
    page = first.content.decode()
    assert "Tagged summit" in page
    assert f'<meta property="og:url" content="http://testserver{event.get_absolute_url()}">' in page
    assert "fbclid" not in page


@pytest.mark.parametrize(
    ("page", "names"),
    [
        ("events:event-list", ["year", "country", "page"]),
        ("events:pledge-list", ["event", "country", "status", "theme", "page"]),
        ("event coverage", ["medium", "language"]),
    ],
)
def test_each_filter_a_page_reads_has_its_pages_stored_apart(client, page, names):
    event, other = EventFactory(country="CO"), EventFactory()
    address = event.get_absolute_url() + "coverage/" if page == "event coverage" else reverse(page)
    # Values that do not filter anything still answer 200; an event's must name one, or the list answers 404.
    values = {"event": (event.slug, other.slug)}
    for name in names:
        first, second = values.get(name, ("1", "2"))
        assert client.get(f"{address}?{name}={first}").status_code == 200

        with CaptureQueriesContext(connection) as queries:
            client.get(f"{address}?{name}={first}&utm_campaign=launch")
        assert len(queries) == 0, f"?{name}={first} with a tag was rendered again"

        with CaptureQueriesContext(connection) as queries:
            client.get(f"{address}?{name}={second}")
        assert len(queries) > 0, f"?{name}={second} was served the page of ?{name}={first}"


def test_a_filtered_page_gives_its_own_address_without_tags(client):
    EventFactory(country="CO", start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6))

    page = client.get(reverse("events:event-list") + "?gclid=xyz&country=CO&year=2024").content.decode()

    assert '<meta property="og:url" content="http://testserver/events/?year=2024&amp;country=CO">' in page
    assert "gclid" not in page


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


def test_a_stored_page_is_served_from_the_process_own_memory(client):
    event = EventFactory(title="Local summit")
    first = client.get(event.get_absolute_url())

    with mock.patch("safedigital.cache.cache.get", side_effect=AssertionError("asked the cache")):
        second = client.get(event.get_absolute_url())

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_a_process_keeps_only_so_many_pages_of_its_own(client, settings):
    settings.PAGE_CACHE_LOCAL_PAGES = 2
    first, second, third = (EventFactory().get_absolute_url() for _ in range(3))
    for url in (first, second, third):
        client.get(url)

    with mock.patch("safedigital.cache.cache.get", wraps=cache.get) as lookup:
        assert client.get(third).status_code == 200
        assert lookup.call_count == 0
        # The least recently used page was dropped from the process's memory; the cache still has it.
        with CaptureQueriesContext(connection) as queries:
            assert client.get(first).status_code == 200
        assert lookup.call_count == 1
        assert len(queries) == 0


def test_a_page_is_kept_no_longer_than_its_timeout(client, settings):
    settings.PAGE_CACHE_SECONDS = 1
    event = EventFactory()
    client.get(event.get_absolute_url())
    time.sleep(1.1)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert len(queries) > 0


def test_a_page_rendered_before_a_change_commits_is_not_kept(client, django_capture_on_commit_callbacks):
    event = EventFactory(title="Before")
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "After"
        event.save()
        # Rendered by another request while the change is saved but not yet committed: this page may show
        # the rows as they were, yet carries the version the save made.
        client.get(event.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(event.get_absolute_url())

    assert len(queries) > 0
    assert "After" in response.content.decode()


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


@pytest.mark.parametrize("subscribed", [True, False], ids=["subscribed", "without a subscription"])
def test_a_change_saved_through_another_server_is_seen_at_once_with_redis(client, settings, subscribed):
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL); CI's second run has it")
    event = EventFactory(title="Old title")
    refused = mock.patch("redis.client.PubSub.subscribe", side_effect=redis.ConnectionError("refused"))
    with contextlib.nullcontext() if subscribed else refused:
        assert "Old title" in client.get(event.get_absolute_url()).content.decode()
        assert (page_cache._process.versions.pubsub is not None) == subscribed
        Event.objects.filter(pk=event.pk).update(title="New title")
        other_server = RedisVersion(settings.REDIS_URL, cache.make_key(VERSION_KEY))
        other_server.bump()
        # Redis has written the message to every subscriber before it answers anything later.
        other_server.client.ping()

        content = client.get(event.get_absolute_url()).content.decode()

    assert "New title" in content
    assert "Old title" not in content


def test_pages_are_rendered_when_the_version_is_unknown(client):
    event = EventFactory(title="Outage summit")
    unknown = mock.Mock(**{"current.side_effect": redis.ConnectionError("Redis is down")})

    with mock.patch("safedigital.cache._versions", return_value=unknown):
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(event.get_absolute_url())
            assert response.status_code == 200
            assert "Outage summit" in response.content.decode()
            assert len(queries) > 0  # rendered, never stored


def test_pages_are_rendered_when_the_cache_does_not_answer(client):
    event = EventFactory(title="Outage summit")
    down = redis.ConnectionError("Redis is down")

    with (
        mock.patch("safedigital.cache.cache.get", side_effect=down),
        mock.patch("safedigital.cache.cache.set", side_effect=down),
    ):
        response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert "Outage summit" in response.content.decode()


# The child only reads a few attributes and writes to a pipe before it exits.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_process_starts_without_its_parents_pages_and_connections(client):
    client.get(EventFactory().get_absolute_url())
    assert page_cache._process.pages.pages and page_cache._process.versions is not None

    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        state = page_cache._process
        os.write(writing, b"clean" if not state.pages.pages and state.versions is None else b"inherited")
        os._exit(0)
    os.close(writing)
    answer = os.read(reading, 100)
    os.close(reading)
    os.waitpid(child, 0)

    assert answer == b"clean"


@contextlib.contextmanager
def redis_refusing_bumps():
    """Redis takes no bump of the content version (it does not answer): every change must be refused."""
    broken = mock.Mock(**{"bump.side_effect": redis.ConnectionError("Connection refused")})
    with mock.patch.object(page_cache, "_versions", return_value=broken):
        yield


def refused(response):
    """Whether `response` is the 503 page that tells the editor nothing was kept."""
    return response.status_code == 503 and (
        "Nothing you sent was kept, so please try again in a minute." in response.content.decode()
    )


def test_a_change_the_page_cache_cannot_be_told_of_is_not_kept_and_the_editor_is_told(admin_client):
    """Saved, it would leave stale pages behind once the cache answers again; a server error would say nothing."""
    with redis_refusing_bumps():
        response = admin_client.post(
            reverse("admin:events_theme_add"),
            {"name": "Safety by design", "slug": "safety-by-design", "order": 0},
        )

    assert refused(response)
    assert response["Retry-After"] == "30"
    assert not Theme.objects.exists()

    response = admin_client.post(
        reverse("admin:events_theme_add"),
        {"name": "Safety by design", "slug": "safety-by-design", "order": 0},
    )

    assert response.status_code == 302
    assert Theme.objects.get().name == "Safety by design"


def test_unpublishing_events_the_page_cache_cannot_be_told_of_leaves_them_as_their_pages_show(admin_client):
    """The action saves one event after another: a change kept while the editor is told otherwise would stay on
    the public pages once the cache answers again (a draft's page shown to everyone)."""
    first, second = EventFactory(title="First summit"), EventFactory(title="Second summit")
    changelist = reverse("admin:events_event_changelist")
    action = {"action": "unpublish", "_selected_action": [first.pk, second.pk]}
    visitor = Client()
    assert "First summit" in visitor.get(first.get_absolute_url()).content.decode()

    with redis_refusing_bumps():
        assert refused(admin_client.post(changelist, action))

    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.PUBLISHED}
    page = visitor.get(first.get_absolute_url())
    assert page.status_code == 200
    assert "First summit" in page.content.decode()

    assert admin_client.post(changelist, action).status_code == 302
    assert visitor.get(first.get_absolute_url()).status_code == 404
    assert visitor.get(second.get_absolute_url()).status_code == 404


def test_reverting_to_an_earlier_version_the_page_cache_cannot_be_told_of_is_not_kept(admin_client):
    """simple_history's revert saves outside a transaction: the change must be refused before it is written."""
    theme = ThemeFactory(name="Old pillar", slug="pillar")
    event = EventFactory()
    event.pillars.add(theme)
    theme.name = "New pillar"
    theme.save()
    earlier = theme.history.earliest("history_date")
    revert = reverse("admin:events_theme_simple_history", args=[theme.pk, earlier.history_id])
    form = {"name": "Old pillar", "slug": "pillar", "description": "", "order": 0}
    visitor = Client()
    assert "New pillar" in visitor.get(event.get_absolute_url()).content.decode()

    with redis_refusing_bumps():
        assert refused(admin_client.post(revert, form))

    theme.refresh_from_db()
    assert theme.name == "New pillar"
    assert "New pillar" in visitor.get(event.get_absolute_url()).content.decode()

    assert admin_client.post(revert, form).status_code == 302
    content = visitor.get(event.get_absolute_url()).content.decode()
    assert "Old pillar" in content
    assert "New pillar" not in content


def test_renditions_the_page_cache_cannot_be_told_of_are_not_kept(client):
    """The task worker stores a photo's renditions outside a transaction: once stored, the photo is shown."""
    event = EventFactory()
    photo = PhotoFactory.build(gallery=GalleryFactory(event=event), alt_text="Guests arriving")
    photo.save(renditions=False)
    assert "Guests arriving" not in client.get(event.get_absolute_url()).content.decode()

    with redis_refusing_bumps(), pytest.raises(ChangeNotAnnounced):
        make_photo_renditions.call(photo.pk)

    photo.refresh_from_db()
    assert photo.renditions == {}
    make_photo_renditions.call(photo.pk)
    assert "Guests arriving" in client.get(event.get_absolute_url()).content.decode()
