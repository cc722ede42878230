import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from safedigital.countries import CountryField
from safedigital.models import ChoiceLabelsMixin, TimeStampedModel

# The longest internal notes may be: a history of calls and meetings, not documents (which belong elsewhere).
NOTES_MAX_LENGTH = 10_000

# What anonymisation blanks: everything that names or reaches a person, or that they or staff wrote about them.
PERSONAL_FIELDS = ("name", "email", "organisation", "phone", "message", "notes", "notification_error")


def normalise_line_breaks(text):
    """
    The text with each line break one line feed: a browser sends a textarea's line breaks as CRLF (as HTML says
    it must), while the person typing, and the browser's own maxlength, count each as one character.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


class SupportKind(models.TextChoices):
    """What kind of support a donor has in mind."""

    INDIVIDUAL = "individual", _("Individual gift")
    FOUNDATION = "foundation", _("Foundation or trust")
    COMPANY = "company", _("Company partnership")
    GOVERNMENT = "government", _("Government or multilateral")
    OTHER = "other", _("Other")


class BudgetBand(models.TextChoices):
    """Rough size of the support, in US dollars."""

    UNDER_10K = "under_10k", _("Under US$10,000")
    FROM_10K = "10k_50k", _("US$10,000 to US$50,000")
    FROM_50K = "50k_250k", _("US$50,000 to US$250,000")
    FROM_250K = "250k_1m", _("US$250,000 to US$1 million")
    OVER_1M = "over_1m", _("Over US$1 million")
    DISCUSS = "discuss", _("I would prefer to discuss it")


class EnquiryStatus(models.TextChoices):
    """Where an enquiry is in the fundraisers' pipeline."""

    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    IN_DISCUSSION = "in_discussion", _("In discussion")
    COMMITTED = "committed", _("Committed")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")

    @classmethod
    def open_values(cls):
        return [cls.NEW, cls.CONTACTED, cls.IN_DISCUSSION]


def same_address_key(email):
    """What two spellings of one address share, capitals aside: their small letters and their capitals."""
    email = email.strip()
    return email.lower(), email.upper()


class DonationEnquiryQuerySet(models.QuerySet):
    def genuine(self):
        return self.filter(is_spam=False)

    def spam(self):
        return self.filter(is_spam=True)

    def open(self):
        """Enquiries the fundraisers are still working: not committed, declined or closed."""
        return self.filter(status__in=DonationEnquiry.Status.open_values())

    def overdue(self):
        """Open enquiries whose next action date has passed."""
        return self.open().filter(next_action_on__lt=timezone.localdate())

    def for_emails(self, emails):
        """
        Every enquiry sent from any of these addresses, whatever their capitals, and none from another address.
        The database's case-insensitive match (capitals on both sides) also takes different letters that share a
        capital for one: "ı" and "i" are both "I", "ſ" and "s" both "S". A look-alike address ("victim@gmaıl.com")
        then found another person's enquiries, for a subject-access download or an erasure. So the database finds
        the candidates, and an address is taken only when it is the same in small letters and in capitals alike.
        """
        addresses = {email.strip() for email in emails if email and email.strip()}
        if not addresses:
            return self.none()
        condition = Q()
        for address in addresses:
            condition |= Q(email__iexact=address)
        wanted = {same_address_key(address) for address in addresses}
        candidates = self.filter(condition).values_list("pk", "email")
        return self.filter(pk__in=[pk for pk, email in candidates if same_address_key(email) in wanted])

    def spam_past_retention(self):
        """
        Suspected spam untouched for the spam retention period: counted from the last change, so an enquiry
        marked as spam by mistake stays that long for someone to notice, whatever its age.
        """
        cutoff = timezone.now() - timedelta(days=settings.DONATION_SPAM_RETENTION_DAYS)
        return self.spam().filter(updated_at__lt=cutoff)

    def ended_past_retention(self):
        """Declined and closed enquiries, not yet anonymised, untouched for the retention period."""
        cutoff = timezone.now() - timedelta(days=settings.DONATION_RETENTION_DAYS)
        return self.genuine().filter(
            status__in=[DonationEnquiry.Status.DECLINED, DonationEnquiry.Status.CLOSED],
            anonymised_at__isnull=True,
            updated_at__lt=cutoff,
        )

    @transaction.atomic
    def set_status(self, status, by=None):
        """Moves every enquiry here to `status`, recording who did it. Returns the keys of those that changed."""
        changing = list(self.exclude(status=status).values_list("pk", "status"))
        StatusChange.objects.bulk_create(
            StatusChange(enquiry_id=pk, from_status=old, to_status=status, changed_by=by)
            for pk, old in changing
        )
        DonationEnquiry.objects.filter(pk__in=[pk for pk, _old in changing]).update(
            status=status, updated_at=timezone.now()
        )
        return [pk for pk, _old in changing]

    @transaction.atomic
    def anonymise(self):
        """
        Blanks the personal data of these enquiries, and their names in the admin's change log, keeping what
        is not personal (kind, budget band, country, status, dates) for the fundraisers' figures. Returns how many.
        """
        pks = list(self.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
        if not pks:
            return 0
        DonationEnquiry.objects.filter(pk__in=pks).update(
            **dict.fromkeys(PERSONAL_FIELDS, ""),
            source_path="",
            newsletter_opt_in=False,
            anonymised_at=timezone.now(),
            updated_at=timezone.now(),
        )
        _scrub_admin_log(pks, _("Anonymised enquiry"))
        return len(pks)

    @transaction.atomic
    def purge(self):
        """Deletes these enquiries, and their names in the admin's change log. Returns how many."""
        pks = list(self.values_list("pk", flat=True))
        if not pks:
            return 0
        _scrub_admin_log(pks, _("Deleted enquiry"))
        DonationEnquiry.objects.filter(pk__in=pks).delete()
        return len(pks)


def _scrub_admin_log(pks, label):
    """The admin's LogEntry keeps each object's name (str()); replace it with a label and the number."""
    content_type = ContentType.objects.get_for_model(DonationEnquiry)
    LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in pks]).update(
        object_repr=Concat(Value(f"{label} #"), "object_id", output_field=models.CharField())
    )


