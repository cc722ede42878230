"""
Browser tests: Playwright for Python drives Debian's Chromium against pytest-django's live server.

One browser for the run of browser tests (in each parallel worker), a new context (cookies, storage,
viewport) per test. Every context answers requests for anything but the live server itself with an
empty response, so nothing ever waits on the closed network and the privacy tests can see what the page
asked for.

Without Chromium the browser tests are skipped and the terminal summary says so loudly; with the
REQUIRE_BROWSER_TESTS environment variable set (as .ci/run does) they fail instead, and the run fails
unless browser tests ran and passed and none was skipped (availability.BrowserTestsGate, registered from
tests/conftest.py so that the xdist controller has it).
"""

import os

import pytest

from tests.browser.availability import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REQUIRED,
    SKIPPED,
    browser_problem,
    browser_tests_required,
)
from tests.browser.helpers import DESKTOP

# Long enough for a slow, loaded CI machine (saving an event with a hero image makes eight renditions while the
# other test worker runs: over 10 s seen), short enough that a broken page still fails within the test.
TIMEOUT_MS = 30_000
# The apps whose rows make up the demo data.
DEMO_APPS = ["events", "media_coverage"]


def pytest_collection_modifyitems(config, items):
    """Without a browser: skip the browser tests, unless REQUIRE_BROWSER_TESTS says they must run."""
    problem = browser_problem()
    if problem is None or browser_tests_required():
        return
    skip = pytest.mark.skip(reason=f"{SKIPPED}: {problem}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


class Chromium:
    """
    The one browser, launched for the first browser test and closed after the last one.

    Playwright's sync API keeps an asyncio event loop running in the test's thread, and Django refuses
    ORM calls while a loop runs unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The tests' ORM calls are
    synchronous, so the variable is set for as long as the browser runs, and removed afterwards: the
    other tests (and the `check --deploy` they run in a subprocess) never see it.
    """

    def __init__(self):
        self.playwright = self.browser = None
        self.saved_environ = None

    def get(self):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.saved_environ = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        return self.browser

    def stop(self):
        if self.playwright is None:
            return
        try:
            if self.browser is not None:
                self.browser.close()
        finally:
            self.playwright.stop()
            self.playwright = self.browser = None
            if self.saved_environ is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.saved_environ


CHROMIUM_SESSION = Chromium()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    if nextitem is None or not nextitem.get_closest_marker("browser"):
        CHROMIUM_SESSION.stop()


def pytest_sessionfinish():
    CHROMIUM_SESSION.stop()


@pytest.fixture
def browser():
    """The session's Chromium (one for the whole run of browser tests)."""
    problem = browser_problem()
    if problem:
        # Reached only when REQUIRE_BROWSER_TESTS is set (otherwise the tests were skipped at collection).
        pytest.fail(
            f"BROWSER TESTS REQUIRED ({REQUIRED} is set) but they cannot run: {problem}", pytrace=False
        )
    return CHROMIUM_SESSION.get()


@pytest.fixture
def site(live_server, settings):
    """The live server, as a visitor meets it: the page cache on, as in production."""
    settings.PAGE_CACHE_SECONDS = 600
    return live_server


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory, page_cache_version_file):
    """
    The demo event built once per session: its media files in a folder and its rows as a fixture file.
    Building it makes dozens of image renditions (seconds); loading the rows back takes a fraction of that.
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from events.demo import load_demo_event

    folder = tmp_path_factory.mktemp("demo")
    media, rows = folder / "media", folder / "demo.json"
    # Saving the demo announces content changes, to the tests' page cache version file, not the project's.
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PAGE_CACHE_VERSION_FILE=page_cache_version_file),
        transaction.atomic(),
    ):
        load_demo_event()
        call_command("dumpdata", *DEMO_APPS, output=rows, verbosity=0)
        transaction.set_rollback(True)
    return media, rows


@pytest.fixture
def demo_event(site, settings, demo_snapshot):
    """The Bogotá demo event with its parent conference, and the staff roles, in the live server's
    transactional database (which is emptied after every test)."""
    from django.core.management import call_command

    from events.demo import EVENT_SLUG
    from events.models import Event
    from safedigital.roles import sync_roles

    media, rows = demo_snapshot
    settings.MEDIA_ROOT = media
    call_command("loaddata", rows, verbosity=0)
    sync_roles()
    return Event.objects.get(slug=EVENT_SLUG)


def keep_local(context, origin):
    """Answer every request that does not go to `origin` with an empty page: nothing leaves the machine."""

    def is_remote(url):
        return not url.startswith((origin + "/", "data:", "blob:", "about:"))

    context.route(is_remote, lambda route: route.fulfill(status=200, content_type="text/html", body=""))


@pytest.fixture
def new_context(browser, site):
    """Makes browser contexts (a fresh visitor each), kept local and closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        keep_local(context, site.url)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh desktop context."""
    return new_context().new_page()


@pytest.fixture
def requests_made(page):
    """Every request `page` makes, in order, as URLs."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls
