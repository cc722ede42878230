import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from donations.models import DonationEnquiry
from tests.factories import DonationEnquiryFactory

pytestmark = pytest.mark.django_db

Status = DonationEnquiry.Status


def aged(enquiry, created_days=0, updated_days=0):
    """Moves an enquiry back in time (auto_now fields can only be set by an update)."""
    now = timezone.now()
    DonationEnquiry.objects.filter(pk=enquiry.pk).update(
        created_at=now - datetime.timedelta(days=created_days),
        updated_at=now - datetime.timedelta(days=updated_days),
    )
    return enquiry


@pytest.fixture
def enquiries():
    return {
        "old spam": aged(DonationEnquiryFactory(name="Old spam", spam=True), 31, 31),
        "recent spam": aged(DonationEnquiryFactory(name="Recent spam", spam=True), 29, 29),
        "old, lately marked spam": aged(DonationEnquiryFactory(name="Lately marked spam", spam=True), 90, 29),
        "old closed": aged(DonationEnquiryFactory(name="Old closed", status=Status.CLOSED), 800, 731),
        "old declined": aged(DonationEnquiryFactory(name="Old declined", status=Status.DECLINED), 800, 731),
        "recently closed": aged(
            DonationEnquiryFactory(name="Recently closed", status=Status.CLOSED), 800, 729
        ),
        "old but open": aged(
            DonationEnquiryFactory(name="Old but open", status=Status.IN_DISCUSSION), 800, 731
        ),
        "old committed": aged(
            DonationEnquiryFactory(name="Old committed", status=Status.COMMITTED), 800, 731
        ),
    }


def run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def names():
    return set(DonationEnquiry.objects.filter(anonymised_at__isnull=True).values_list("name", flat=True))


def test_dry_run_says_what_it_would_do_and_changes_nothing(enquiries):
    output = run("--dry-run")

    assert output == (
        "Dry run: would delete 1 suspected spam enquiry unchanged for 30 days.\n"
        "Dry run: would anonymise 2 declined or closed enquiries unchanged for 730 days.\n"
    )
    assert DonationEnquiry.objects.count() == 8
    assert DonationEnquiry.objects.filter(anonymised_at__isnull=False).count() == 0


def test_deletes_old_spam_and_anonymises_old_ended_enquiries(enquiries):
    output = run()

    assert output == (
        "Deleted 1 suspected spam enquiry unchanged for 30 days.\n"
        "Anonymised 2 declined or closed enquiries unchanged for 730 days.\n"
    )
    assert not DonationEnquiry.objects.filter(pk=enquiries["old spam"].pk).exists()
    assert names() == {
        "Recent spam",
        "Lately marked spam",
        "Recently closed",
        "Old but open",
        "Old committed",
    }
    anonymised = DonationEnquiry.objects.get(pk=enquiries["old closed"].pk)
    assert (anonymised.name, anonymised.email, anonymised.message) == ("", "", "")
    assert (anonymised.status, anonymised.kind, anonymised.country.code) == (
        Status.CLOSED,
        "foundation",
        "GB",
    )


def test_running_again_changes_nothing(enquiries):
    run()

    output = run()

    assert output == (
        "Deleted 0 suspected spam enquiries unchanged for 30 days.\n"
        "Anonymised 0 declined or closed enquiries unchanged for 730 days.\n"
    )
    assert DonationEnquiry.objects.count() == 7


def test_one_day_is_said_as_one(enquiries, settings):
    settings.DONATION_SPAM_RETENTION_DAYS = 1
    settings.DONATION_RETENTION_DAYS = 1

    output = run("--dry-run")

    assert "unchanged for 1 day.\n" in output
    assert "days" not in output


def test_periods_come_from_the_settings(enquiries, settings):
    settings.DONATION_SPAM_RETENTION_DAYS = 7
    settings.DONATION_RETENTION_DAYS = 365

    output = run("--dry-run")

    assert output == (
        "Dry run: would delete 3 suspected spam enquiries unchanged for 7 days.\n"
        "Dry run: would anonymise 3 declined or closed enquiries unchanged for 365 days.\n"
    )


def test_an_enquiry_marked_as_spam_by_mistake_stays_for_the_spam_period_whatever_its_age(client, fundraiser):
    enquiry = aged(DonationEnquiryFactory(status=Status.IN_DISCUSSION, notes="Call back in June"), 90, 90)
    client.force_login(fundraiser)
    client.post(
        reverse("admin:donations_donationenquiry_changelist"),
        {"action": "mark_spam", "_selected_action": [enquiry.pk]},
    )
    assert DonationEnquiry.objects.get(pk=enquiry.pk).is_spam

    run()

    assert DonationEnquiry.objects.filter(pk=enquiry.pk).exists()
