"""
The enquiry e-mails as a task of Django's tasks framework, so that no visitor waits for the mail server.

In production the tasks are rows in the database (django-tasks-db), queued in the same transaction as the
enquiry: they exist exactly when the enquiry does, and `manage.py db_worker` sends them, also after a crash
or a restart. In development and in the tests the immediate backend sends them at once, after the commit.
"""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from . import emails

# How long after each failed attempt the e-mails not sent are tried again (a mail server down for a while, a
# greylisting); after the last, the problem stays on the enquiry for staff to see.
RETRY_DELAYS = [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=3)]


@task
def send_enquiry_emails(enquiry_id, acknowledge=True, attempt=1):
    """
    Tells the fundraising team of a new enquiry and, unless told not to, thanks the person; queues itself again
    for later when an e-mail could not be sent (a backend that runs tasks at once cannot wait, and does not).
    """
    failed = emails.send_enquiry_emails(enquiry_id, acknowledge=acknowledge)
    if failed and attempt <= len(RETRY_DELAYS) and send_enquiry_emails.get_backend().supports_defer:
        run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
        send_enquiry_emails.using(run_after=run_after).enqueue(enquiry_id, acknowledge, attempt + 1)


def queue_enquiry_emails(enquiry_id, acknowledge=True):
    """
    Queues the e-mails of an enquiry being stored, to go out only once it is committed: in its transaction
    when the tasks are kept in the database, after the commit when a backend would run them at once.
    """
    if isinstance(send_enquiry_emails.get_backend(), DatabaseBackend):
        send_enquiry_emails.enqueue(enquiry_id, acknowledge)
    else:
        transaction.on_commit(partial(send_enquiry_emails.enqueue, enquiry_id, acknowledge), robust=True)
