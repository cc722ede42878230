"""
Staff logins: Django's, except for the demo logins' password.

`load_demo_data` (development only) gives the demo staff logins (editor, fundraiser, admin, a superuser) one
password, printed by `make run` and written in the README. A database that `make run` filled and that was then
served in production (`make serve` without DATABASE_URL uses the same db.sqlite3) let anyone in with it. With DEBUG
off, that password logs nobody in, whoever holds it.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

DEMO_PASSWORD = "safedigital-demo"  # noqa: S105 (development logins, refused when DEBUG is off)


class StaffBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.DEBUG and password == DEMO_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
