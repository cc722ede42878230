"""
`manage.py db_worker`: django-tasks-db's worker, which also puts back in the queue the tasks a worker stopped in
the middle of (killed, out of memory, its machine restarted). django-tasks-db leaves such a task "running" for
ever: an enquiry's e-mails would never go out, a gallery photo would never be resized.

Each worker records that it is alive (a WorkerHeartbeat of its worker id, by the database's clock) when it
starts and every `HEARTBEAT_SECONDS` after, from a thread of its own, so also while it runs a task however
long that takes (a mail server that answers slowly). A task is taken for one whose worker stopped when that
worker has not been heard from for `TASK_STUCK_MINUTES`: neither its start nor a heartbeat since is more
recent. A task of a worker that still beats is left to it, so that no other worker runs it beside it (a donor
thanked twice, two resizes of a photo racing). A worker of an earlier version, which records no heartbeat, was
last heard from when it started the task: its tasks are queued again `TASK_STUCK_MINUTES` after they started,
as they always were. A worker that is paused as a whole (a stopped container, a suspended machine) cannot
beat: paused longer than `TASK_STUCK_MINUTES`, it is taken for stopped, and finishes its task when it resumes
while another worker runs it again. Each worker looks for such tasks when it starts, then every minute.
Running one of ours again is safe enough: an e-mail already sent is not sent again (donations.emails), and a
photo's renditions are made again and stored only for the image they were made from (events.tasks).

A worker also outlives a moment without the database (a restart, a fail-over, a network blip): django-tasks-db's
stops at the first error, and beside gunicorn (`make serve`) nothing would start it again, so the e-mails would
wait for ever. It says so in the log and tries again every `DATABASE_RETRY_SECONDS`. It waits the same way,
saying so, for a database not yet migrated (a deploy that starts the workers before `migrate`), which lacks the
heartbeats' table.

A task whose own queries the database went in the middle of (its OperationalError or InterfaceError, which
django-tasks-db records as the failed task's exception class path) is run again once the database is back:
django-tasks-db marks it failed, and an enquiry's e-mails would never go out. Each worker looks for such tasks
when it starts and every minute, and runs one again until it has run `DATABASE_ERROR_RUNS` times (each run
adds its worker's id to the task), so that a task that always fails so (a query SQLite refuses is an
OperationalError too) is left failed, and not once it failed more than `DATABASE_ERROR_RETRY_WINDOW` (a day)
ago. Only the exception the task ended on counts (its class path, not the
traceback): a database error the task caught and turned into another is the task's own to deal with.

A worker asked to stop (SIGTERM, SIGINT) while it runs a task stops once the task ends, as django-tasks-db's
does, also when a database error then comes (its task's result could not be recorded): it is not started again.

While tasks pour in (a burst of enquiries, each queuing its e-mails), a worker holds the task it has taken
until none has come for `QUIET_SECONDS`, or until the task has waited `MOST_HELD_SECONDS`: e-mails may wait a
few seconds in a burst; visitors should not. Running beside the web workers, it took their CPU and, on SQLite,
the database's one writer, so that each enquiry sent waited longer (`make bench`, 32 clients, on SQLite: p99
of the POST 129.5 ms with the worker running through the burst, 79.4 ms with it holding). Under a load that
never pauses, each task still runs `MOST_HELD_SECONDS` after it was queued. A batch run (`--batch`) holds
nothing.

The safedigital app comes before django_tasks_db in INSTALLED_APPS, so that `db_worker` is this command.
"""

import logging
import signal
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections
from django.db.models.functions import Now
from django.tasks import TaskResultStatus
from django.tasks.signals import task_started
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from safedigital.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 60
# Well within the shortest TASK_STUCK_MINUTES (1): a worker that still beats is never taken for stopped.
HEARTBEAT_SECONDS = 30
DATABASE_RETRY_SECONDS = 5
# Runs of a task whose database went in the middle of it, after which it is left failed; and how long after it
# failed so it is still run again: a database comes back within minutes, and an e-mail days late (a task that
# failed so before workers ran such tasks again, kept 14 days) would puzzle more than it helps.
DATABASE_ERROR_RUNS = 3
DATABASE_ERROR_RETRY_WINDOW = timedelta(days=1)
DATABASE_ERRORS = [f"{error.__module__}.{error.__qualname__}" for error in (OperationalError, InterfaceError)]
# A task queued within this long after the one in hand means more are coming: the worker holds back.
QUIET_SECONDS = 1
MOST_HELD_SECONDS = 10
HOLD = "safedigital.hold_while_tasks_pour_in"


