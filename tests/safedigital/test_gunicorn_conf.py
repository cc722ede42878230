"""
gunicorn, started as `make serve` starts it (python -m safedigital.serve), reads its settings from the environment
(gunicorn.conf.py), and says which one is wrong.
"""

import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def gunicorn_settings(**env):
    """The settings gunicorn takes from gunicorn.conf.py, printed without starting a server."""
    return subprocess.run(
        [sys.executable, "-m", "safedigital.serve", "--print-config"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_come_from_the_environment():
    result = gunicorn_settings(
        PORT="8123",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="45",
        GUNICORN_MAX_REQUESTS="1000",
    )

    assert result.returncode == 0, result.stderr
    printed = {
        name.strip(): value.strip()
        for name, _, value in (line.partition(" = ") for line in result.stdout.splitlines())
    }
    assert printed["bind"] == "['0.0.0.0:8123']"
    assert (printed["workers"], printed["threads"], printed["timeout"]) == ("2", "4", "45")
    assert (printed["max_requests"], printed["max_requests_jitter"]) == ("1000", "100")
    # Two instances on one machine would share one control socket: the second took it over.
    assert printed["control_socket_disable"] == "True"


@pytest.mark.parametrize(
    "name", ["WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"]
)
def test_a_setting_that_is_not_a_whole_number_is_named(name):
    """
    Before, gunicorn printed 'Failed to read config file' and a traceback ending in int()'s ValueError; for
    WEB_CONCURRENCY, which gunicorn reads itself as it is imported, before any configuration file, a traceback.
    """
    result = gunicorn_settings(**{name: "thirty"})

    assert result.returncode != 0
    assert result.stderr.strip() == f"{name} must be a whole number, not 'thirty'."
    assert result.stdout == ""  # gunicorn did not start: it would have printed its settings


@pytest.mark.parametrize(
    ("name", "value", "minimum"),
    [("WEB_CONCURRENCY", "0", 1), ("GUNICORN_THREADS", "0", 1), ("GUNICORN_TIMEOUT", "-5", 0)],
)
def test_a_number_too_small_to_serve_is_named(name, value, minimum):
    """WEB_CONCURRENCY=0 started gunicorn with no worker: it ran, and answered nothing."""
    result = gunicorn_settings(**{name: value})

    assert result.returncode != 0
    assert result.stderr.strip() == f"{name} must be a whole number of at least {minimum}, not {value!r}."
    assert result.stdout == ""


def test_settings_left_empty_take_their_defaults():
    """
    As the other whole numbers, an empty WEB_CONCURRENCY (a copied .env with the value left out) is the default:
    gunicorn itself read it as it was imported, before any configuration, and stopped with int()'s traceback.
    """
    empty = ["WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"]
    result = gunicorn_settings(**dict.fromkeys(empty, ""))

    assert result.returncode == 0, result.stderr
    printed = dict(line.replace(" ", "").partition("=")[::2] for line in result.stdout.splitlines())
    assert printed["workers"] == str(multiprocessing.cpu_count() * 2 + 1)
    assert (printed["threads"], printed["timeout"], printed["max_requests"]) == ("1", "30", "0")


def test_the_access_log_keeps_no_query_string_nor_the_page_before():
    """
    The access log (on unless GUNICORN_ACCESS_LOG is emptied) wrote each request line whole, and the page before
    it (the Referer): a fundraiser's search of the enquiries for a donor's address or name stayed in the server's
    logs, where no erasure reaches. Each request is logged by its path.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "safedigital.serve", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**environment, "WEB_CONCURRENCY": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request(
                    "GET",
                    "/admin/donations/donationenquiry/?q=ana%40fundacion.example",
                    headers={
                        "Referer": f"http://127.0.0.1:{port}/admin/donations/donationenquiry/?q=Ana+G%C3%B3mez"
                    },
                )
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert connection.getresponse().status == 302  # to the login page
        connection.close()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]

    [line] = [line for line in output.splitlines() if "donationenquiry" in line]
    assert '"GET /admin/donations/donationenquiry/ HTTP/1.1" 302 ' in line
    assert [word for word in ("ana%40fundacion", "Ana+G", "?q=") if word in line] == []
