"""
The enquiry e-mails as tasks kept in the database (production): queued with the enquiry, in its transaction,
and sent by the worker; the visitor never waits for the mail server, and a crash loses no e-mail.
"""

import contextlib
import logging
import os
import signal
import smtplib
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.tasks.signals import task_started
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from donations.models import DonationEnquiry
from donations.tasks import queue_enquiry_emails
from safedigital.management.commands import db_worker
from safedigital.management.commands.db_worker import requeue_stuck_tasks, sweep
from safedigital.models import WorkerHeartbeat
from tests.donations.conftest import aged_stamp
from tests.factories import DonationEnquiryFactory, EventFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("task_worker")]


def test_the_visitor_does_not_wait_for_the_mail_and_the_worker_sends_it(client, enquiry_data, task_worker):
    response = client.post("/lets-chat/", enquiry_data)

    assert response.status_code == 302
    enquiry = DonationEnquiry.objects.get()
    assert mail.outbox == []
    assert enquiry.notified_at is None
    assert DBTaskResult.objects.get().args_kwargs == {"args": [enquiry.pk, True], "kwargs": {}}

    task_worker()

    enquiry.refresh_from_db()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    assert enquiry.notified_at is not None and enquiry.acknowledged_at is not None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_task_exists_only_when_its_enquiry_was_committed():
    with pytest.raises(RuntimeError), transaction.atomic():
        enquiry = DonationEnquiryFactory()
        queue_enquiry_emails(enquiry.pk)
        raise RuntimeError("the enquiry's transaction fails")

    assert not DonationEnquiry.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_suspected_spam_queues_no_email(client, enquiry_data):
    client.post("/lets-chat/", enquiry_data | {"homepage": "http://spam.example"})

    assert DonationEnquiry.objects.get().is_spam
    assert not DBTaskResult.objects.exists()


# Stored once and queued once, in one transaction: no savepoint when it is the outermost, as in production.


@pytest.mark.parametrize(("query", "queries"), [("", 4), ("?event=bogota-2024", 5)])
def test_an_enquiry_and_its_emails_are_stored_in_one_transaction(
    client, enquiry_data, django_assert_num_queries, query, queries
):
    event = EventFactory(slug="bogota-2024")

    # The event's id when the form names one, then BEGIN, the enquiry, its task, COMMIT.
    with django_assert_num_queries(queries) as captured:
        response = client.post(f"/lets-chat/{query}", enquiry_data)

    assert response.status_code == 302
    assert not [query for query in captured.captured_queries if "SAVEPOINT" in query["sql"]]
    enquiry = DonationEnquiry.objects.get()
    assert enquiry.event == (event if query else None)
    assert DBTaskResult.objects.get().args_kwargs == {"args": [enquiry.pk, True], "kwargs": {}}


def test_a_form_sent_twice_is_stored_and_queued_once(client, enquiry_data):
    first = client.post("/lets-chat/", enquiry_data)
    second = client.post("/lets-chat/", enquiry_data | {"message": "Sent again after pressing back."})

    assert first["Location"] == second["Location"] == reverse("donations:thanks")
    assert DonationEnquiry.objects.get().message == enquiry_data["message"]
    assert DBTaskResult.objects.count() == 1


# The mail server failing: what was not sent is tried again later, and what was sent is never sent twice.


def make_due(task_result):
    """Brings a task queued to run later forward to now, as if its time had come."""
    DBTaskResult.objects.filter(pk=task_result.pk).update(run_after=timezone.now())


def test_emails_the_mail_server_refused_are_sent_again_later(client, enquiry_data, task_worker):
    client.post("/lets-chat/", enquiry_data)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ):
        task_worker()

    enquiry = DonationEnquiry.objects.get()
    assert mail.outbox == []
    assert enquiry.notification_error.startswith("Team notification: SMTPServerDisconnected")
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": [enquiry.pk, True, 2], "kwargs": {}}
    assert timezone.now() + timedelta(minutes=4) < retry.run_after < timezone.now() + timedelta(minutes=6)

    task_worker()  # not yet its time
    assert mail.outbox == []

    make_due(retry)
    task_worker()

    enquiry.refresh_from_db()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    assert enquiry.notified_at is not None and enquiry.acknowledged_at is not None
    assert enquiry.notification_error == ""
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_retry_sends_only_what_failed(client, enquiry_data, task_worker):
    client.post("/lets-chat/", enquiry_data)
    real_send = locmem.EmailBackend.send_messages

    def refuse_the_donor(backend, messages):
        if messages[0].to == [enquiry_data["email"]]:
            raise smtplib.SMTPRecipientsRefused({enquiry_data["email"]: (451, b"Try again later")})
        return real_send(backend, messages)

    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse_the_donor):
        task_worker()
    make_due(DBTaskResult.objects.get(status="READY"))
    task_worker()

    assert [message.to for message in mail.outbox] == [
        ["fundraising@safedigital.example"],
        [enquiry_data["email"]],
    ]
    assert DonationEnquiry.objects.get().notification_error == ""


