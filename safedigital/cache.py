"""
Whole-page cache for anonymous visitors.

A public view wrapped in `cache_public_page` stores its rendered page (local memory, or Redis shared by every
app server). `PageCacheMiddleware`, early in the middleware stack, answers the next anonymous request for the
same address from the cache before sessions, authentication, CSRF or the view run (it only resolves the
address, to look for pages of cached views alone), so a cached page costs about what Django's own "ok" view
does with the local-memory cache (Redis adds a round trip). Anyone carrying a session cookie (staff) goes through the whole stack
and gets a fresh page; staff, draft previews, non-GET requests and errors are never stored.

Any save or delete of a record in a content app bumps one version number; a stored page remembers the
version it was rendered at and is not served once the version has moved on, so an editor never sees a stale
page after saving, whichever page shows the record. A page is also kept no longer than the next scheduled
publish time, so scheduled publishing needs no cron.

The content version is shared by every process of the site. With Redis it is a key there. Without Redis the
local-memory cache belongs to one process, and gunicorn runs several, so the version lives in a small file
shared by the processes of the machine (`VersionFile`, at `PAGE_CACHE_VERSION_FILE`, created on first use):
an 8-byte counter mapped into each process's memory. Reading it is a load from memory (nanoseconds, no system
call); a bump takes an exclusive `flock` on the file and adds one. The counter is page-aligned, and an aligned
8-byte load or store is a single access on x86-64 and ARMv8, so a reader sees the old or the new value, never
a mix. A file's modification time would not do: it is coarse (two saves within its granularity look like one)
and costs a system call per request; a database row would cost a query. A process notices within
`FILE_RECHECK_SECONDS` when the file was removed or replaced. The tests make each process forget its mapping
between tests (`reset_local_state`).
"""

import contextlib
import ctypes
import fcntl
import hashlib
import mmap
import os
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language_from_request

CONTENT_APPS = {"events", "media_coverage"}
VERSION_KEY = "page-cache:version"
# Browsers and proxies may keep a public page this long; the site's own cache is invalidated at once.
BROWSER_MAX_AGE = 60
CACHE_CONTROL = f"public, max-age={BROWSER_MAX_AGE}"
VARY = "Cookie, Accept-Language"
# Without Redis: how often a process checks that the version file is still the one it mapped.
FILE_RECHECK_SECONDS = 1


def _first_version():
    """A version for a new counter: the time in milliseconds, above any counter it may replace."""
    return int(time.time() * 1000)


class VersionFile:
    """The content version as an 8-byte counter in a file mapped by every process of the machine (see above)."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked() as fd:
            self._map(fd)

    def current(self):
        if time.monotonic() - self.checked_at >= FILE_RECHECK_SECONDS:
            self._follow_replacement()
        return self.counter.value

    def bump(self):
        with self._locked() as fd:
            if self._identity(os.fstat(fd)) != self.identity:
                self._map(fd)
            self.counter.value += 1

    @contextlib.contextmanager
    def _locked(self):
        """
        The file, opened anew (so that the lock excludes even a process forked from this one) and locked.
        Unlocked explicitly: closing is not enough, as the memory map keeps a duplicate of the descriptor.
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _map(self, fd):
        if os.fstat(fd).st_size < ctypes.sizeof(ctypes.c_uint64):
            os.ftruncate(fd, ctypes.sizeof(ctypes.c_uint64))
        counter = ctypes.c_uint64.from_buffer(mmap.mmap(fd, ctypes.sizeof(ctypes.c_uint64)))
        if counter.value == 0:
            counter.value = _first_version()
        self.counter, self.identity = counter, self._identity(os.fstat(fd))
        self.checked_at = time.monotonic()

    def _follow_replacement(self):
        try:
            replaced = self._identity(os.stat(self.path)) != self.identity
        except FileNotFoundError:
            replaced = True
        if replaced:
            with self._locked() as fd:
                self._map(fd)
        self.checked_at = time.monotonic()

    @staticmethod
    def _identity(stat):
        return stat.st_dev, stat.st_ino


class ProcessState:
    """What this process keeps to itself: its mapping of the version file."""

    def __init__(self):
        self.version_file = None


_process = ProcessState()


def reset_local_state():
    """Forget this process's mapping of the version file, as a new process would start."""
    global _process
    _process = ProcessState()


def _version_file():
    process = _process
    if process.version_file is None:
        process.version_file = VersionFile(settings.PAGE_CACHE_VERSION_FILE)
    return process.version_file


def content_version():
    if not settings.REDIS_URL:
        return _version_file().current()
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _first_version()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def content_changed(**kwargs):
    """Make every stored page stale (each remembers the version it was rendered at)."""
    if not settings.REDIS_URL:
        _version_file().bump()
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _first_version(), timeout=None)


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


def page_key(request):
    """One key per language and absolute address (pages carry their own address in OpenGraph tags)."""
    address = request.build_absolute_uri()
    language = get_language_from_request(request)
    return f"page-cache:{language}:{hashlib.sha256(address.encode()).hexdigest()}"


def _may_be_served_from_cache(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and len(request.get_full_path()) <= 300
        # Staff carry a session; a pending message must reach its reader.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and _is_public_page(request.path_info)
    )


def _is_public_page(path):
    """
    Whether `path` is served by a view wrapped in `cache_public_page`: only those are looked for in the cache,
    so other requests (the form, the admin, the health check) do not pay a round trip to it. Resolving a path
    costs a few microseconds; asking Redis costs a round trip.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    return getattr(view_class.dispatch if view_class else match.func, "stores_public_page", False)


def _stored_response(stored):
    response = HttpResponse(stored["content"], content_type=stored["content_type"])
    response["ETag"] = stored["etag"]
    response["Last-Modified"] = stored["last_modified"]
    response["Content-Language"] = stored["language"]
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = VARY
    return response


def cached_page(request):
    """The stored page for this request, when there is one of the current content version; else None."""
    key = page_key(request)
    if settings.REDIS_URL:
        found = cache.get_many([VERSION_KEY, key])
        version, stored = found.get(VERSION_KEY), found.get(key)
    else:
        version, stored = _version_file().current(), cache.get(key)
    if stored is None or stored["version"] != version:
        return None
    return _stored_response(stored)


class PageCacheMiddleware:
    """Answers anonymous requests for stored public pages before the rest of the stack runs (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _may_be_served_from_cache(request):
            response = cached_page(request)
            if response is not None:
                return response
            request.page_cache_missed = True  # the view need not look again
        return self.get_response(request)


def cache_public_page(view):
    """Decorator for a public view: store its 200 responses for anonymous visitors, as described above."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or settings.PAGE_CACHE_SECONDS <= 0:
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_store=True)
            return response
        if request.method not in {"GET", "HEAD"} or len(request.get_full_path()) > 300:
            return view(request, *args, **kwargs)
        if not getattr(request, "page_cache_missed", False):
            response = cached_page(request)
            if response is not None:
                return response
        version = content_version()
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code != 200 or response.cookies:
            return response
        stored = {
            "version": version,
            "content": response.content,
            "content_type": response["Content-Type"],
            "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
            "last_modified": http_date(),
            "language": get_language_from_request(request),
        }
        timeout = settings.PAGE_CACHE_SECONDS
        until_publication = _seconds_until_next_publication()
        if until_publication is not None:
            timeout = min(timeout, until_publication)
        cache.set(page_key(request), stored, timeout)
        return _stored_response(stored)

    wrapper.stores_public_page = True
    return wrapper
