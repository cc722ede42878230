"""
Whole-page cache for anonymous visitors.

A public view wrapped in `cache_public_page` stores its rendered page (local memory, or Redis shared by every
app server). `PageCacheMiddleware`, early in the middleware stack, answers the next anonymous request for the
same address from the cache before sessions, authentication, CSRF or the view run (it only resolves the
address, to look for pages of cached views alone). Anyone carrying a session cookie (staff) or a pending
message goes through the whole stack and gets a fresh page; staff, draft previews, pages with messages or a
CSRF token, non-GET requests and errors are never stored.

Any save or delete of a record in a content app bumps one version number, before and after the row is
written, and bumps it again when the transaction commits: a page rendered in between, from the rows as they
were, must not be kept. A stored page remembers the version it was rendered at and is not served once the
version has moved on, so an editor never sees a stale page after saving, whichever page shows the record. A
page is stored per language and per value of the query parameters its view reads (`page_path`). A page is
also kept no longer than the next scheduled publish time (so scheduled publishing needs no cron) or the next
midnight, when events that ended the day before move from upcoming to past.

Serving a stored page costs no round trip to anything, which is what makes it as cheap as Django's own "ok"
view:

- **Local copies.** Each process keeps up to `PAGE_CACHE_LOCAL_PAGES` stored pages in its own memory
  (`LocalPages`: the stored dicts themselves, least recently used dropped first, nothing unpickled). A copy
  is used only while its version is the current one and its expiry time (the timeout it was stored with) has
  not passed; otherwise the page is looked for in the cache (Redis), and what is found is kept locally.
- **The content version, known without asking.** It is shared by every process of the site, yet read at
  each request without a round trip:

  - With Redis (`RedisVersion`): the version is a Redis key, and a bump INCRs it and PUBLISHes on a channel
    named like it (so with the cache's key prefix: parallel test workers do not hear each other). Each
    process holds one subscription and, at each lookup, reads whatever has arrived on it without waiting
    (the kernel has it already; no round trip). When anything has, it reads the key once (never trusting
    the messages' order: two writers may interleave). It subscribes before it reads the key, and waits for
    the subscription's confirmation, so no bump falls between the two. Redis writes a message to every
    subscriber before it answers any command that reaches it later, so each server has the message in its
    socket (or on the one network hop from Redis) well before an editor's browser, several round trips
    later, asks it for a page again. A process that bumped re-reads at its next lookup in any case, and
    every process re-reads every `RECHECK_SECONDS`, which bounds what a subscription that died without a
    sound (a half-open connection) could hide. Without a subscription (it cannot be made, or it broke) a
    process reads the key at every lookup (a round trip) and tries to subscribe again every
    `RESUBSCRIBE_SECONDS`. When Redis does not answer, pages are rendered afresh and not stored: an outage
    slows pages down but never turns them into errors. A bump that Redis does not take raises
    (`ChangeNotAnnounced`), which undoes the edit (or, outside a transaction, stops it before it is written)
    and gives its editor the 503 page: an edit never leaves stale pages behind.
  - Without Redis (`VersionFile`): the local-memory cache belongs to one process, and gunicorn runs several,
    so the version lives in a small file shared by the processes of the machine (`PAGE_CACHE_VERSION_FILE`,
    created on first use): an 8-byte counter mapped into each process's memory. Reading it is a load from
    memory (nanoseconds, no system call); a bump takes an exclusive `flock` on the file and adds one. The
    counter is page-aligned, and an aligned 8-byte load or store is a single access on x86-64 and ARMv8, so a
    reader sees the old or the new value, never a mix. A file's modification time would not do: it is coarse
    (two saves within its granularity look like one) and costs a system call per request; a database row
    would cost a query. A process notices within `FILE_RECHECK_SECONDS` when the file was removed or replaced.

Stored pages are kept compressed too (brotli and gzip, made once when the page is stored), and each visitor
gets the smallest their browser accepts: a highlights page of about 107 KB goes out in about 8 KB, the
same with or without a compressing proxy in front. The tag of each encoding is its own (`ETag` "…-br"). Pages
not stored are gzipped on their way out (safedigital.middleware.TextCompressionMiddleware).

Each process forgets its connections, its subscription and its local copies when it is forked (gunicorn's
workers start clean), and the tests make it forget them between tests (`reset_local_state`).
"""

