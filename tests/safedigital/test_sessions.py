"""
Staff sessions with the cache (Redis) down: read from and written to the database alone, so that staff still sign
in and work in the admin (only their saves of content are refused, safedigital.cache), and a signed-in staff
member still sees the public pages.
"""

from contextlib import contextmanager
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", password="right-password-123")


@contextmanager
def cache_down():
    down = redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    cache = caches["default"]
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
        mock.patch.object(cache, "has_key", side_effect=down),
        mock.patch.object(cache, "delete", side_effect=down),
    ):
        yield


def test_staff_sign_in_while_the_cache_is_down(client, editor):
    with cache_down():
        response = client.post(
            reverse("admin:login"),
            {"username": "editor", "password": "right-password-123", "next": reverse("admin:index")},
        )
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200


def test_a_signed_in_staff_member_keeps_working_while_the_cache_is_down(client, editor):
    event = EventFactory(title="Outage summit")
    client.force_login(editor)
    client.get(reverse("admin:index"))  # the session is in the cache too

    with cache_down():
        assert client.get(reverse("admin:index")).status_code == 200
        assert client.get(reverse("admin:events_event_changelist")).status_code == 200
        page = client.get(event.get_absolute_url())
        assert page.status_code == 200
        assert "Outage summit" in page.content.decode()


def test_signing_out_while_the_cache_is_down_is_refused_and_leaves_the_session_whole(client, editor):
    # Django's deleted the session from the database alone: once the cache answered, its copy there signed the person
    # in again, after they had asked to sign out.
    client.force_login(editor)
    client.get(reverse("admin:index"))  # the session is in the cache too

    with cache_down():
        response = client.post(reverse("admin:logout"))
        assert response.status_code == 503
        assert "Nothing you sent was kept, so please try again in a minute." in response.content.decode()
        assert client.get(reverse("admin:index")).status_code == 200  # still signed in, from the database

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302  # to the sign-in page
