"""Every admin page, third-party ones included, must work under the site's Content-Security-Policy."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import EventFactory, GalleryFactory, SessionFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


def assert_policy_compatible(response):
    content = response.content.decode()
    # The one inline script allowed: the rich-text editor's import map (a list of module addresses, no code),
    # which carries the response's nonce, as the policy asks.
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    import_map = f'<script type="importmap" nonce="{nonce[1]}">' if nonce else None
    assert [script for script in INLINE_SCRIPT.findall(content) if script != import_map] == []
    assert re.findall(r"<style\b", content) == []
    assert re.findall(r"[\s\S]{0,120}\sstyle=\"[\s\S]{0,60}", content) == []
    assert re.findall(r"\son[a-z]+=\"", content) == []
    assert "Content-Security-Policy" in response.headers


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "x"))
    return client


def test_every_changelist_and_add_page_is_policy_compatible(admin_client):
    EventFactory()
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        for name in ("changelist", "add"):
            url = reverse("admin:{}_{}_{}".format(*info, name))
            response = admin_client.get(url)
            if response.status_code == 403:
                continue  # e.g. lock-out logs, which have no add page
            assert response.status_code == 200, url
            assert_policy_compatible(response)


def test_change_history_and_delete_pages_are_policy_compatible(admin_client):
    event = EventFactory()
    SessionFactory(event=event)
    gallery = GalleryFactory(event=event)
    for url in [
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_event_history", args=[event.pk]),
        reverse("admin:events_event_delete", args=[event.pk]),
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        reverse("admin:index"),
        reverse("admin:password_change"),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_policy_compatible(response)


def test_login_page_is_policy_compatible(client):
    assert_policy_compatible(client.get(reverse("admin:login")))
