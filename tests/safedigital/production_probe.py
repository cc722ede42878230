"""
Run as a separate process by the header tests: sets up Django with production settings (DEBUG off),
collects static files (without their compressed copies), migrates a throw-away SQLite database, logs a staff
member in through the admin login form and prints the responses' headers and cookies as JSON.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

folder = tempfile.mkdtemp(prefix="safedigital-probe-")
os.environ.update(
    {
        "DEBUG": "false",
        "SECRET_KEY": "probe-" + "x" * 60,
        "ALLOWED_HOSTS": "safedigital.example",
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "STATIC_ROOT": f"{folder}/static",
        "MEDIA_ROOT": f"{folder}/media",
        "PAGE_CACHE_VERSION_FILE": f"{folder}/page-cache-version",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
)
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safedigital.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from whitenoise.compress import Compressor  # noqa: E402

# Without the compressed copies of the static files: making them takes nearly all of collectstatic's time here
# (16 s of 17), and no header the tests read depends on them (the client asks for no encoding).
settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *Compressor.SKIP_COMPRESS_EXTENSIONS,
    "css",
    "js",
    "map",
    "svg",
    "txt",
    "md",
    "json",
)
call_command("collectstatic", "--noinput", verbosity=0)
call_command("migrate", verbosity=0)

from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402

client = Client(HTTP_HOST="safedigital.example")
paths = {
    "page": "/",
    "admin": "/admin/login/",
    "static": staticfiles_storage.url("css/site.css"),
}
result = {}
for name, path in paths.items():
    response = client.get(path, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    result[name] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {key: dict(morsel) | {"value": morsel.value} for key, morsel in response.cookies.items()},
        "body": body.decode("utf-8", "replace")[:20000],
    }
from django.contrib.auth import get_user_model  # noqa: E402

get_user_model().objects.create_user("probe-staff", password="probe-staff-password-0123", is_staff=True)
login = Client(HTTP_HOST="safedigital.example").post(
    "/admin/login/?next=/admin/",
    {"username": "probe-staff", "password": "probe-staff-password-0123", "next": "/admin/"},
    secure=True,
)
result["login"] = {
    "status": login.status_code,
    "location": login.get("Location", ""),
    "headers": dict(login.headers),
    "cookies": {key: dict(morsel) | {"value": morsel.value} for key, morsel in login.cookies.items()},
}
language = Client(HTTP_HOST="safedigital.example").get("/language/es/?next=/", secure=True)
favicon = Client(HTTP_HOST="safedigital.example").get("/favicon.ico", secure=True)
icon = Client(HTTP_HOST="safedigital.example").get(favicon.get("Location", "/favicon.ico"), secure=True)
result["favicon"] = {
    "status": favicon.status_code,
    "location": favicon.get("Location", ""),
    "cache_control": favicon.get("Cache-Control", ""),
    "file": {"status": icon.status_code, "headers": dict(icon.headers)},
}
result["language"] = {
    "status": language.status_code,
    "cookies": {key: dict(morsel) | {"value": morsel.value} for key, morsel in language.cookies.items()},
}
insecure = Client(HTTP_HOST="safedigital.example").get("/")
result["http"] = {"status": insecure.status_code, "location": insecure.get("Location", "")}
json.dump(result, sys.stdout)
