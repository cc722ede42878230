import pytest


@pytest.fixture(autouse=True)
def _isolated_site(settings, tmp_path):
    """Each test gets its own media folder, plain static storage and an empty cache."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    # The page cache would hide queries and changes from most tests; tests/safedigital/test_cache.py turns it on.
    settings.PAGE_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()
