import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def _cache_ok():
    try:
        key = "healthz:probe"
        cache.set(key, "ok", 10)
        return cache.get(key) == "ok"
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and the shared cache, when configured) answer; 503 naming what failed."""
    checks = {"database": "ok" if _database_ok() else "failed"}
    if settings.REDIS_URL:
        checks["cache"] = "ok" if _cache_ok() else "failed"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failed", "checks": checks}, status=200 if healthy else 503
    )


@require_GET
def security_txt(request):
    """
    RFC 9116 security contact; expires a year from the moment it is served. Its Canonical is the address it
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
