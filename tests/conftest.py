import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import translation

from safedigital.cache import reset_local_state

# pytester runs small pytest sessions in the tests of the browser tests' gate (tests/browser/test_gate.py).
pytest_plugins = ["pytester"]


def clear_cache():
    """
    Empty this test process's cache. On Redis, only this process's keys: Django's RedisCache.clear()
    flushes the whole database, which would pull the rug from under parallel workers (pytest -n).
    """
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(scope="session")
def page_cache_version_file(tmp_path_factory):
    """The page cache's version file of this test process (each pytest-xdist worker has its own temporary folder)."""
    return tmp_path_factory.mktemp("page-cache") / "version"


@pytest.fixture(autouse=True)
def _isolated_site(settings, tmp_path, page_cache_version_file):
    """Each test gets its own media folder, plain static storage, a fast password hasher, an empty cache and a fresh page cache state."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # A password costs Django's real hasher most of a second here; what the tests check of logging in does not
    # depend on which hasher made it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PAGE_CACHE_VERSION_FILE = page_cache_version_file
    # The page cache would hide queries and changes from most tests; tests/safedigital/test_cache.py turns it on.
    settings.PAGE_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    clear_cache()
    reset_local_state()
    yield
    clear_cache()
    reset_local_state()


@pytest.fixture
def task_worker(settings):
    """
    Tasks kept in the database, as in production (django-tasks-db), instead of run at once; `task_worker()`
    runs the worker (`manage.py db_worker`) over those queued so far.
    """
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def run_worker():
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    return run_worker


def pytest_configure(config):
    """The browser tests' gate (tests/browser/availability.py), here so that the xdist controller has it too."""
    from tests.browser.availability import BrowserTestsGate

    config.pluginmanager.register(BrowserTestsGate(config), "browser-tests-gate")


@pytest.fixture(autouse=True)
def _language_put_back():
    """
    A request in Spanish leaves Spanish active in this thread (LocaleMiddleware activates a language and never
    deactivates it), and pytest-django runs the tests without a database last: they would render in Spanish.
    """
    with translation.override(translation.get_language()):
        yield
