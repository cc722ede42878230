"""PostgreSQL through Django's connection pool: a moment without the server costs no visitor a request after it."""

import pytest
from django.db import connection

from tests.safedigital.test_scale_out import database_url
from tests.safedigital.test_settings import run_manage

pytestmark = pytest.mark.django_db(transaction=True)

# Takes a pooled connection, has the server drop it (as a restart or a fail-over does), then serves a request.
DROPPED_CONNECTION = """
import os, psycopg
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
connection.close()
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as other:
    other.execute("SELECT pg_terminate_backend(%s)", [pid])
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
    print(cursor.fetchone()[0])
"""


def test_a_connection_the_server_dropped_is_not_handed_to_the_next_request():
    """Without the pool's check, every connection it held when PostgreSQL restarted answered a visitor with a 503."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")

    result = run_manage("shell", "--no-imports", "-c", DROPPED_CONNECTION, DATABASE_URL=database_url())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "1"
