"""
The enquiry e-mails as a task of Django's tasks framework, so that no visitor waits for the mail server.

In production the tasks are rows in the database (django-tasks-db), queued in the same transaction as the
enquiry: they exist exactly when the enquiry does, and `manage.py db_worker` sends them, also after a crash
or a restart. In development and in the tests the immediate backend sends them at once, after the commit.
"""

from functools import partial

from django.db import transaction
from django.tasks import task
from django_tasks_db.backend import DatabaseBackend

from . import emails


@task
def send_enquiry_emails(enquiry_id, acknowledge=True):
    """Tells the fundraising team of a new enquiry and, unless told not to, thanks the person."""
    emails.send_enquiry_emails(enquiry_id, acknowledge=acknowledge)


def queue_enquiry_emails(enquiry_id, acknowledge=True):
    """
    Queues the e-mails of an enquiry being stored, to go out only once it is committed: in its transaction
    when the tasks are kept in the database, after the commit when a backend would run them at once.
    """
    if isinstance(send_enquiry_emails.get_backend(), DatabaseBackend):
        send_enquiry_emails.enqueue(enquiry_id, acknowledge)
    else:
        transaction.on_commit(partial(send_enquiry_emails.enqueue, enquiry_id, acknowledge), robust=True)