def migrated():
    """
    Whether `migrate` has made the heartbeats' table: a deploy may start the worker before it runs (a worker
    service of its own, `make worker`), and on PostgreSQL the missing table stopped the worker at once.
    """
    return WorkerHeartbeat._meta.db_table in connection.introspection.table_names()


def beat(worker_id):
    """
    Records that the worker is alive, now by the database's clock: the workers' own may differ (another machine),
    and one behind by `TASK_STUCK_MINUTES` would have been taken for stopped while it beat.
    """
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": Now()})


def last_workers(tasks):
    """Each of the `tasks` (pk) -> the worker running it, the last to have claimed it."""
    return {
        pk: worker_ids[-1] if worker_ids else None for pk, worker_ids in tasks.values_list("pk", "worker_ids")
    }


def requeue_stuck_tasks():
    """
    Puts back in the queue the tasks whose worker has not been heard from for `TASK_STUCK_MINUTES` (neither
    since the task started nor in a heartbeat); returns how many.
    """
    minutes = settings.TASK_STUCK_MINUTES
    silent_since = timezone.now() - timedelta(minutes=minutes)
    # A heartbeat as old as that says no more than none: the worker has stopped (or is paused). By the database's
    # clock, as it was written.
    WorkerHeartbeat.objects.filter(seen_at__lt=Now() - timedelta(minutes=minutes)).delete()
    alive = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    stuck = DBTaskResult.objects.running().filter(started_at__lt=silent_since)
    gone = [pk for pk, worker_id in last_workers(stuck).items() if worker_id not in alive]
    count = stuck.filter(pk__in=gone).update(status=TaskResultStatus.READY)  # those still running
    if count:
        logger.warning(
            "%d task(s) whose worker has not been heard from for %d minutes, gone: queued again",
            count,
            minutes,
        )
    return count


def requeue_tasks_of(worker_id):
    """
    Puts back in the queue the tasks left running under this worker's id by a process that runs them no more:
    an earlier one given the same `--worker-id` (killed and started again), or this one, before the database
    went in the middle of a task. Its heartbeat would keep them from the others for ever. Returns how many. So two
    processes never run under one id at once (django-tasks-db asks ids to be unique): the second would queue
    again what the first is running, as in a rolling update that starts the new worker before the old one ends.
    """
    now = timezone.now()
    running = DBTaskResult.objects.running()
    left = [pk for pk, running_by in last_workers(running).items() if running_by == worker_id]
    # Still running since before now: not queued again by another worker and claimed by a third meanwhile.
    count = running.filter(pk__in=left, started_at__lt=now).update(status=TaskResultStatus.READY)
    if count:
        logger.warning(
            "%d task(s) left running by this worker's id before it started again: queued again", count
        )
    return count


def requeue_tasks_failed_on_the_database():
    """
    Puts back in the queue the tasks that failed because the database went in the middle of them, within
    `DATABASE_ERROR_RETRY_WINDOW`, unless they have run `DATABASE_ERROR_RUNS` times; returns how many.
    """
    failed = DBTaskResult.objects.failed().filter(
        exception_class_path__in=DATABASE_ERRORS,
        finished_at__gte=timezone.now() - DATABASE_ERROR_RETRY_WINDOW,
    )
    again = [
        pk
        for pk, worker_ids in failed.values_list("pk", "worker_ids")
        if len(worker_ids) < DATABASE_ERROR_RUNS
    ]
    count = failed.filter(pk__in=again).update(status=TaskResultStatus.READY)  # those still failed
    if count:
        logger.warning("%d task(s) the database went in the middle of: queued again", count)
    return count


def asked_to_stop():
    """
    Whether the worker that ran was asked to stop (SIGTERM, SIGINT): django-tasks-db's worker answers the signal
    with its own method, which clears its `running`; asked again, it puts the signals back to their default and
    leaves its task at once (SystemExit), which recording the task's failure may then turn into a database error.
    """
    handler = signal.getsignal(signal.SIGTERM)
    worker = getattr(handler, "__self__", None)
    return handler == signal.SIG_DFL or (isinstance(worker, db_worker.Worker) and not worker.running)


def requeue_abandoned_tasks():
    """What each worker looks for when it starts and every `SWEEP_SECONDS`: the tasks to run again."""
    requeue_stuck_tasks()
    requeue_tasks_failed_on_the_database()