class DonationEnquiry(TimeStampedModel):
    """Someone who wants to talk about funding the work, from the "Let's chat" form, and the team's follow-up."""

    Kind = SupportKind
    Budget = BudgetBand
    Status = EnquiryStatus

    # What the person sent.
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True, blank_label=_("Choose a country"))
    phone = PhoneNumberField(_("phone"), blank=True)
    kind = models.CharField(_("kind of support"), max_length=20, choices=Kind)
    budget = models.CharField(_("budget"), max_length=20, choices=Budget, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    privacy_consent = models.BooleanField(
        _("agreed to the privacy notice"),
        default=False,
        help_text=_("The person ticked the box saying they had read the privacy notice. Required."),
    )
    newsletter_opt_in = models.BooleanField(
        _("wants the newsletter"),
        default=False,
        help_text=_("The person ticked the separate box asking for the newsletter."),
    )

    # Where it came from.
    source_path = models.CharField(
        _("sent from the page"),
        max_length=500,
        blank=True,
        help_text=_("The page of this site the person was on before the form."),
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donation_enquiries",
        help_text=_("The event whose call to action led to the form, if any."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the page they used; the acknowledgement was written in it."),
    )
    form_token = models.UUIDField(
        _("form token"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("One per form served, so that a form sent twice is stored once."),
    )

    # The fundraisers' pipeline.
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donation_enquiries",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text=_("The member of staff looking after this enquiry."),
    )
    next_action_on = models.DateField(
        _("next action"),
        null=True,
        blank=True,
        help_text=_("When something should next happen. Shown as overdue once the day has passed."),
    )
    notes = models.TextField(
        _("internal notes"),
        blank=True,
        # A validator, not max_length: the form then says what is wrong beside the field, where a browser would
        # cut a long paste short without a word (a textarea's maxlength).
        validators=[
            MaxLengthValidator(
                NOTES_MAX_LENGTH,
                message=_(
                    "Internal notes can be at most %(limit_value)d characters long; these have %(show_value)d."
                ),
            )
        ],
        help_text=_("For staff only. The person can ask to see everything held about them, notes included."),
    )

    # Spam.
    is_spam = models.BooleanField(
        _("suspected spam"),
        default=False,
        help_text=_("Suspected spam is kept for a while but nobody is e-mailed about it."),
    )
    spam_reason = models.CharField(
        _("why it looks like spam"),
        max_length=500,
        blank=True,
        help_text=_("Filled in by the spam checks; needed when the enquiry is marked as spam."),
    )

    # What was sent out, and what went wrong.
    notified_at = models.DateTimeField(
        _("team e-mailed"), null=True, blank=True, help_text=_("When the fundraising team was e-mailed.")
    )
    acknowledged_at = models.DateTimeField(
        _("acknowledgement sent"),
        null=True,
        blank=True,
        help_text=_("When the person was sent the thank-you e-mail."),
    )
    notification_error = models.TextField(
        _("e-mail problem"),
        blank=True,
        help_text=_("Why an e-mail about this enquiry could not be sent. Empty when all went well."),
    )
    anonymised_at = models.DateTimeField(
        _("anonymised"),
        null=True,
        blank=True,
        help_text=_("When the personal data was erased, on request or at the end of the retention period."),
    )

    objects = DonationEnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("donation enquiry")
        verbose_name_plural = _("donation enquiries")
        permissions = [("export_donationenquiry", _("Can export donation enquiries"))]
        indexes = [
            models.Index(fields=["status", "is_spam"], name="enquiry_status_spam"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["form_token"], name="enquiry_form_token_unique"),
            models.CheckConstraint(
                condition=Q(privacy_consent=True),
                name="enquiry_has_privacy_consent",
                violation_error_message=_("An enquiry needs the person's agreement to the privacy notice."),
            ),
            models.CheckConstraint(
                condition=Q(is_spam=False) | ~Q(spam_reason=""),
                name="enquiry_spam_has_reason",
                violation_error_message=_("Say why this looks like spam."),
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=False) | (~Q(name="") & ~Q(email="")),
                name="enquiry_has_name_and_email",
            ),
            models.CheckConstraint(condition=Q(status__in=EnquiryStatus.values), name="enquiry_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=SupportKind.values), name="enquiry_kind_valid"),
            models.CheckConstraint(
                condition=Q(budget__in=["", *BudgetBand.values]),
                name="enquiry_budget_valid",
            ),
        ]

    def __str__(self):
        # Its number, never the person: Django writes str() into the admin's change log, its delete pages and
        # its messages, where fundraisers' names for donors must not be kept or shown to other staff.
        if self.anonymised_at:
            return _("Anonymised enquiry #%(pk)s") % {"pk": self.pk}
        return _("Enquiry #%(pk)s") % {"pk": self.pk}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        enquiry = super().from_db(db, field_names, values, **kwargs)
        # The notes as stored, so clean_fields() knows whether they were changed; unknown when they were deferred.
        if "notes" not in enquiry.get_deferred_fields():
            enquiry._stored_notes = enquiry.notes
        return enquiry

    def clean_fields(self, exclude=None):
        # The length limit applies to notes being written: notes stored longer before the limit existed
        # (migration 0004) do not stop the enquiry from being saved for another change, such as its status. Line
        # breaks stored as CRLF, before the admin form normalised them, do not make them a change.
        stored = getattr(self, "_stored_notes", None)
        if stored is not None and normalise_line_breaks(self.notes) == normalise_line_breaks(stored):
            exclude = {*(exclude or ()), "notes"}
        super().clean_fields(exclude=exclude)

    def clean(self):
        # The privacy consent rule is checked by its constraint (full_clean validates constraints); the form's
        # required checkbox says it beside the box.
        if self.is_spam and not self.spam_reason.strip():
            raise ValidationError({"spam_reason": _("Say why this looks like spam.")})

    @property
    def is_overdue(self):
        return (
            self.next_action_on is not None
            and self.status in self.Status.open_values()
            and self.next_action_on < timezone.localdate()
        )

    def save_once(self, then=None):
        """
        Stores a new enquiry unless one with the same form token exists (a double click, a resent POST), and
        calls `then()` in the same transaction once it is stored (to queue its e-mails with it: both or
        neither). Returns True when this call stored it. One transaction, with no savepoint when it is the
        outermost: a repeat rolls it all back, then is recognised by its token.
        """
        try:
            with transaction.atomic():
                self.save(force_insert=True)
                if then is not None:
                    then()
        except IntegrityError:
            # The token's unique constraint: the same form was stored before (or by a request racing this one).
            if DonationEnquiry.objects.filter(form_token=self.form_token).exists():
                return False
            raise
        return True

    def anonymise(self):
        DonationEnquiry.objects.filter(pk=self.pk).anonymise()
        self.refresh_from_db()


class StatusChange(ChoiceLabelsMixin, models.Model):
    """One move of an enquiry through the pipeline: from which status to which, who moved it and when."""

    enquiry = models.ForeignKey(
        DonationEnquiry, verbose_name=_("enquiry"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=DonationEnquiry.Status)
    to_status = models.CharField(_("to"), max_length=20, choices=DonationEnquiry.Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="status_change_changes_status"
            ),
        ]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
