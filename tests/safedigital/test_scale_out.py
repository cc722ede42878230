"""
Two app servers sharing one PostgreSQL and one Redis behave as one site: an edit through one is seen through
the other at once, a staff session and a rate limit are shared, and an upload through one is served by the
other. Real gunicorn processes under the production settings, on the test database.

It needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), as CI's second run has; without them it is skipped,
and with REQUIRE_SCALE_OUT_TESTS=1 (set by .ci/run) a skip is a failure.
"""

import io
import os
import re
import secrets
import uuid
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.conf import global_settings, settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from PIL import Image

from bench.client import Client
from bench.server import Gunicorn
from safedigital.roles import EDITORS
from tests.factories import EventFactory, ParticipationFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The host name the load balancer in front of both servers passes on.
HOST = "safedigital.test"


class Site(Client):
    """A connection to one app server, with the host name every request carries through the load balancer."""

    def request(self, method, path, body=None, headers=None):
        return super().request(method, path, body=body, headers={"Host": HOST, **(headers or {})})


def needs_services():
    if connection.vendor == "postgresql" and settings.REDIS_URL:
        return
    reason = "scale-out needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI's second run has them"
    if os.environ.get("REQUIRE_SCALE_OUT_TESTS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_servers(tmp_path, settings):
    needs_services()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_XDIST_WORKER", "DJANGO_SETTINGS_MODULE"}
    } | {
        "DJANGO_SETTINGS_MODULE": "safedigital.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": f"scale-out-{uuid.uuid4().hex}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SERVE_MEDIA": "true",
        "STATIC_MANIFEST": "false",
        "PAGE_CACHE_SECONDS": "600",
        "DONATION_RATE_LIMIT": "2/h",
        "DONATION_FORM_MIN_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "GUNICORN_ACCESS_LOG": "",
    }
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(Gunicorn(environment, workers=1, log_path=tmp_path / f"gunicorn-{name}.log"))
        yield servers
    finally:
        for server in servers:
            server.stop()


class FormFields(HTMLParser):
    """The fields a browser would send from the form with the given id (text, selects, textareas, ticks)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "file", "button"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def cookies_of(headers):
    return {
        value.split("=", 1)[0]: value.split(";", 1)[0].split("=", 1)[1]
        for value in headers.get_all("Set-Cookie") or []
    }


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def post_headers(path, cookies, content_type="application/x-www-form-urlencoded"):
    origin = f"https://{HOST}"
    return {
        "Cookie": cookie_header(cookies),
        "Origin": origin,
        "Referer": origin + path,
        "Content-Type": content_type,
    }


def log_in(server, username, password):
    client = Site(server.port)
    path = f"/{settings.ADMIN_URL}login/"
    _status, headers, content = client.request("GET", path)
    cookies = cookies_of(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"})
    status, headers, _content = client.request("POST", path, body=body, headers=post_headers(path, cookies))
    assert status == 302, "the staff login did not succeed"
    return cookies | cookies_of(headers)


def jpeg(size=(900, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


# The servers run production settings, which do not accept the tests' fast password hasher.
@override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS)
def test_two_app_servers_behave_as_one_site(two_servers, django_user_model):
    a, b = two_servers
    editor = django_user_model.objects.create_user(
        "scale-editor", password="scale-out-password-1", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EDITORS))
    speaker = SpeakerFactory(full_name="Ana Lucía Ortega", role_title="Director of Programmes")
    event = EventFactory(title="Scale-out summit")
    ParticipationFactory(session=SessionFactory(event=event), speaker=speaker)
    visitor_a, visitor_b = Site(a.port), Site(b.port)

    # A visitor's page through B is stored in the shared cache, and A serves the same page.
    status, _headers, page = visitor_b.request("GET", event.get_absolute_url())
    assert status == 200 and "Director of Programmes" in page.decode()
    assert visitor_a.request("GET", event.get_absolute_url())[2] == page

    # The editor logs in through A; the session works through B.
    cookies = log_in(a, "scale-editor", "scale-out-password-1")
    staff_b = Site(b.port)
    status, _headers, index = staff_b.request(
        "GET", f"/{settings.ADMIN_URL}", headers={"Cookie": cookie_header(cookies)}
    )
    assert status == 200 and "scale-editor" in index.decode()

    # Through A, the editor changes the speaker's title and uploads a photo.
    staff_a = Site(a.port)
    change = f"/{settings.ADMIN_URL}events/speaker/{speaker.pk}/change/"
    status, _headers, form = staff_a.request("GET", change, headers={"Cookie": cookie_header(cookies)})
    assert status == 200
    parser = FormFields("speaker_form")
    parser.feed(form.decode())
    fields = parser.fields | {
        "role_title": "Minister of Online Safety",
        "photo_alt": "Ana Lucía Ortega speaking",
    }
    body, content_type = multipart(fields, {"photo": ("portrait.jpg", jpeg(), "image/jpeg")})
    status, headers, content = staff_a.request(
        "POST", change, body=body, headers=post_headers(change, cookies, content_type)
    )
    assert status == 302, content.decode()[:2000]

    # Through B, a visitor sees the change at once, with the photo's rendition served by B.
    status, _headers, page = visitor_b.request("GET", event.get_absolute_url())
    html = page.decode()
    assert "Minister of Online Safety" in html
    assert "Director of Programmes" not in html
    rendition = re.search(r'<img src="(/media/renditions/[^"]+)"[^>]*alt="Ana Lucía Ortega speaking"', html)
    assert rendition, "the speaker's photo is not on the page"
    status, headers, image = visitor_b.request("GET", rendition.group(1))
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and image[:2] == b"\xff\xd8"

    # The enquiry form's rate limit (2 an hour here) counts across both servers.
    answers = []
    for server in (a, b, a):
        donor = Site(server.port)
        _status, headers, form = donor.request("GET", "/lets-chat/")
        form_cookies = cookies_of(headers)
        hidden = dict(re.findall(r'name="(csrfmiddlewaretoken|stamp)" value="([^"]*)"', form.decode()))
        body = urlencode(
            {
                "name": "Scale Donor",
                "email": "donor@scale.example",
                "kind": "foundation",
                "message": "We would like to talk about funding.",
                "privacy_consent": "on",
                **hidden,
            }
        )
        answers.append(
            donor.request(
                "POST", "/lets-chat/", body=body, headers=post_headers("/lets-chat/", form_cookies)
            )[0]
        )
    assert answers == [302, 302, 429]