import contextlib
import ctypes
import datetime
import fcntl
import gzip
import hashlib
import logging
import mmap
import os
import threading
import time
from collections import OrderedDict
from functools import partial, wraps
from pathlib import Path

import brotli
import redis
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, urlencode
from django.utils.translation import get_language_from_request
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

CONTENT_APPS = {"events", "media_coverage"}
VERSION_KEY = "page-cache:version"
# How long browsers and shared proxies may keep a public page, unless its view says otherwise
# (`cache_public_page(max_age=...)`); never past the moment time alone changes it. The site's own cache is
# invalidated at once, theirs cannot be.
BROWSER_MAX_AGE = 60
VARY = "Cookie, Accept-Language, Accept-Encoding"
# Fast settings: a page is compressed while its first visitor waits (about 1 ms each for 107 KB).
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# With Redis: how often a process reads the version even when no message came, and how often it tries to
# subscribe again after failing; the timeout of its own connections (an outage must not hold pages long).
RECHECK_SECONDS = 5
RESUBSCRIBE_SECONDS = 5
REDIS_TIMEOUT_SECONDS = 1
# Without Redis: how often a process checks that the version file is still the one it mapped.
FILE_RECHECK_SECONDS = 1
# Longer paths (with the query a page's view reads) are rendered afresh and never stored.
MAX_PATH_LENGTH = 300
# Failures of the shared cache that make a page be rendered afresh instead of answered from the cache.
CACHE_ERRORS = (RedisError, OSError)


def _first_version():
    """A version for a new counter: the time in milliseconds, above any counter it may replace."""
    return int(time.time() * 1000)


class RedisVersion:
    """The content version as a Redis key, known in this process through a subscription (see above)."""

    def __init__(self, url, key):
        # No retries: a failure shows at once, and a subscription is never silently re-made behind our back.
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )
        self.key = self.channel = key
        self.lock = threading.Lock()  # one thread at a time reads the subscription
        self.pubsub = None
        self.version = None
        self.read_at = 0.0
        self.subscribe_at = 0.0
        self.stale = False
        self.warned = False

    def current(self):
        with self.lock:
            now = time.monotonic()
            if self.pubsub is None and now >= self.subscribe_at:
                self._subscribe(now)
            if self.pubsub is not None:
                try:
                    if self._messages_arrived() or self.stale or now - self.read_at >= RECHECK_SECONDS:
                        self.stale = False
                        self.version, self.read_at = self._read(), now
                    return self.version
                except CACHE_ERRORS as error:
                    self._unsubscribe(now, error)
        return self._read()

    def bump(self):
        pipe = self.client.pipeline(transaction=False)
        pipe.set(self.key, _first_version(), nx=True)
        pipe.incr(self.key)
        pipe.publish(self.channel, b"")
        pipe.execute()
        # Our own message is on its way too; this process need not count on it.
        self.stale = True

    def _read(self):
        value = self.client.get(self.key)
        if value is None:
            pipe = self.client.pipeline(transaction=False)
            pipe.set(self.key, _first_version(), nx=True)
            pipe.get(self.key)
            value = pipe.execute()[1]
        return int(value)

    def _messages_arrived(self):
        arrived = False
        while self.pubsub.get_message(timeout=0) is not None:
            arrived = True
        return arrived

    def _subscribe(self, now):
        pubsub = self.client.pubsub()
        try:
            pubsub.subscribe(self.channel)
            confirmation = pubsub.get_message(timeout=REDIS_TIMEOUT_SECONDS)
            if confirmation is None or confirmation["type"] != "subscribe":
                raise redis.ConnectionError("the subscription was not confirmed")
            version = self._read()
        except CACHE_ERRORS as error:
            self._close(pubsub)
            self._unsubscribe(now, error)
            return
        self.pubsub, self.version, self.read_at, self.stale = pubsub, version, now, False
        if self.warned:
            logger.info("Page cache: subscribed to %s again", self.channel)
            self.warned = False

    def _unsubscribe(self, now, error):
        if self.pubsub is not None:
            self._close(self.pubsub)
        self.pubsub = self.version = None
        self.subscribe_at = now + RESUBSCRIBE_SECONDS
        if not self.warned:
            logger.warning(
                "Page cache: no subscription to %s (%s); reading the version at every lookup until it is back",
                self.channel,
                error,
            )
            self.warned = True

    @staticmethod
    def _close(pubsub):
        with contextlib.suppress(*CACHE_ERRORS):
            pubsub.close()


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