def test_after_the_last_retry_the_problem_stays_on_the_record(client, enquiry_data, task_worker):
    client.post("/lets-chat/", enquiry_data)

    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ):
        task_worker()
        while retry := DBTaskResult.objects.filter(status="READY").first():
            make_due(retry)
            task_worker()

    assert DBTaskResult.objects.count() == 4  # the first attempt and three retries
    assert mail.outbox == []
    assert DonationEnquiry.objects.get().notification_error.startswith(
        "Team notification: SMTPServerDisconnected"
    )


# A worker stopped in the middle of a task (killed, out of memory): django-tasks-db leaves the task "running".


def left_running_by_a_stopped_worker(
    minutes_ago, heard_from_minutes_ago=None, worker_id="worker-killed-meanwhile"
):
    """
    The queued task, as a worker that claimed it `minutes_ago` and was then killed left it: last heard from in
    a heartbeat `heard_from_minutes_ago`, or never (a worker of an earlier version, which records none).
    """
    task_result = DBTaskResult.objects.get()
    task_result.claim(worker_id)
    DBTaskResult.objects.filter(pk=task_result.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    if heard_from_minutes_ago is not None:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, seen_at=timezone.now() - timedelta(minutes=heard_from_minutes_ago)
        )
    return task_result


@pytest.mark.parametrize("heard_from_minutes_ago", [None, 15.5], ids=["no heartbeat", "heartbeat stopped"])
def test_emails_a_stopped_worker_left_running_are_sent_by_the_next_worker(
    client, enquiry_data, task_worker, heard_from_minutes_ago
):
    client.post("/lets-chat/", enquiry_data)
    stuck = left_running_by_a_stopped_worker(minutes_ago=16, heard_from_minutes_ago=heard_from_minutes_ago)

    task_worker()

    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    stuck.refresh_from_db()
    assert stuck.status == "SUCCESSFUL"
    assert len(stuck.worker_ids) == 2  # the stopped worker, then the one that sent them


def test_a_task_running_for_less_than_task_stuck_minutes_is_left_to_its_worker(
    client, enquiry_data, task_worker
):
    client.post("/lets-chat/", enquiry_data)
    running = left_running_by_a_stopped_worker(minutes_ago=14)

    task_worker()

    assert mail.outbox == []
    running.refresh_from_db()
    assert running.status == "RUNNING"


def test_a_worker_runs_with_task_stuck_minutes_at_its_most(client, enquiry_data, task_worker, settings):
    settings.TASK_STUCK_MINUTES = 525600  # a year, the most it may be
    client.post("/lets-chat/", enquiry_data)
    left = left_running_by_a_stopped_worker(minutes_ago=16, heard_from_minutes_ago=15.5)

    task_worker()

    left.refresh_from_db()
    assert left.status == "RUNNING"
    assert mail.outbox == []


def test_a_task_whose_worker_is_still_heard_from_is_left_to_it_however_long_it_runs(
    client, enquiry_data, task_worker
):
    """A mail server that takes 16 minutes to answer: another worker sending the e-mails too would send them twice."""
    client.post("/lets-chat/", enquiry_data)
    running = left_running_by_a_stopped_worker(minutes_ago=16, heard_from_minutes_ago=14)

    task_worker()

    assert mail.outbox == []
    running.refresh_from_db()
    assert running.status == "RUNNING"
    assert running.worker_ids == ["worker-killed-meanwhile"]


