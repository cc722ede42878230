from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.defaultfilters import pluralize

from donations.models import DonationEnquiry


class Command(BaseCommand):
    help = (
        "Applies the retention periods to donation enquiries: deletes suspected spam unchanged for "
        "DONATION_SPAM_RETENTION_DAYS and anonymises declined and closed enquiries untouched for "
        "DONATION_RETENTION_DAYS. Safe to run as often as you like (e.g. daily from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be deleted and anonymised, and change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        spam = DonationEnquiry.objects.spam_past_retention()
        ended = DonationEnquiry.objects.ended_past_retention()
        if dry_run:
            self.stdout.write(f"Dry run: would delete {spam_enquiries(spam.count())}.")
            self.stdout.write(f"Dry run: would anonymise {ended_enquiries(ended.count())}.")
            return
        with transaction.atomic():
            deleted = spam.purge()
            anonymised = ended.anonymise()
        self.stdout.write(self.style.SUCCESS(f"Deleted {spam_enquiries(deleted)}."))
        self.stdout.write(self.style.SUCCESS(f"Anonymised {ended_enquiries(anonymised)}."))


def spam_enquiries(count):
    """ "1 suspected spam enquiry unchanged for 30 days", "2 … enquiries …"."""
    days = settings.DONATION_SPAM_RETENTION_DAYS
    return (
        f"{count} suspected spam enquir{pluralize(count, 'y,ies')} unchanged for {days} day{pluralize(days)}"
    )


def ended_enquiries(count):
    days = settings.DONATION_RETENTION_DAYS
    return f"{count} declined or closed enquir{pluralize(count, 'y,ies')} unchanged for {days} day{pluralize(days)}"
