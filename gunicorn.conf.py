"""gunicorn settings, read from the environment (see .env.example)."""

import multiprocessing
import os


def env_int(name, default):
    """The variable as a whole number; a clear message and no traceback when it is not one."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Recycling workers is off by default: every restart costs a worker's start-up (about a second of CPU) and its
# warm caches, which at hundreds of requests a second would be every few seconds. Set it to bound a leak.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
# "-" logs each request to stdout; empty turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Trust X-Forwarded-* only from the proxy addresses named here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket (for gunicorn's `gunicornc` tool): the project does not use it, and every instance of one user
# shares its default path, so a second instance on a machine took it over and stopping either deleted it.
control_socket_disable = True
wsgi_app = "safedigital.wsgi:application"