def test_a_worker_started_again_with_the_same_id_runs_again_what_it_left_running(client, enquiry_data):
    """Its heartbeat, under the same --worker-id, would keep the task from every other worker for ever."""
    client.post("/lets-chat/", enquiry_data)
    left = left_running_by_a_stopped_worker(minutes_ago=1, heard_from_minutes_ago=1, worker_id="mail-1")

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--worker-id", "mail-1", verbosity=0
    )

    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    left.refresh_from_db()
    assert left.status == "SUCCESSFUL"
    assert left.worker_ids == ["mail-1", "mail-1"]


def test_a_worker_whose_clock_is_behind_is_left_its_task_while_it_beats(client, enquiry_data):
    """
    Workers on two machines, one's clock 20 minutes behind the other's: its heartbeats, written with its clock,
    looked 20 minutes old to the other, which took it for stopped and ran its task beside it (a donor thanked
    twice). A task it claimed 16 minutes ago reads 36 by the other's clock.
    """
    client.post("/lets-chat/", enquiry_data)
    running = left_running_by_a_stopped_worker(minutes_ago=36, worker_id="mail-behind")
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(minutes=20)):
        db_worker.beat("mail-behind")

    assert requeue_stuck_tasks() == 0

    running.refresh_from_db()
    assert running.status == "RUNNING"
    assert running.worker_ids == ["mail-behind"]
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["mail-behind"]


def heard_from_again(worker_id, after, deadline):
    """Waits until the worker records that it is alive after `after`; whether it did by `deadline`."""
    while time.monotonic() < deadline:
        try:
            if WorkerHeartbeat.objects.filter(worker_id=worker_id, seen_at__gt=after).exists():
                return True
        except OperationalError:  # the tests' in-memory SQLite: "table is locked" while the worker writes it
            pass
        time.sleep(0.005)
    return False


def test_a_worker_is_heard_from_while_it_runs_a_long_task(client, enquiry_data, task_worker):
    """
    Its task, running for longer than TASK_STUCK_MINUTES (16 minutes, made to pass while the e-mail is being
    sent), is not queued again by another worker: the e-mails go out once, from the worker that took it.
    """
    client.post("/lets-chat/", enquiry_data)
    real_send = locmem.EmailBackend.send_messages
    while_sending = {}

    def send_slowly(backend, messages):
        if not while_sending:
            task_result = DBTaskResult.objects.get()
            worker_id = task_result.worker_ids[-1]
            deadline = time.monotonic() + 10
            # Each step at once after a heartbeat, the next some way off: SQLite takes one writer at a time.
            while_sending["beating"] = heard_from_again(worker_id, task_result.started_at, deadline)
            sixteen_minutes_ago = timezone.now() - timedelta(minutes=16)
            DBTaskResult.objects.filter(pk=task_result.pk).update(started_at=sixteen_minutes_ago)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=sixteen_minutes_ago)
            while_sending["still beating"] = heard_from_again(worker_id, sixteen_minutes_ago, deadline)
            while_sending["requeued"] = requeue_stuck_tasks()
            while_sending["status"] = DBTaskResult.objects.get().status
        return real_send(backend, messages)

    with (
        mock.patch.object(db_worker, "HEARTBEAT_SECONDS", 0.2, create=True),
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", send_slowly),
    ):
        task_worker()

    assert while_sending == {"beating": True, "still beating": True, "requeued": 0, "status": "RUNNING"}
    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    task_result = DBTaskResult.objects.get()
    assert task_result.status == "SUCCESSFUL"
    assert len(task_result.worker_ids) == 1


def status_once_swept(task_result):
    """The task's status once a running worker's sweep (every 0.01 s here) has changed it, or after 10 s."""
    stopped = threading.Event()
    sweeper = threading.Thread(target=sweep, args=(stopped, 0.01))
    sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while DBTaskResult.objects.get(pk=task_result.pk).status == task_result.status:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
    finally:
        stopped.set()
        sweeper.join()
    return DBTaskResult.objects.get(pk=task_result.pk).status


def test_a_running_worker_looks_for_stuck_tasks_every_so_often(client, enquiry_data, settings):
    """Not only when it starts: a worker killed and restarted at once leaves a task not yet taken for stuck."""
    client.post("/lets-chat/", enquiry_data)
    stuck = left_running_by_a_stopped_worker(minutes_ago=1)
    settings.TASK_STUCK_MINUTES = 0
    assert status_once_swept(stuck) == "READY"


