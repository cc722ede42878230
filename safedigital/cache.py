"""
Whole-page cache for anonymous visitors.

A public page is stored once rendered and served from the cache (local memory, or Redis shared by every
app server) until content changes. Any save or delete of a record in a content app bumps one version
number that is part of every page's key, so an editor never sees a stale page after saving, whichever
page shows the record. Staff, draft previews, non-GET requests and errors are never cached. A page is
also kept no longer than the next scheduled publish time, so scheduled publishing needs no cron.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

CONTENT_APPS = {"events", "media_coverage"}
VERSION_KEY = "page-cache:version"
# Browsers and proxies may keep a public page this long; the site's own cache is invalidated at once.
BROWSER_MAX_AGE = 60


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def content_changed(**kwargs):
    """Invalidate every cached page (the version is part of each key)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1000), timeout=None)


def _on_content_signal(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        content_changed()


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_content_signal, dispatch_uid=f"safedigital.page_cache.{signal}")


def _seconds_until_next_publication():
    from events.models import Event

    upcoming = (
        Event.objects.filter(status=Event.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    if upcoming is None:
        return None
    return max(int((upcoming - timezone.now()).total_seconds()) + 1, 1)


def _cacheable(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and not request.user.is_authenticated
        and len(request.get_full_path()) <= 300
    )


def cache_public_page(view):
    """Decorator for a public view: cache its 200 responses for anonymous visitors, as described above."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_store=True)
            return response
        path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page-cache:{content_version()}:{get_language()}:{path_hash}"
        stored = cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code != 200 or response.cookies:
                return response
            stored = {
                "content": response.content,
                "content_type": response["Content-Type"],
                "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
                "last_modified": http_date(),
            }
            timeout = settings.PAGE_CACHE_SECONDS
            until_publication = _seconds_until_next_publication()
            if until_publication is not None:
                timeout = min(timeout, until_publication)
            cache.set(key, stored, timeout)
        response = HttpResponse(stored["content"], content_type=stored["content_type"])
        response["ETag"] = stored["etag"]
        response["Last-Modified"] = stored["last_modified"]
        patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapper
