"""
The site's e-mails as tasks of Django's tasks framework (kept in the database in production, django-tasks-db, and
sent by `manage.py db_worker`), and how every app queues one: in the transaction of what it is about, so that
it exists exactly when that was committed, and no request waits for the mail server.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger(__name__)

# How long after each failed attempt an e-mail not sent is tried again (a mail server down for a while, a
# greylisting).
RETRY_DELAYS = [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=3)]


def enqueue_with_the_transaction(task_function, *args):
    """
    Queues the task to run once the current transaction is committed: in the transaction itself when the tasks
    are kept in the database, after the commit when a backend would run them at once.
    """
    if isinstance(task_function.get_backend(), DatabaseBackend):
        task_function.enqueue(*args)
    else:
        transaction.on_commit(partial(task_function.enqueue, *args), robust=True)


def retry_later(task_function, attempt, *args):
    """Queues the task again, for its next attempt after the next delay; False after the last one."""
    if attempt > len(RETRY_DELAYS) or not task_function.get_backend().supports_defer:
        return False
    run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
    task_function.using(run_after=run_after).enqueue(*args, attempt + 1)
    return True


@task
def send_fundraising_notice(subject, body, attempt=1):
    """
    The fundraising team's e-mail that an account was given access to donors' data (safedigital.admin), tried
    again later when the mail server fails.
    """
    try:
        send_mail(subject, body, None, settings.FUNDRAISING_EMAILS)
    except Exception:
        retried = retry_later(send_fundraising_notice, attempt, subject, body)
        logger.exception(
            "The e-mail telling the fundraising team of a change of access could not be sent%s.",
            "; it will be tried again" if retried else "",
        )