def failing_once(function, message):
    """`function` whose first call fails as a database gone (`message`); and the list of its calls."""
    calls = []

    def failing(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError(message)
        return function(*args)

    return failing, calls


@contextlib.contextmanager
def signals_kept():
    """Puts back, after, the signal handlers a worker run in the test's own process takes."""
    handlers = {
        number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def test_a_worker_outlives_a_moment_without_the_database(client, enquiry_data, task_worker, caplog):
    """django-tasks-db's worker stops at the first database error; beside gunicorn nothing would restart it."""
    client.post("/lets-chat/", enquiry_data)
    run, runs = failing_once(Worker.run, "server closed the connection unexpectedly")

    with (
        mock.patch.object(Worker, "run", autospec=True, side_effect=run),
        mock.patch.object(db_worker, "DATABASE_RETRY_SECONDS", 0, create=True),
        caplog.at_level(logging.WARNING, logger=db_worker.__name__),
    ):
        task_worker()

    assert len(runs) == 2
    assert "The database did not answer (server closed the connection unexpectedly); trying again in 0 s" in (
        caplog.text
    )
    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]


def test_a_task_the_database_went_in_the_middle_of_is_run_again_when_it_is_back(
    client, enquiry_data, task_worker
):
    """The worker, which goes on beating, would otherwise keep the task "running" for ever."""
    client.post("/lets-chat/", enquiry_data)
    runs = []
    real_run = Worker.run

    def run(worker):
        runs.append(worker)
        if len(runs) == 1:
            DBTaskResult.objects.get().claim(worker.worker_id)
            raise OperationalError("server closed the connection unexpectedly")
        return real_run(worker)

    with (
        mock.patch.object(Worker, "run", autospec=True, side_effect=run),
        mock.patch.object(db_worker, "DATABASE_RETRY_SECONDS", 0, create=True),
    ):
        task_worker()

    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    task_result = DBTaskResult.objects.get()
    assert task_result.status == "SUCCESSFUL"
    assert task_result.worker_ids == [runs[0].worker_id, runs[0].worker_id]


def test_a_worker_started_before_migrate_waits_for_it_and_then_sends(
    client, enquiry_data, task_worker, caplog
):
    """
    A deploy that starts the new worker before `manage.py migrate` has made the heartbeats' table: on PostgreSQL
    the worker stopped at once, and the e-mails waited until someone started it again.
    """
    client.post("/lets-chat/", enquiry_data)
    with connection.schema_editor() as editor:
        editor.delete_model(WorkerHeartbeat)
    waits = []

    def migrate_meanwhile(seconds):
        waits.append(seconds)
        if WorkerHeartbeat._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(WorkerHeartbeat)

    with (
        mock.patch.object(db_worker.time, "sleep", side_effect=migrate_meanwhile),
        caplog.at_level(logging.WARNING, logger=db_worker.__name__),
    ):
        task_worker()

    assert waits == [5]
    assert (
        "The database has no table safedigital_workerheartbeat yet (manage.py migrate makes it); trying again in 5 s"
        in caplog.text
    )
    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# The database going in the middle of a task's own queries: django-tasks-db marks the task failed.


def database_going(after_emails=0, always=False):
    """
    A blip of the database, as the worker's task meets it: its first query on the enquiries once `after_emails`
    e-mails have gone, or `always` every such query, fails as a dropped connection.
    """
    blips = []

    def blip(execute, sql, params, many, context):
        if "donations_donationenquiry" in sql and (
            always or (len(mail.outbox) == after_emails and not blips)
        ):
            blips.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return connection.execute_wrapper(blip)


def test_a_task_the_database_went_in_the_middle_of_is_run_again_and_sends_both_emails(
    client, enquiry_data, task_worker
):
    """Failed, it was never run again: the donor was never thanked, the team never told."""
    client.post("/lets-chat/", enquiry_data)
    with database_going(after_emails=0):
        task_worker()
    assert DBTaskResult.objects.get().exception_class_path == "django.db.utils.OperationalError"
    assert mail.outbox == []

    task_worker()  # the database back

    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]
    assert enquiry.notified_at is not None and enquiry.acknowledged_at is not None
    task_result = DBTaskResult.objects.get()
    assert task_result.status == "SUCCESSFUL"
    assert len(task_result.worker_ids) == 2


