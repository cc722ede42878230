"""
`manage.py db_worker`: django-tasks-db's worker, which also puts back in the queue the tasks a worker stopped in
the middle of (killed, out of memory, its machine restarted). django-tasks-db leaves such a task "running" for
ever: an enquiry's e-mails would never go out, a gallery photo would never be resized.

A task still running `TASK_STUCK_MINUTES` after it started is taken for one whose worker stopped: ours take
seconds (an e-mail gives up after `EMAIL_TIMEOUT`). Each worker looks when it starts, then every minute.
Running one of ours again is safe: an e-mail already sent is not sent again (donations.emails), and a photo's
renditions are made again and stored only for the image they were made from (events.tasks).

A worker also outlives a moment without the database (a restart, a fail-over, a network blip): django-tasks-db's
stops at the first error, and beside gunicorn (`make serve`) nothing would start it again, so the e-mails would
wait for ever. It says so in the log and tries again every `DATABASE_RETRY_SECONDS`.

The safedigital app comes before django_tasks_db in INSTALLED_APPS, so that `db_worker` is this command.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 60
DATABASE_RETRY_SECONDS = 5


def requeue_stuck_tasks():
    """Puts the tasks running for longer than `TASK_STUCK_MINUTES` back in the queue; returns how many."""
    minutes = settings.TASK_STUCK_MINUTES
    stuck = DBTaskResult.objects.running().filter(started_at__lt=timezone.now() - timedelta(minutes=minutes))
    count = stuck.update(status=TaskResultStatus.READY)
    if count:
        logger.warning(
            "%d task(s) still running after %d minutes, their worker gone: queued again", count, minutes
        )
    return count


def sweep(stopped, interval=SWEEP_SECONDS):
    """Requeues stuck tasks every `interval` seconds until `stopped` is set; in a thread of its own."""
    while not stopped.wait(interval):
        try:
            requeue_stuck_tasks()
        except Exception:
            logger.exception("Could not look for tasks whose worker stopped")
        finally:
            connections.close_all()  # this thread's own connections


class Command(db_worker.Command):
    help = (
        "Runs the background tasks kept in the database (the enquiry e-mails, gallery photos' renditions), and "
        "queues again those a stopped worker left running (for longer than TASK_STUCK_MINUTES)."
    )

    def handle(self, *args, batch=False, **options):
        sweeping = False
        while True:
            try:
                requeue_stuck_tasks()
                if not batch and not sweeping:  # a batch run stops when the queue is empty
                    threading.Thread(
                        target=sweep, args=(threading.Event(),), daemon=True, name="stuck-tasks"
                    ).start()
                    sweeping = True
                return super().handle(*args, batch=batch, **options)
            except (OperationalError, InterfaceError) as error:
                # The message names the server, never a task's data. A task it was running when the database
                # went is taken for stuck, and queued again, once TASK_STUCK_MINUTES have passed.
                logger.warning(
                    "The database did not answer (%s); trying again in %d s",
                    " ".join(str(error).split()),
                    DATABASE_RETRY_SECONDS,
                )
                connections.close_all()
                time.sleep(DATABASE_RETRY_SECONDS)
