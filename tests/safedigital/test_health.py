import socket
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.safedigital.test_database import ask_while_the_database_host_vanishes
from tests.safedigital.test_settings import run_manage


@pytest.mark.django_db
def test_healthz_reports_the_database(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_when_it_fails(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("safedigital.views.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "failed", "checks": {"database": "failed"}}


@pytest.mark.django_db
def test_healthz_reports_a_shared_cache_that_does_not_answer_without_taking_the_server_out(client, settings):
    """The site serves without Redis; a 503 from every server at once would turn a slowdown into an outage."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with mock.patch("safedigital.views.cache.set", side_effect=ConnectionError("refused")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "failed"}}


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_cache_answer(client, settings):
    settings.REDIS_URL = "redis://configured"

    response = client.get(reverse("healthz"))

    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_healthz_says_how_long_the_queued_emails_wait(client, settings):
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.REDIS_URL = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="donations.tasks.send_enquiry_emails",
        backend_name="default",
        run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=5))

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["tasks"]["waiting"] == 1
    assert 300 <= body["tasks"]["oldest_seconds"] < 330


# Asks /healthz of a site whose PostgreSQL does not answer, and prints the status and how long the answer took.
HEALTH_CHECK_TIMED = """
import time
from django.test import Client
start = time.monotonic()
response = Client().get("/healthz", headers={"host": "localhost"})
print(response.status_code, response.json()["status"], round(time.monotonic() - start, 1))
"""


def test_healthz_answers_within_seconds_when_postgresql_is_down():
    """
    A load balancer's probe gives up after a few seconds, and then counts the server as failed for the wrong
    reason, or not at all. /healthz waited for the connection pool's 10 s before answering 503.
    """
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = run_manage(
        "shell", "--no-imports", "-c", HEALTH_CHECK_TIMED,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/safedigital",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    status, body_status, seconds = result.stdout.split()
    assert (status, body_status) == ("503", "failed")
    assert float(seconds) < 4


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_within_seconds_when_the_database_host_vanishes():
    """
    When the database's host stops answering (packets dropped), /healthz answered after the 10 s that the connection
    it was given took to fail (tcp_user_timeout), long after a load balancer's probe had given up; before that,
    after the kernel's 15 minutes. Its connection's check now gives up within HEALTHZ_DATABASE_TIMEOUT (2 s).
    """
    before, after, seconds = ask_while_the_database_host_vanishes("/healthz")

    assert (before, after) == (200, 503)
    assert seconds < 4


MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.mark.django_db
def test_healthz_answers_503_when_collectstatic_has_not_run(client, settings, tmp_path):
    """Without the static files' manifest every page answered 500, and /healthz said ok."""
    settings.REDIS_URL = ""
    settings.STATIC_ROOT = tmp_path  # empty: collectstatic never ran
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "failed", "checks": {"database": "ok", "static files": "failed"}}


@pytest.mark.django_db
def test_healthz_is_ok_when_the_static_files_manifest_is_there(client, settings, tmp_path):
    settings.REDIS_URL = ""
    (tmp_path / "staticfiles.json").write_text(
        '{"version": "1.1", "hash": "0123456789ab", "paths": {"css/site.css": "css/site.0123456789ab.css"}}'
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}