@pytest.mark.parametrize(
    ("after_emails", "sent"),
    [(1, ["team", "team", "donor"]), (2, ["team", "donor", "donor"])],
    ids=["as the first is recorded", "as the second is recorded"],
)
def test_only_the_email_whose_record_the_database_lost_goes_again(
    client, enquiry_data, task_worker, after_emails, sent
):
    """
    Each e-mail is recorded as sent once it has gone: recorded together after both, the team was told twice when
    the database went after the first. One whose record is lost goes again: twice rather than never.
    """
    client.post("/lets-chat/", enquiry_data)
    with database_going(after_emails):
        task_worker()
    assert len(mail.outbox) == after_emails

    task_worker()  # the database back

    enquiry = DonationEnquiry.objects.get()
    to = {"team": ["fundraising@safedigital.example"], "donor": [enquiry.email]}
    assert [message.to for message in mail.outbox] == [to[who] for who in sent]
    assert enquiry.notified_at is not None and enquiry.acknowledged_at is not None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_task_the_database_always_fails_is_left_failed_after_three_runs(client, enquiry_data, task_worker):
    client.post("/lets-chat/", enquiry_data)
    with database_going(always=True):
        for _ in range(4):
            task_worker()

    task_result = DBTaskResult.objects.get()
    assert (task_result.status, len(task_result.worker_ids)) == ("FAILED", 3)
    assert mail.outbox == []


def test_a_task_failing_for_another_reason_is_not_run_again(client, enquiry_data, task_worker):
    client.post("/lets-chat/", enquiry_data)
    with mock.patch("donations.emails.send_enquiry_emails", side_effect=ValueError("a bug")):
        task_worker()

    task_worker()

    task_result = DBTaskResult.objects.get()
    assert (task_result.status, task_result.exception_class_path) == ("FAILED", "builtins.ValueError")
    assert len(task_result.worker_ids) == 1
    assert mail.outbox == []


def test_a_running_worker_looks_for_tasks_the_database_went_in_the_middle_of_every_so_often(
    client, enquiry_data, task_worker
):
    client.post("/lets-chat/", enquiry_data)
    with database_going():
        task_worker()
    failed = DBTaskResult.objects.get()
    assert status_once_swept(failed) == "READY"


@pytest.mark.parametrize("signals", [1, 2], ids=["asked once", "asked again, to leave its task at once"])
def test_a_worker_asked_to_stop_stops_though_the_database_then_fails(
    client, enquiry_data, task_worker, caplog, signals
):
    """
    A deploy's stop (SIGTERM) while a task runs, then the database gone as the task's result is recorded: the
    worker started afresh, the stop forgotten, and the deploy waited until it killed it.
    """
    client.post("/lets-chat/", enquiry_data)
    runs = []
    real_run, real_send, real_save = Worker.run, locmem.EmailBackend.send_messages, DBTaskResult.save

    def run(worker):
        runs.append(worker)
        return real_run(worker)

    def stopped_meanwhile(backend, messages):
        if len(mail.outbox) < signals:  # as the first e-mail goes, and the second
            os.kill(os.getpid(), signal.SIGTERM)
        return real_send(backend, messages)

    def save(task_result, *args, **kwargs):
        if not runs[0].running and len(runs) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(task_result, *args, **kwargs)

    with (
        signals_kept(),
        mock.patch.object(Worker, "run", autospec=True, side_effect=run),
        mock.patch.object(locmem.EmailBackend, "send_messages", stopped_meanwhile),
        mock.patch.object(DBTaskResult, "save", save),
        mock.patch.object(db_worker, "DATABASE_RETRY_SECONDS", 0, create=True),
        caplog.at_level(logging.WARNING, logger=db_worker.__name__),
    ):
        task_worker()

    assert len(runs) == 1
    assert "The database did not answer (server closed the connection unexpectedly); stopping, as asked" in (
        caplog.text
    )
    enquiry = DonationEnquiry.objects.get()
    sent = [["fundraising@safedigital.example"], [enquiry.email]][: 3 - signals]  # the second left at once
    assert [message.to for message in mail.outbox] == sent
    assert DBTaskResult.objects.get().status == "RUNNING"  # queued again once its worker is back, or gone


