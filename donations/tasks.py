"""
The enquiry e-mails as a task of Django's tasks framework, so that no visitor waits for the mail server.

In production the tasks are rows in the database (django-tasks-db), queued in the same transaction as the
enquiry: they exist exactly when the enquiry does, and `manage.py db_worker` sends them, also after a crash
or a restart. In development and in the tests the immediate backend sends them at once, after the commit.
Both the queueing and the retries (safedigital.tasks.RETRY_DELAYS; after the last, the problem stays on the
enquiry for staff to see) are the site's for every e-mail (safedigital/tasks.py).
"""

from django.tasks import task

from safedigital.tasks import enqueue_with_the_transaction, retry_later

from . import emails


@task
def send_enquiry_emails(enquiry_id, acknowledge=True, attempt=1):
    """
    Tells the fundraising team of a new enquiry and, unless told not to, thanks the person; queues itself again
    for later when an e-mail could not be sent (a backend that runs tasks at once cannot wait, and does not).
    """
    failed = emails.send_enquiry_emails(enquiry_id, acknowledge=acknowledge)
    if failed:
        retry_later(send_enquiry_emails, attempt, enquiry_id, acknowledge)


def queue_enquiry_emails(enquiry_id, acknowledge=True):
    """Queues the e-mails of an enquiry being stored, to go out only once it is committed."""
    enqueue_with_the_transaction(send_enquiry_emails, enquiry_id, acknowledge)
