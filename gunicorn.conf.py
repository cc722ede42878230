"""gunicorn settings, read from the environment (see .env.example)."""

import multiprocessing
import os
import sys
from functools import partial
from pathlib import Path

# The project's folder, for safedigital.environment (which imports no Django): gunicorn puts only its working
# directory (--chdir) on the import path before it reads this file, and --pythonpath only after.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from safedigital import environment  # noqa: E402

# A value that is not a whole number stops gunicorn with one line naming the variable: gunicorn prints a
# SystemExit's message alone, any other error as 'Failed to read config file' and a traceback.
env_int = partial(environment.env_int, error=SystemExit)


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# At least one worker and one thread: gunicorn started with none and answered nothing.
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1, minimum=1)
threads = env_int("GUNICORN_THREADS", 1, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=0)  # 0: no timeout
graceful_timeout = 20
keepalive = 5
# Recycling workers is off by default: every restart costs a worker's start-up (about a second of CPU) and its
# warm caches, which at hundreds of requests a second would be every few seconds. Set it to bound a leak.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 0, minimum=0)
max_requests_jitter = max_requests // 10
# "-" logs each request to stdout; empty turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# gunicorn's own format, but the path without its query string ("%(U)s" for the request line's "%(r)s") and
# without the page before (the Referer, "%(f)s"): a fundraiser's search of the enquiries, by a donor's address or
# name, stayed in the logs, where no erasure reaches.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"
# Trust X-Forwarded-* only from the proxy addresses named here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket (for gunicorn's `gunicornc` tool): the project does not use it, and every instance of one user
# shares its default path, so a second instance on a machine took it over and stopping either deleted it.
control_socket_disable = True
wsgi_app = "safedigital.wsgi:application"
