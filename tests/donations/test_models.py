import datetime
import importlib
import uuid

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from donations.models import DonationEnquiry, StatusChange
from tests.factories import DonationEnquiryFactory, StaffUserFactory, StatusChangeFactory

pytestmark = pytest.mark.django_db

Status = DonationEnquiry.Status


def test_an_enquiry_is_named_by_its_number_never_by_the_person():
    enquiry = DonationEnquiryFactory.build(pk=42, name="Ana", organisation="Horizonte")
    assert str(enquiry) == "Enquiry #42"


def test_newest_enquiries_come_first():
    older = DonationEnquiryFactory()
    newer = DonationEnquiryFactory()

    assert list(DonationEnquiry.objects.all()) == [newer, older]


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"privacy_consent": False}, "enquiry_has_privacy_consent"),
        ({"is_spam": True, "spam_reason": ""}, "enquiry_spam_has_reason"),
        ({"name": ""}, "enquiry_has_name_and_email"),
        ({"email": ""}, "enquiry_has_name_and_email"),
        ({"status": "won"}, "enquiry_status_valid"),
        ({"kind": "bribe"}, "enquiry_kind_valid"),
        ({"budget": "billions"}, "enquiry_budget_valid"),
    ],
)
def test_database_refuses_a_broken_enquiry(changes, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        DonationEnquiryFactory(**changes)


def test_internal_notes_are_validated_to_at_most_10000_characters():
    enquiry = DonationEnquiryFactory.build(notes="x" * 10_001)

    with pytest.raises(ValidationError) as refused:
        enquiry.full_clean()

    assert refused.value.message_dict == {
        "notes": ["Internal notes can be at most 10000 characters long; these have 10001."]
    }
    enquiry.notes = "x" * 10_000
    enquiry.full_clean()


def test_notes_stored_longer_than_the_limit_are_validated_only_once_changed():
    DonationEnquiryFactory(notes="x" * 12_000)
    enquiry = DonationEnquiry.objects.get()
    enquiry.status = DonationEnquiry.Status.CONTACTED

    enquiry.full_clean()

    enquiry.notes += " Called again."
    with pytest.raises(ValidationError) as refused:
        enquiry.full_clean()
    assert refused.value.message_dict == {
        "notes": ["Internal notes can be at most 10000 characters long; these have 12014."]
    }


def test_database_refuses_a_second_enquiry_with_the_same_form_token():
    token = uuid.uuid4()
    DonationEnquiryFactory(form_token=token)

    with pytest.raises(IntegrityError), transaction.atomic():
        DonationEnquiryFactory(form_token=token)


def test_an_anonymised_enquiry_may_have_no_name_or_email():
    DonationEnquiryFactory(name="", email="", anonymised_at=timezone.now())

    assert DonationEnquiry.objects.count() == 1


def test_full_clean_explains_the_rules_beside_the_fields():
    enquiry = DonationEnquiryFactory.build(privacy_consent=False, is_spam=True, spam_reason=" ")

    with pytest.raises(ValidationError) as caught:
        enquiry.full_clean()

    assert caught.value.message_dict["spam_reason"] == ["Say why this looks like spam."]
    assert caught.value.message_dict["__all__"] == [
        "An enquiry needs the person's agreement to the privacy notice."
    ]


def test_save_once_stores_a_token_once():
    first = DonationEnquiryFactory.build()
    again = DonationEnquiryFactory.build(form_token=first.form_token)

    assert first.save_once() is True
    assert again.save_once() is False
    assert DonationEnquiry.objects.count() == 1


def test_save_once_does_what_follows_in_the_enquiry_s_transaction_and_only_once():
    done = []
    first = DonationEnquiryFactory.build()
    again = DonationEnquiryFactory.build(form_token=first.form_token)

    assert first.save_once(then=lambda: done.append(DonationEnquiry.objects.get().pk)) is True
    assert again.save_once(then=lambda: done.append("again")) is False
    assert done == [first.pk]


def test_an_enquiry_whose_follow_up_fails_is_not_stored():
    def fail():
        raise RuntimeError("the e-mails could not be queued")

    with pytest.raises(RuntimeError):
        DonationEnquiryFactory.build().save_once(then=fail)

    assert not DonationEnquiry.objects.exists()


@pytest.mark.parametrize(
    ("status", "days_from_today", "overdue"),
    [
        (Status.NEW, -1, True),
        (Status.IN_DISCUSSION, -30, True),
        (Status.CONTACTED, 0, False),
        (Status.CONTACTED, 3, False),
        (Status.CLOSED, -1, False),
        (Status.COMMITTED, -1, False),
    ],
)
def test_overdue_means_an_open_enquiry_past_its_next_action(status, days_from_today, overdue):
    enquiry = DonationEnquiryFactory(
        status=status, next_action_on=timezone.localdate() + datetime.timedelta(days=days_from_today)
    )

    assert enquiry.is_overdue is overdue
    assert list(DonationEnquiry.objects.overdue()) == ([enquiry] if overdue else [])


def test_for_emails_matches_whatever_the_capitals():
    ana = DonationEnquiryFactory(email="Ana@Fundacion.example")
    ana_again = DonationEnquiryFactory(email="ana@fundacion.example")
    DonationEnquiryFactory(email="someone@else.example")

    assert set(DonationEnquiry.objects.for_emails(["ANA@fundacion.EXAMPLE"])) == {ana, ana_again}
    assert list(DonationEnquiry.objects.for_emails([])) == []


def test_for_emails_matches_accented_capitals_on_every_database():
    # Addresses may hold letters beyond ASCII (RFC 6531). An erasure request typed "josé@…" must find what
    # "JOSÉ@…" sent, and the other way round, on SQLite (whose LIKE and UPPER fold ASCII alone) as on PostgreSQL.
    capitals = DonationEnquiryFactory(email="JOSÉ.ÑANDÚ@FUNDACIÓN.example")
    small = DonationEnquiryFactory(email="josé.ñandú@fundación.example")
    DonationEnquiryFactory(email="jose.nandu@fundacion.example")

    assert set(DonationEnquiry.objects.for_emails(["josé.ñandú@fundación.example"])) == {capitals, small}
    assert set(DonationEnquiry.objects.for_emails(["José.Ñandú@Fundación.example"])) == {capitals, small}


@pytest.mark.parametrize(
    ("someones", "look_alike"),
    [
        ("victim@gmail.com", "victim@gmaıl.com"),  # a dotless i: "ı".upper() == "I"
        ("sam@fundacion.example", "ſam@fundacion.example"),  # a long s: "ſ".upper() == "S"
        ("kate@fundacion.example", "\u212aate@fundacion.example"),  # the Kelvin sign: "K".lower() == "k"
    ],
)
def test_for_emails_never_takes_a_look_alike_address_for_someone_elses(someones, look_alike):
    # A subject-access download or an erasure asked from a look-alike address must not reach another person's.
    other_person = DonationEnquiryFactory(email=someones)
    asker = DonationEnquiryFactory(email=look_alike)

    assert set(DonationEnquiry.objects.for_emails([look_alike])) == {asker}
    assert set(DonationEnquiry.objects.for_emails([someones])) == {other_person}


def test_set_status_records_who_changed_what():
    fundraiser = StaffUserFactory()
    new = DonationEnquiryFactory(status=Status.NEW)
    contacted = DonationEnquiryFactory(status=Status.CONTACTED)

    changed = DonationEnquiry.objects.all().set_status(Status.CONTACTED, by=fundraiser)

    assert changed == [new.pk]
    assert set(DonationEnquiry.objects.values_list("status", flat=True)) == {Status.CONTACTED}
    change = StatusChange.objects.get()
    assert (change.enquiry, change.from_status, change.to_status, change.changed_by) == (
        new,
        Status.NEW,
        Status.CONTACTED,
        fundraiser,
    )
    assert str(change) == "New → Contacted"
    assert contacted.status_changes.count() == 0


def test_a_status_change_must_change_the_status():
    with pytest.raises(IntegrityError, match="status_change_changes_status"), transaction.atomic():
        StatusChangeFactory(from_status=Status.NEW, to_status=Status.NEW)


def test_anonymise_blanks_personal_data_and_keeps_the_figures():
    enquiry = DonationEnquiryFactory(
        phone="+441632960961", notes="Met at the reception.", newsletter_opt_in=True, source_path="/events/x/"
    )
    content_type = ContentType.objects.get_for_model(DonationEnquiry)
    LogEntry.objects.create(
        user=StaffUserFactory(),
        content_type=content_type,
        object_id=str(enquiry.pk),
        object_repr=str(enquiry),
        action_flag=CHANGE,
    )

    enquiry.anonymise()

    assert (enquiry.name, enquiry.email, enquiry.organisation, str(enquiry.phone)) == ("", "", "", "")
    assert (enquiry.message, enquiry.notes, enquiry.source_path) == ("", "", "")
    assert enquiry.newsletter_opt_in is False
    assert enquiry.anonymised_at is not None
    assert (enquiry.kind, enquiry.budget, enquiry.country.code) == ("foundation", "50k_250k", "GB")
    assert str(enquiry) == f"Anonymised enquiry #{enquiry.pk}"
    assert LogEntry.objects.get().object_repr == f"Anonymised enquiry #{enquiry.pk}"


def test_anonymising_twice_changes_nothing_the_second_time():
    DonationEnquiryFactory()

    assert DonationEnquiry.objects.anonymise() == 1
    assert DonationEnquiry.objects.anonymise() == 0


def test_migrating_back_past_the_search_leaves_the_unaccent_extension_in_place():
    """
    The extension may be a superuser's (README: "Running in production"), which the site's role may not drop: taking
    the migration back tried, and stopped with "must be owner of extension unaccent".
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    migration = importlib.import_module("donations.migrations.0003_unaccent_extension").Migration
    (operation,) = migration.operations

    with connection.schema_editor() as editor:
        operation.database_backwards("donations", editor, None, None)

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        assert cursor.fetchone() == (1,)
