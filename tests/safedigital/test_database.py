"""PostgreSQL through Django's connection pool: a moment without the server costs no visitor a request after it."""

import shutil
import socketserver
import subprocess
import tempfile

import pytest
from django.db import connection

from tests.safedigital.network import relay, tcp_options
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


def test_postgresql_connections_have_bounds_on_the_network():
    """
    libpq's keepalives and TCP user timeout reach the socket of the connection the site uses: without them a host
    that stopped answering held a request for the kernel's 15 minutes (see the test below).
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    connection.ensure_connection()

    assert tcp_options(connection.connection) == {
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }
    assert connection.connection.info.get_parameters()["connect_timeout"] == "10"


def test_database_url_may_change_the_bounds_on_the_network():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")

    result = run_manage(
        "shell", "--no-imports", "-c",
        "from django.db import connection; from tests.safedigital.network import tcp_options; "
        "connection.ensure_connection(); print(tcp_options(connection.connection))",
        DATABASE_URL=database_url() + "?tcp_user_timeout=20000&keepalives_idle=60",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        {
            "keepalives": 1,
            "keepalives_idle": 60,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            "tcp_user_timeout": 20_000,
        }
    )


# Run in a network of its own (a Linux network namespace, which `unshare -rn` makes without privileges), where
# PostgreSQL is reached at 127.0.0.1:5432 through a relay to the test's (DATABASE_RELAY, a Unix socket, which
# crosses namespaces). Asks for a page, takes that network's only interface down, and asks again: from then on
# every packet the site sends to PostgreSQL is dropped and none comes back, as when the database's host has
# vanished. (A relay that merely stopped forwarding would not do: its kernel would still acknowledge what the
# site sends, which is exactly what the site waits for in vain when the host is gone.)
DATABASE_HOST_VANISHES = """
import os, socketserver, subprocess, time
from django.db import connections
from django.test import Client
from tests.safedigital.network import relay
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
relay(socketserver.ThreadingTCPServer, ("127.0.0.1", 5432), os.environ["DATABASE_RELAY"])
client = Client(headers={"host": "localhost"})
before = client.get(os.environ["PAGE"])
connections.close_all()  # the connection goes back to the pool, as a server's does after each request
subprocess.run(["ip", "link", "set", "lo", "down"], check=True)
start = time.monotonic()
after = client.get(os.environ["PAGE"])
print(before.status_code, after.status_code, round(time.monotonic() - start, 1))
"""


def ask_while_the_database_host_vanishes(page):
    """The page's status before and after the database's host vanishes, and how long the second answer took."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    if (
        not (shutil.which("unshare") and shutil.which("ip"))
        or subprocess.run(["unshare", "-rn", "true"]).returncode
    ):
        pytest.skip("needs a network namespace of its own (unshare -rn) and iproute2's ip")
    host, port = (
        connection.settings_dict["HOST"] or "127.0.0.1",
        int(connection.settings_dict["PORT"] or 5432),
    )
    with tempfile.TemporaryDirectory() as folder:  # a short path: a Unix socket's has at most 107 characters
        path = f"{folder}/postgresql"
        server = relay(socketserver.ThreadingUnixStreamServer, path, (host, port))
        try:
            result = run_manage(
                "shell", "--no-imports", "-c", DATABASE_HOST_VANISHES,
                wrapper=["unshare", "-rn"],
                DATABASE_URL=database_url().replace(f"@{host}:{port}/", "@127.0.0.1:5432/"),
                DATABASE_RELAY=path,
                PAGE=page,
                PAGE_CACHE_SECONDS="0",  # every request asks the database
            )  # fmt: skip
        finally:
            server.shutdown()
            server.server_close()
    assert result.returncode == 0, result.stderr
    before, after, seconds = result.stdout.split()[-3:]
    return int(before), int(after), float(seconds)


def test_a_visitor_waits_seconds_not_minutes_when_the_database_host_vanishes():
    """
    Before, the request waited on TCP for the kernel to give up (about 15 minutes), and with it the gunicorn worker,
    until gunicorn killed it; a visitor got nothing, then the proxy's error. Now the connection is given up after
    10 s without an acknowledgement, and the visitor is told to try again (503).
    """
    before, after, seconds = ask_while_the_database_host_vanishes("/")

    assert (before, after) == (200, 503)
    assert seconds < 15