def heartbeat(worker_id, stopped, interval=HEARTBEAT_SECONDS):
    """
    Records that the worker is alive every `interval` seconds until `stopped` is set; in a thread of its own, so
    that it goes on while the worker runs a task.
    """
    while not stopped.wait(interval):
        try:
            beat(worker_id)
        except Exception as error:
            # Once more at the next beat; the worker's own loop tells of the database gone.
            logger.warning("Could not record that this worker is alive (%s)", " ".join(str(error).split()))
        finally:
            connections.close_all()  # this thread's own connections


def sweep(stopped, interval=SWEEP_SECONDS):
    """Requeues abandoned tasks every `interval` seconds until `stopped` is set; in a thread of its own."""
    while not stopped.wait(interval):
        try:
            requeue_abandoned_tasks()
        except Exception:
            logger.exception("Could not look for tasks whose worker stopped or whose database went")
        finally:
            connections.close_all()  # this thread's own connections


def hold_while_tasks_pour_in(sender, task_result, **kwargs):
    """
    Connected to `task_started` in a worker that is not a batch run: returns, and so lets the task run, once no
    task has been queued after it for `QUIET_SECONDS`, once it has waited `MOST_HELD_SECONDS` since it was
    queued, or once the worker is asked to stop. Until then it looks again four times a `QUIET_SECONDS`, with one
    read of the queue's waiting tasks (no write: on SQLite, a writer waiting for the worker was what it cost).
    """
    held_until = task_result.enqueued_at + timedelta(seconds=MOST_HELD_SECONDS)
    while not asked_to_stop() and timezone.now() < held_until:
        newer = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            enqueued_at__gt=max(task_result.enqueued_at, timezone.now() - timedelta(seconds=QUIET_SECONDS)),
        )
        try:
            if not newer.exists():
                return
        except (OperationalError, InterfaceError):
            return  # the task meets the database's absence itself, and is run again for it
        time.sleep(QUIET_SECONDS / 4)


class Command(db_worker.Command):
    help = (
        "Runs the background tasks kept in the database (the enquiry e-mails, gallery photos' renditions), and "
        "queues again those a stopped worker left running (not heard from for TASK_STUCK_MINUTES) and those the "
        "database went in the middle of."
    )

    def handle(self, *args, batch=False, worker_id, **options):
        stopped = threading.Event()  # set when this worker ends, and its threads with it
        threads = []
        # Whether django-tasks-db's worker has run, and so has taken the signals: before, SIGTERM is the system's
        # default, which asked_to_stop() reads as a second stop, and a database away at start ended the worker.
        worker_ran = False
        try:
            while True:
                try:
                    if not migrated():
                        logger.warning(
                            "The database has no table %s yet (manage.py migrate makes it); trying again in %d s",
                            WorkerHeartbeat._meta.db_table,
                            DATABASE_RETRY_SECONDS,
                        )
                        time.sleep(DATABASE_RETRY_SECONDS)
                        continue
                    beat(worker_id)  # alive before it claims a task
                    requeue_tasks_of(worker_id)
                    requeue_abandoned_tasks()
                    if not threads:
                        threads.append(
                            threading.Thread(
                                target=heartbeat,
                                args=(worker_id, stopped, HEARTBEAT_SECONDS),
                                daemon=True,
                                name="heartbeat",
                            )
                        )
                        if not batch:  # a batch run stops when the queue is empty
                            threads.append(
                                threading.Thread(
                                    target=sweep, args=(stopped,), daemon=True, name="stuck-tasks"
                                )
                            )
                        for thread in threads:
                            thread.start()
                    worker_ran = True
                    if not batch:
                        task_started.connect(hold_while_tasks_pour_in, dispatch_uid=HOLD)
                    return super().handle(*args, batch=batch, worker_id=worker_id, **options)
                except (OperationalError, InterfaceError) as error:
                    # The message names the server, never a task's data. A task it was running when the
                    # database went is queued again once the database answers (requeue_tasks_of).
                    # Asked to stop, it stops: a deploy's stop would otherwise wait until it killed the worker.
                    if worker_ran and asked_to_stop():
                        logger.warning(
                            "The database did not answer (%s); stopping, as asked",
                            " ".join(str(error).split()),
                        )
                        return
                    logger.warning(
                        "The database did not answer (%s); trying again in %d s",
                        " ".join(str(error).split()),
                        DATABASE_RETRY_SECONDS,
                    )
                    connections.close_all()
                    time.sleep(DATABASE_RETRY_SECONDS)
        finally:
            task_started.disconnect(dispatch_uid=HOLD)
            stopped.set()
            for thread in threads:
                thread.join()