class LocalPages:
    """This process's copies of stored pages, at most `PAGE_CACHE_LOCAL_PAGES`, the least recently used dropped."""

    def __init__(self):
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, version):
        with self.lock:
            stored = self.pages.get(key)
            if stored is None:
                return None
            if not _is_current(stored, version):
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return stored

    def put(self, key, stored):
        with self.lock:
            self.pages[key] = stored
            self.pages.move_to_end(key)
            while len(self.pages) > max(settings.PAGE_CACHE_LOCAL_PAGES, 0):
                self.pages.popitem(last=False)


class ProcessState:
    """What this process keeps to itself: its view of the content version and its copies of stored pages."""

    def __init__(self):
        self.versions = None
        self.pages = LocalPages()


_process = ProcessState()


def reset_local_state():
    """Forget this process's connections, subscription and local copies, as a new process would start."""
    global _process
    _process = ProcessState()


# A forked child must not share its parent's subscription (both would read from one socket).
os.register_at_fork(after_in_child=reset_local_state)


def _versions():
    process = _process
    if process.versions is None:
        if settings.REDIS_URL:
            process.versions = RedisVersion(settings.REDIS_URL, cache.make_key(VERSION_KEY))
        else:
            process.versions = VersionFile(settings.PAGE_CACHE_VERSION_FILE)
    return process.versions


def content_version():
    """The current content version, or None when it cannot be known (then nothing is served nor stored)."""
    try:
        return _versions().current()
    except CACHE_ERRORS as error:
        logger.warning("Page cache: the content version is unknown (%s); rendering afresh", error)
        return None


class ChangeNotAnnounced(Exception):
    """
    A change the page cache could not be told of (Redis, or the version file, did not take the bump). Raised
    in the change's transaction, which it undoes; the visitor gets the 503 page, saying nothing was kept
    (safedigital.middleware.ServiceUnavailableMiddleware).
    """


def content_changed(**kwargs):
    """
    Make every stored page stale (each remembers the version it was rendered at), now and again when the
    current transaction commits. A change that cannot be announced raises ChangeNotAnnounced: an edit must
    never leave stale pages behind.
    """
    try:
        _versions().bump()
    except CACHE_ERRORS as error:
        raise ChangeNotAnnounced(f"The page cache could not be told of a change: {error}") from error
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _versions().bump(), robust=True)


