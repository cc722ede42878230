import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_unknown_page_answers_404_in_the_site_style(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "We could not find that page" in content
    assert '<a class="btn btn-primary" href="/">Go to the home page</a>' in content


@pytest.mark.django_db
def test_base_template_fills_every_named_block(client):
    response = client.get(reverse("events:home"))

    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "<title>" in content
    assert '<meta name="description"' in content
    assert '<meta property="og:title"' in content
    assert '<meta property="og:url" content="http://testserver/">' in content
    assert '<a class="visually-hidden-focusable skip-link" href="#main">Skip to main content</a>' in content
    assert '<main id="main" tabindex="-1">' in content
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in content
    assert '<link rel="icon" href="/static/favicon.ico">' in content
    assert "Leave this site" in content


def test_favicon_ico_leads_to_the_sites_icon(settings):
    """Browsers ask for /favicon.ico on a first visit: it answered 404, a line in the log for every visitor."""
    import io
    from pathlib import Path

    from PIL import Image

    settings.WHITENOISE_USE_FINDERS = True  # static files from static/, without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()

    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    # Kept a day: the icon's file is named by its content in production, and changes with it.
    assert response["Cache-Control"] == "max-age=86400, public"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    body = b"".join(icon.streaming_content)
    assert body == (Path(settings.BASE_DIR) / "static" / "favicon.ico").read_bytes()
    assert Image.open(io.BytesIO(body)).info["sizes"] == {(16, 16), (32, 32), (48, 48)}


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html


@pytest.mark.django_db
def test_database_outage_answers_503_page(client):
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("events.views.HomeView.get", side_effect=OperationalError("down")):
        response = client.get(reverse("events:home"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Nothing you sent was kept, so please try again in a minute." in response.content.decode()


def test_a_database_outage_is_not_e_mailed_to_the_administrators_once_per_request(client, settings):
    """Each 503 answered while the database is away would be an e-mail, sent while the visitor waits."""
    from unittest import mock

    from django.core import mail
    from django.db import OperationalError

    settings.ADMINS = ["ops@safedigital.example"]
    with mock.patch("events.views.HomeView.get", side_effect=OperationalError("down")):
        for _request in range(3):
            assert client.get(reverse("events:home")).status_code == 503

    assert mail.outbox == []


def test_security_txt_names_a_contact_and_an_expiry(client):
    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "Contact: mailto:security@safedigital.example"
    assert lines[1].startswith("Expires: ")


def test_security_txt_canonical_is_the_address_it_was_fetched_from(client, settings):
    settings.ALLOWED_HOSTS = ["safedigital.example"]
    settings.SITE_URL = "http://127.0.0.1:8000"

    response = client.get(
        "/.well-known/security.txt?from=scanner", HTTP_HOST="safedigital.example", secure=True
    )

    lines = response.content.decode().splitlines()
    assert "Canonical: https://safedigital.example/.well-known/security.txt" in lines


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Your form could not be sent"), ("es", "No pudimos recibir su formulario")],
)
def test_a_form_sent_without_its_csrf_cookie_gets_a_page_that_says_what_to_do(language, heading):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/lets-chat/", {"name": "Ana"}, headers={"accept-language": language})

    assert response.status_code == 403
    content = response.content.decode()
    assert f"<h1>{heading}</h1>" in content
    assert f'<html lang="{language}">' in content
    assert "CSRF verification failed" not in content


@pytest.mark.django_db
def test_server_error_page_still_offers_the_quick_exit(settings):
    """A visitor who must leave in a hurry can, from the error page too: the link and Escape twice (site.js)."""
    from unittest import mock

    settings.DEBUG = False
    settings.QUICK_EXIT_URL = "https://www.bing.com/"
    client = Client(raise_request_exception=False)

    with mock.patch("events.views.HomeView.get", side_effect=RuntimeError("broken")):
        response = client.get(reverse("events:home"))

    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong on our side" in content
    assert (
        '<a class="btn btn-warning quick-exit" href="https://www.bing.com/" rel="noreferrer" data-quick-exit'
        in content
    )
    assert ">Leave this site</a>" in content
    assert '<script src="/static/js/site.js" defer></script>' in content