def test_a_worker_started_while_the_database_is_away_waits_for_it(client, enquiry_data, task_worker, caplog):
    """
    No stop was asked: a fresh process's SIGTERM is the system's default, which the worker took for a second
    "stop" (django-tasks-db puts it back then), so a worker started before the database (a machine's boot) ended
    at once, and the e-mails waited until someone started it again.
    """
    client.post("/lets-chat/", enquiry_data)
    beat, _beats = failing_once(db_worker.beat, "connection refused")

    with (
        signals_kept(),
        mock.patch.object(db_worker, "beat", side_effect=beat),
        mock.patch.object(db_worker, "DATABASE_RETRY_SECONDS", 0, create=True),
        caplog.at_level(logging.WARNING, logger=db_worker.__name__),
    ):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as in a process just started
        task_worker()

    assert "The database did not answer (connection refused); trying again in 0 s" in caplog.text
    enquiry = DonationEnquiry.objects.get()
    assert [message.to for message in mail.outbox] == [["fundraising@safedigital.example"], [enquiry.email]]


def test_a_task_the_database_went_in_the_middle_of_days_ago_is_left_failed(client, enquiry_data, task_worker):
    """A donor thanked days late, by a worker of this version started where such a task had long been failed."""
    client.post("/lets-chat/", enquiry_data)
    with database_going():
        task_worker()
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=1, minutes=1))

    task_worker()

    assert DBTaskResult.objects.get().status == "FAILED"
    assert mail.outbox == []


def two_queued_tasks(client, enquiry_data, first_seconds_ago):
    """Two enquiries' tasks: the first queued `first_seconds_ago`, the second just now."""
    client.post("/lets-chat/", enquiry_data)
    client.post("/lets-chat/", enquiry_data | {"email": "second@example.org", "stamp": aged_stamp()})
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=first.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=first_seconds_ago)
    )
    first.refresh_from_db()
    return first, second


def test_a_worker_holds_its_task_while_more_pour_in_and_runs_it_once_they_stop(client, enquiry_data):
    # In a burst of enquiries the worker took the web workers' CPU and, on SQLite, the one writer: the visitors
    # waited for the e-mails. It holds the task it took until no task has come for a moment.
    first, second = two_queued_tasks(client, enquiry_data, first_seconds_ago=0.5)
    looks = []

    def meanwhile(seconds):
        looks.append(seconds)
        if len(looks) == 2:  # the burst ends: nothing has come for longer than QUIET_SECONDS
            DBTaskResult.objects.filter(pk=second.pk).update(
                enqueued_at=timezone.now() - timedelta(seconds=2)
            )

    with (
        mock.patch.object(db_worker.time, "sleep", side_effect=meanwhile),
        mock.patch.object(db_worker, "asked_to_stop", return_value=False),  # as in a running worker
    ):
        db_worker.hold_while_tasks_pour_in(sender=None, task_result=first.task_result)

    assert looks == [db_worker.QUIET_SECONDS / 4] * 2


@pytest.mark.parametrize(
    ("first_seconds_ago", "asked_to_stop"),
    [(db_worker.MOST_HELD_SECONDS + 1, False), (0.5, True)],
    ids=["held-long-enough", "asked-to-stop"],
)
def test_a_worker_holds_no_task_longer_than_most_held_seconds_nor_once_asked_to_stop(
    client, enquiry_data, first_seconds_ago, asked_to_stop
):
    first, _second = two_queued_tasks(client, enquiry_data, first_seconds_ago)

    with (
        mock.patch.object(db_worker.time, "sleep") as sleep,
        mock.patch.object(db_worker, "asked_to_stop", return_value=asked_to_stop),
    ):
        db_worker.hold_while_tasks_pour_in(sender=None, task_result=first.task_result)

    sleep.assert_not_called()


def test_a_running_worker_holds_its_tasks_in_a_burst_and_sends_them_all(client, enquiry_data):
    first, _second = two_queued_tasks(client, enquiry_data, first_seconds_ago=0.1)
    real_sleep = time.sleep
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        real_sleep(seconds)

    with (
        signals_kept(),
        mock.patch.object(db_worker, "QUIET_SECONDS", 0.2),
        mock.patch.object(db_worker.time, "sleep", side_effect=sleep),
    ):
        call_command("db_worker", "--no-startup-delay", "--interval", "0", "--max-tasks", "2", verbosity=0)

    assert 0.05 in slept  # it held the first task while the second was new
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["fundraising@safedigital.example"] * 2 + [enquiry_data["email"], "second@example.org"]
    )
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # A worker that has ended holds nothing more in this process.
    assert not task_started.disconnect(dispatch_uid=db_worker.HOLD)
