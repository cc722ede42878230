"""Responses the page cache does not compress go out gzipped too, when they are text and the browser accepts it."""

import gzip

import pytest
from django.contrib.auth.models import Permission
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from safedigital.middleware import TextCompressionMiddleware
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

AS_BROWSER = {"accept-encoding": "gzip, deflate, br, zstd"}


@pytest.fixture
def page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


def test_a_page_rendered_afresh_goes_out_gzipped(client, page_cache_off):
    event = EventFactory(title="Uncached summit")

    response = client.get(event.get_absolute_url(), headers=AS_BROWSER)
    plain = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content)
    assert "Uncached summit" in page.decode()
    assert len(response.content) < len(page) / 2
    assert "Accept-Encoding" in response["Vary"]
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]


def test_a_staff_preview_and_the_admin_go_out_gzipped(client, django_user_model):
    event = EventFactory(draft=True, title="Secret draft")
    staff = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(staff)

    preview = client.get(event.get_absolute_url(), headers=AS_BROWSER)
    changelist = client.get(reverse("admin:events_event_changelist"), headers=AS_BROWSER)

    assert preview["Content-Encoding"] == "gzip"
    assert "Secret draft" in gzip.decompress(preview.content).decode()
    assert changelist["Content-Encoding"] == "gzip"
    assert "Secret draft" in gzip.decompress(changelist.content).decode()


def test_a_browser_that_refuses_gzip_gets_the_page_as_it_is(client, page_cache_off):
    event = EventFactory(title="Plain summit")

    response = client.get(event.get_absolute_url(), headers={"accept-encoding": "br;q=0, gzip;q=0"})

    assert "Content-Encoding" not in response
    assert "Plain summit" in response.content.decode()


def test_a_page_rendered_afresh_answers_304_to_its_gzipped_tag(client, page_cache_off):
    event = EventFactory()
    etag = client.get(event.get_absolute_url(), headers=AS_BROWSER)["ETag"]

    response = client.get(event.get_absolute_url(), headers={**AS_BROWSER, "if-none-match": etag})

    assert etag.startswith('W/"')
    assert response.status_code == 304


@pytest.mark.parametrize(
    ("content_type", "compressed"),
    [
        ("text/html; charset=utf-8", True),
        ("text/csv", True),
        ("application/json", True),
        ("image/jpeg", False),
        ("image/webp", False),
        ("application/pdf", False),
    ],
)
def test_only_text_is_compressed(content_type, compressed):
    request = RequestFactory().get("/", headers=AS_BROWSER)
    body = b"a line of text, again and again\n" * 100
    middleware = TextCompressionMiddleware(lambda request: HttpResponse(body, content_type=content_type))

    response = middleware(request)

    assert (response.get("Content-Encoding") == "gzip") is compressed
    assert (gzip.decompress(response.content) if compressed else response.content) == body
