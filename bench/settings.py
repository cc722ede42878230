"""
Settings of the benchmark's servers: the site's own settings, read from the environment that bench/run.py
sets (production mode), with one addition: Django's floor, a view that answers "ok" (bench/urls.py).
"""

from safedigital.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
