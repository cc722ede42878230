"""
Quick exit, without a browser: out of the box "Leave this site" goes to a neutral site, from every public page.

Not marked `browser` (it needs no Chromium); it sits beside test_quick_exit.py for the demo pages the browser
tests' conftest builds. The browser tests point the control at the live server instead, as the real default
is not reachable here.
"""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import public_pages

ROOT = Path(__file__).resolve().parents[2]
# Search engines' home pages: what a visitor leaving in a hurry can be seen to have open without a question.
NEUTRAL_HOSTS = {"www.google.com", "www.bing.com", "duckduckgo.com", "www.ecosia.org", "search.yahoo.com"}
READ_THE_SETTING = "from django.conf import settings; print(settings.QUICK_EXIT_URL)"


def default_quick_exit_url(**env):
    """QUICK_EXIT_URL as the settings read it in a fresh process whose environment has only `env`."""
    result = subprocess.run(
        [sys.executable, "-c", READ_THE_SETTING],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "safedigital.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def default_url():
    return default_quick_exit_url()


class Links(HTMLParser):
    """The page's links as (text, href)."""

    def __init__(self):
        super().__init__()
        self.links, self.open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.open = [dict(attrs).get("href"), ""]

    def handle_data(self, data):
        if self.open:
            self.open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.open:
            href, text = self.open
            self.links.append((" ".join(text.split()), href))
            self.open = None


def quick_exit_links(html):
    parser = Links()
    parser.feed(html)
    return [href for text, href in parser.links if text == "Leave this site"]


def test_the_default_quick_exit_is_a_search_engines_home_page(default_url):
    address = urlsplit(default_url)

    assert address.scheme == "https"
    assert address.hostname in NEUTRAL_HOSTS
    assert address.path in {"", "/"} and not address.query and not address.fragment


def test_an_empty_quick_exit_url_is_the_default_too(default_url):
    """As in a copied .env.example, where the variable is there but empty."""
    assert default_quick_exit_url(QUICK_EXIT_URL="") == default_url


@pytest.fixture
def demo_pages(db, settings, demo_snapshot):
    """The demo event's public pages (tests/browser/conftest.py's snapshot, loaded without a live server)."""
    from django.core.management import call_command

    from events.demo import EVENT_SLUG
    from events.models import Event

    media, rows = demo_snapshot
    settings.MEDIA_ROOT = media
    call_command("loaddata", rows, verbosity=0)
    return public_pages(Event.objects.get(slug=EVENT_SLUG))


def test_every_public_page_leaves_for_the_default_address(client, settings, demo_pages, default_url):
    settings.QUICK_EXIT_URL = default_url

    for name, path in demo_pages.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not-found" else 200), name
        links = quick_exit_links(response.content.decode())
        # The highlights page has a second, in its photo viewer (which covers the page's own when open).
        assert links[:1] == [default_url] and set(links) == {default_url}, name