def _on_content_signal(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        content_changed()


def connect_signals():
    # Before the write too (m2m_changed is sent before and after already): a change saved outside a transaction
    # (simple_history's revert, an admin action) cannot be undone once written, so when the cache does not
    # answer it must be refused before it is.
    for signal in (pre_save, post_save, pre_delete, post_delete, m2m_changed):
        signal.connect(_on_content_signal, dispatch_uid=f"safedigital.page_cache.{signal}")


def _seconds_until_time_changes_pages():
    """
    Seconds until time alone changes what the pages show: the next scheduled publish time, or the next
    midnight, when an event that ended the day before moves from upcoming to past.
    """
    from events.models import Event

    now = timezone.now()
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now) + datetime.timedelta(days=1), datetime.time.min)
    )
    publication = (
        Event.objects.filter(status=Event.Status.PUBLISHED, publish_at__gt=now, publish_at__lt=midnight)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return max(int(((publication or midnight) - now).total_seconds()) + 1, 1)


def page_path(request, query):
    """
    The page's path with the query parameters its view reads (`query`, in that order) and no others: what the
    page cache stores it under, and the address the page gives of itself (safedigital.context_processors).
    A tag added by whoever linked to the page (fbclid, gclid, utm_source, a mailing's per-reader mc_eid) changes
    nothing on it: with it in the key, every visitor from a social network or a newsletter, each with a tag of
    their own, had the page rendered afresh and stored once more.
    """
    values = [(name, value) for name in query for value in request.GET.getlist(name)]
    return f"{request.path}?{urlencode(values)}" if values else request.path


def page_key(request, path):
    """One key per language and absolute address (pages carry their own address in OpenGraph tags)."""
    address = request.build_absolute_uri(path)
    language = get_language_from_request(request)
    return f"page-cache:{language}:{hashlib.sha256(address.encode()).hexdigest()}"


def _may_use_cache(request):
    """
    Whether this request may be answered from the cache and its page stored. Not for anyone carrying a
    session (staff, or someone whose staff session has ended) or a pending message: the page would show
    their messages, and must neither be stored with them nor served without them.
    """
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def public_page_query(view):
    """
    The query parameters a view wrapped in `cache_public_page` reads (see there); None for any other view, whose
    pages are never stored.
    """
    view_class = getattr(view, "view_class", None)
    view = view_class.dispatch if view_class else view
    return view.page_query if getattr(view, "stores_public_page", False) else None


def _stored_page_path(request, query):
    """The path `request`'s page is stored under (page_path), or None when it is too long to be worth storing."""
    path = page_path(request, query)
    return path if len(path) <= MAX_PATH_LENGTH else None


def _public_page_query(path):
    """
    `public_page_query` of the view serving `path`: only public pages are looked for in the cache, so other
    requests (the form, the admin, the health check) do not pay a lookup. Resolving a path costs a few
    microseconds.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return public_page_query(match.func)


def _is_current(stored, version):
    # Pages stored before local copies existed carry no expiry time: they count as expired.
    return stored["version"] == version and stored.get("expires", 0) > time.time()


def _stored_response(stored, request):
    encoding = accepted_encoding(request, stored.get("encodings", {}))
    if encoding:
        response = HttpResponse(stored["encodings"][encoding], content_type=stored["content_type"])
        response["Content-Encoding"] = encoding
        response["ETag"] = f'{stored["etag"][:-1]}-{encoding}"'
    else:
        response = HttpResponse(stored["content"], content_type=stored["content_type"])
        response["ETag"] = stored["etag"]
    # A time to the second tells two versions apart only once that second is over (RFC 9110, 8.8.2.2): a page
    # changed within the second it was stored in would otherwise answer If-Modified-Since with a 304.
    if int(time.time()) > stored.get("stored_second", 0):
        response["Last-Modified"] = stored["last_modified"]
    response["Content-Language"] = stored["language"]
    response["Cache-Control"] = _cache_control(stored)
    response["Vary"] = VARY
    return response


def _cache_control(stored):
    """
    What browsers and proxies are told of a stored page: its view's `max_age`, but no longer than until time
    alone changes it (a scheduled publication, midnight): a home page kept 60 s by a proxy would otherwise hide
    an event published 10 s after it was stored.
    """
    max_age = stored.get("max_age", BROWSER_MAX_AGE)
    if "changes_at" in stored:
        max_age = min(max_age, int(stored["changes_at"] - time.time()))
    return f"public, max-age={max_age}" if max_age > 0 else "public, no-cache"


def _compressed(content):
    return {
        "br": brotli.compress(content, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY),
        "gzip": gzip.compress(content, GZIP_LEVEL, mtime=0),
    }


def accepted_encoding(request, available):
    """The encoding of `available` the request accepts (q=0 refuses one), brotli first; "" for none."""
    header = request.headers.get("Accept-Encoding", "")
    if not header or not available:
        return ""
    accepted = set()
    for item in header.lower().split(","):
        coding, _semicolon, parameters = item.partition(";")
        quality = parameters.strip().removeprefix("q=").strip() if parameters else "1"
        try:
            if float(quality) > 0:
                accepted.add(coding.strip())
        except ValueError:
            continue
    return next((coding for coding in ("br", "gzip") if coding in available and coding in accepted), "")


def cached_page(request, path):
    """The stored page for this request, when there is one of the current content version; else None."""
    version = content_version()
    if version is None:
        return None
    key = page_key(request, path)
    pages = _process.pages
    stored = pages.get(key, version)
    if stored is None:
        try:
            stored = cache.get(key)
        except CACHE_ERRORS as error:
            logger.warning("Page cache: the cache did not answer (%s); rendering afresh", error)
            return None
        if stored is None or not _is_current(stored, version):
            return None
        pages.put(key, stored)
    return _stored_response(stored, request)


def _store(key, stored, timeout):
    _process.pages.put(key, stored)
    try:
        cache.set(key, stored, timeout)
    except CACHE_ERRORS as error:
        logger.warning("Page cache: the cache did not store a page (%s)", error)


class PageCacheMiddleware:
    """Answers anonymous requests for stored public pages before the rest of the stack runs (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _may_use_cache(request) and (query := _public_page_query(request.path_info)) is not None:
            path = _stored_page_path(request, query)
            response = cached_page(request, path) if path else None
            if response is not None:
                return response
            request.page_cache_missed = True  # the view need not look again
        return self.get_response(request)


def cache_public_page(view=None, *, query=(), max_age=BROWSER_MAX_AGE):
    """
    Decorator for a public view: store its 200 responses for anonymous visitors, as described above. `query`
    names the query parameters the view reads (its filters, its page number): its pages are stored per their
    values, and any other parameter is left out of the key and of the page's own address (see page_path).
    Every parameter the view reads must be named, or one page would be served for all its values. `max_age`
    is how long browsers and shared proxies may keep the page (see _cache_control).
    """
    if view is None:
        return partial(cache_public_page, query=query, max_age=max_age)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        path = _stored_page_path(request, query)
        if request.user.is_authenticated or not _may_use_cache(request) or path is None:
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_store=True)
            return response
        if not getattr(request, "page_cache_missed", False):
            response = cached_page(request, path)
            if response is not None:
                return response
        version = content_version()
        # Asked before the page is built: an event whose time comes while it is being built must still end
        # the page's life.
        until_change = _seconds_until_time_changes_pages()
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        # A page that used a CSRF token carries a secret: its cookie is set by the middleware, later.
        if response.status_code != 200 or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return response
        now = time.time()
        stored = {
            "version": version,
            "content": response.content,
            "encodings": _compressed(response.content),
            "content_type": response["Content-Type"],
            "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
            "last_modified": http_date(now),
            "stored_second": int(now),
            "language": get_language_from_request(request),
            "max_age": max_age,
            "changes_at": now + until_change,
        }
        if version is not None:  # else the version is unknown (see content_version): nothing is stored
            timeout = min(settings.PAGE_CACHE_SECONDS, until_change)
            stored["expires"] = now + timeout
            _store(page_key(request, path), stored, timeout)
        return _stored_response(stored, request)

    wrapper.stores_public_page = True
    wrapper.page_query = tuple(query)
    return wrapper
