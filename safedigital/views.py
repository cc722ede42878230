import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

logger = logging.getLogger(__name__)


def _database_ok():
    try:
        pool = getattr(connection, "pool", None)  # PostgreSQL's connection pool
        if pool is not None and connection.connection is None:
            # A connection within HEALTHZ_DATABASE_TIMEOUT, not the pool's timeout (its check too, when the
            # database's host has vanished: safedigital/database.py): handed back at once, it is the one
            # connection.cursor() takes below.
            pool.open()
            pool.putconn(pool.getconn(timeout=settings.HEALTHZ_DATABASE_TIMEOUT))
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def _static_files_ok():
    """
    Whether the static files' manifest was there when this process started (production's storage names each file
    by its content, from the manifest `collectstatic` writes). Without it every page answers 500, for want of the
    stylesheet's name, while the database answers: a load balancer must take such a server out.
    """
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return True
    return bool(staticfiles_storage.hashed_files)


def _cache_ok():
    try:
        key = "healthz:probe"
        cache.set(key, "ok", 10)
        return cache.get(key) == "ok"
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False


def _waiting_tasks():
    """
    How many background tasks (the enquiry e-mails) wait to be sent and for how many seconds the oldest has,
    when they are kept in the database; None when they run at once. A growing wait means no worker runs.
    """
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    try:
        waiting = DBTaskResult.objects.ready().aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
    except Exception:
        logger.exception("Health check: the task queue could not be read")
        return None
    oldest = waiting["oldest"]
    return {
        "waiting": waiting["count"],
        "oldest_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }


@never_cache
@require_GET
def healthz(request):
    """
    200 when the database answers, 503 when it does not, or when the static files' manifest is missing (every
    page would answer 500; production only, whose storage needs it). The shared cache (Redis, when configured) is
    checked and reported, but a cache that does not answer only makes the status "degraded", still 200: the pages and
    the enquiry form work without it (rendered afresh, rate limits let through), and a load balancer taking
    every server out of service at once for it would turn a slowdown into an outage. It also says how long the
    queued e-mails wait, which is for monitoring and does not take the server out of service either.
    """
    checks = {"database": "ok" if _database_ok() else "failed"}
    static_files_ok = _static_files_ok()
    if not static_files_ok:  # reported only when missing: the JSON of a sound server stays as it was
        checks["static files"] = "failed"
    if settings.REDIS_URL:
        checks["cache"] = "ok" if _cache_ok() else "failed"
    serving = checks["database"] == "ok" and static_files_ok
    if not serving:
        status = "failed"
    elif all(value == "ok" for value in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    body = {"status": status, "checks": checks}
    if serving and (tasks := _waiting_tasks()) is not None:
        body["tasks"] = tasks
    return JsonResponse(body, status=200 if serving else 503)


@require_safe
@cache_control(max_age=24 * 60 * 60, public=True)
def favicon(request):
    """
    /favicon.ico, which browsers ask for on a first visit (and tools whenever they show the site): a redirect
    to the icon the pages link to, a static file named by its content in production, which browsers keep for
    good. The redirect itself is kept a day, as the name changes with the icon.
    """
    return HttpResponseRedirect(static("favicon.ico"))


@require_GET
@cache_control(max_age=24 * 60 * 60, public=True)
def security_txt(request):
    """
    RFC 9116 security contact; expires a year from the moment it is served, and may be kept a day. Its Canonical is the address it
    was fetched from (scheme and host as the request came in), so it is right behind any host or proxy.
    """
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    body = (
        f"Contact: {settings.SECURITY_CONTACT}\n"
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}\n"
        "Preferred-Languages: en, es\n"
        f"Canonical: {request.build_absolute_uri(request.path)}\n"
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def choose_language(request, language):
    """
    The header's language switch: a link, not a form, so that every page stays the same for every visitor and
    can be cached whole (a form would put a CSRF token in each). Choosing only changes the language the pages
    are shown in. Remembers it for the browser session (LANGUAGE_COOKIE_AGE) and goes back to the page
    `?next=` names, on this site; to the home page otherwise.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    back_to = request.GET.get("next", "")
    if not back_to.startswith("/") or not url_has_allowed_host_and_scheme(
        back_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back_to = "/"
    response = HttpResponseRedirect(back_to)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
