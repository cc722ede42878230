import re
import zoneinfo
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, StringAgg, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from safedigital.countries import CountryField
from safedigital.models import (
    LANGUAGES,
    ChoiceLabelsMixin,
    ConstraintsToldBesideFields,
    RenditionsMixin,
    RichTextField,
    TimeStampedModel,
)
from safedigital.timezones import validate_time_zone
from safedigital.uploads import CheckedImageField, RandomName, validate_pdf


def default_time_zone():
    """An event's time zone unless told: the site's (TIME_ZONE), in which its times were entered before."""
    return settings.TIME_ZONE


class Organisation(RenditionsMixin, TimeStampedModel):
    """A body that takes part: co-host, partner, government, agency, company, outlet's owner, donor."""

    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO or civil society")
        GOVERNMENT = "government", _("Government")
        UN_AGENCY = "un_agency", _("UN agency or intergovernmental body")
        INDUSTRY = "industry", _("Industry")
        DONOR = "donor", _("Donor or foundation")
        MEDIA = "media", _("Media")
        ACADEMIA = "academia", _("Academia or research")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True, help_text=_("E.g. “UNICEF”."))
    website = models.URLField(_("website"), blank=True)
    logo = CheckedImageField(
        _("logo"), upload_to=RandomName("logos"), blank=True,
        help_text=_("JPEG, PNG or WebP. Its alt text is the organisation's name."),
    )  # fmt: skip
    logo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NGO)
    country = CountryField(_("country"), blank=True)

    history = HistoricalRecords()
    rendition_fields = {"logo": "logo_renditions"}

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A pillar of the work (robust legislation, safety by design, …): pledges are tagged with them."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes (pillars)")

    def __str__(self):
        return self.name


def unshown(relation, model, shown):
    """
    For `defer()`: the fields of `model`, reached through `relation` ("speaker__organisation"), other than those
    named in `shown` (which also names those that select_related follows). A record a page shows little of is
    built without reading the rest, such as a logo's renditions (decoded from JSON) or its timestamps.
    """
    return [
        f"{relation}__{field.name}"
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in shown
    ]


class EventQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and the publish time has come. The only definition of it."""
        return self.filter(status=Event.Status.PUBLISHED, publish_at__lte=timezone.now())

    def visible_to(self, user):
        """Staff who can view events also see drafts (as previews); everyone else sees published events."""
        if user.is_authenticated and user.is_staff and user.has_perm("events.view_event"):
            return self.all()
        return self.published()

    def upcoming(self):
        return self.filter(end_date__gte=timezone.localdate()).order_by("start_date")

    def past(self):
        return self.filter(end_date__lt=timezone.localdate()).order_by("-start_date")

    def with_figures(self):
        """What the headline figures count (see events.figures), loaded in a fixed number of queries."""
        return self.prefetch_related(
            models.Prefetch("figures", queryset=HeadlineFigure.objects.filter(hidden=False)),
            models.Prefetch(
                "sessions",
                queryset=Session.objects.prefetch_related(
                    models.Prefetch(
                        "participations",
                        queryset=Participation.objects.select_related("speaker"),
                        to_attr="participants",
                    )
                ),
                to_attr="programme",
            ),
            "pledges",
        )

    def with_programme(self):
        """
        Everything a highlights page shows, loaded in a fixed number of queries whatever the event's size;
        whether public satellite events fed into it is known with the event, so that only a page that lists
        them asks for them (Event.public_satellites). The sessions are the list `event.programme`, and each
        one's participations the list `session.participants`, as with `with_figures()`: read many times per
        page, a related manager's `.all()` built a manager each time.
        """
        satellites = Event.objects.published().filter(parent=models.OuterRef("pk"))
        speakers = Participation.objects.select_related("speaker__organisation").defer(
            *unshown("speaker", Speaker, shown=SPEAKER_SHOWN),
            *unshown("speaker__organisation", Organisation, shown={"name"}),
        )
        partners = EventPartner.objects.select_related("organisation").defer(
            *unshown("organisation", Organisation, shown={"name", "website", "logo_renditions"})
        )
        return (
            self.select_related("parent")
            .defer(*unshown("parent", Event, shown={"title", "slug", "status", "publish_at"}))
            .annotate(has_public_satellites=models.Exists(satellites))
            .prefetch_related(
                "pillars",
                models.Prefetch("partners", queryset=partners),
                models.Prefetch("figures", queryset=HeadlineFigure.objects.filter(hidden=False)),
                models.Prefetch(
                    "sessions",
                    queryset=Session.objects.prefetch_related(
                        models.Prefetch("participations", queryset=speakers, to_attr="participants")
                    ),
                    to_attr="programme",
                ),
                "videos",
                "resources",
            )
        )


class Event(RenditionsMixin, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The end of the event's address, as in /events/safe-digital-futures/."),
    )
    strapline = models.CharField(_("strapline"), max_length=250, blank=True)
    summary = models.TextField(
        _("summary"),
        help_text=_("One or two plain sentences: the page's introduction and its search description."),
    )
    body = RichTextField(
        _("introduction"), blank=True,
        help_text=_("Formatted text shown after the summary. Links and emphasis are kept; anything else is removed."),
    )  # fmt: skip
    pillars_heading = models.CharField(_("pillars heading"), max_length=250, blank=True)
    pillars = models.ManyToManyField(Theme, verbose_name=_("pillars"), blank=True, related_name="events")
    outcomes = RichTextField(
        _("outcomes"),
        blank=True,
        help_text=_("Formatted text shown after the pillars: what the event achieved."),
    )
    closing = RichTextField(
        _("closing text"),
        blank=True,
        help_text=_(
            "Formatted text shown at the end of the page, after the photos: e.g. the hashtags to share."
        ),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone],
        help_text=_(
            "Where the event takes place, e.g. America/Bogota: the times on this page (the programme's and the "
            "publish time) are entered in it, and the programme shows them in it."
        ),
    )  # fmt: skip
    hero_image = CheckedImageField(_("hero image"), upload_to=RandomName("events"), blank=True)
    hero_image_alt = models.CharField(
        _("hero image alt text"), max_length=250, blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required to publish."),
    )  # fmt: skip
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish time"), null=True, blank=True,
        help_text=_("A published event is public from this moment. Empty when published means now."),
    )  # fmt: skip
    featured = models.BooleanField(_("featured on the home page"), default=False)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        help_text=_("The larger event this one fed into, e.g. a Ministerial Conference."),
    )  # fmt: skip
    attendees_in_person = models.PositiveIntegerField(_("attendees in person"), null=True, blank=True)
    global_audience = models.PositiveIntegerField(
        _("global audience"),
        null=True,
        blank=True,
        help_text=_("People who followed online, as counted by staff."),
    )

    objects = EventQuerySet.as_manager()
    # The pillars too: without m2m_fields a change of them was recorded as a change of nothing.
    history = HistoricalRecords(excluded_fields=["hero_renditions"], m2m_fields=["pillars"])
    rendition_fields = {"hero_image": "hero_renditions"}

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(hero_image="") & ~Q(hero_image_alt="")),
                name="published_event_has_hero_with_alt",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("An event ends on or after the day it starts.")
        if self.parent_id and self.pk and self._is_ancestor_of(self.parent_id):
            errors["parent"] = _("An event cannot be part of itself, or of an event that is part of it.")
        if self.status == self.Status.PUBLISHED:
            if not self.hero_image:
                errors["hero_image"] = _("A published event needs a hero image.")
            if not self.hero_image_alt.strip():
                errors["hero_image_alt"] = _("A published event's hero image needs alt text.")
        if errors:
            raise ValidationError(errors)

    def _is_ancestor_of(self, event_id):
        """Whether this event is the event `event_id`, or one that `event_id` is part of (its parent, …)."""
        seen = set()
        while event_id is not None and event_id not in seen:
            if event_id == self.pk:
                return True
            seen.add(event_id)
            event_id = Event.objects.filter(pk=event_id).values_list("parent_id", flat=True).first()
        return False

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        super().save(*args, **kwargs)

    def pledges_and_galleries(self):
        """
        What a highlights page shows beside `Event.objects.with_programme()`, each in one query: the pledges
        made at this event and at its public parent, with their themes' names, and the galleries' photos.
        Returns (pledges, the parent's pledges, [(gallery, photos), …] for the galleries that have photos
        resized). The galleries and photos are dicts of what the page shows of them (a gallery's pk, title and
        description; a photo's alt text, caption, credit and renditions), read as values: as records, each of
        a gallery's photos built its gallery again, and they cost the page twice as much.
        """
        parent_id = self.public_parent.pk if self.public_parent else None
        pledges = list(
            CountryPledge.objects.filter(event_id__in=[self.pk, parent_id] if parent_id else [self.pk])
            .with_theme_names()
            .order_by("pk")
        )
        photos = Photo.objects.filter(gallery__event=self).values(
            "alt_text", "caption", "credit", "renditions",
            "gallery__order", "gallery", "gallery__title", "gallery__description",
        )  # fmt: skip
        galleries = {}
        for photo in photos:
            if photo["renditions"]:  # not one still waiting for the task worker to resize it (events.tasks)
                gallery = (
                    photo["gallery__order"],
                    photo["gallery"],
                    photo["gallery__title"],
                    photo["gallery__description"],
                )
                galleries.setdefault(gallery, []).append(photo)
        return (
            [pledge for pledge in pledges if pledge.event_id == self.pk],
            [pledge for pledge in pledges if pledge.event_id == parent_id],
            [
                ({"pk": pk, "title": title, "description": description}, photos)
                for (_order, pk, title, description), photos in sorted(galleries.items())
            ],
        )

    @property
    def zone(self):
        """The event's time zone (the site's, should the stored one be unknown to this machine)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def public_satellites(self):
        """The public events that fed into this one (its satellite events), the earliest first."""
        if getattr(self, "has_public_satellites", True) is False:  # known already (with_programme): none
            return []
        return list(self.children.published().order_by("start_date", "pk"))

    @property
    def public_parent(self):
        """The larger event this one fed into, when the public may see it (a draft's title is never shown)."""
        return self.parent if self.parent and self.parent.is_public else None

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )


class EventPartner(ConstraintsToldBesideFields, ChoiceLabelsMixin, models.Model):
    constraints_told_beside = {"partner_once_per_event": ("organisation", "organisation_taken")}

    class Role(models.TextChoices):
        CO_HOST = "co_host", _("Co-host")
        SUPPORTING = "supporting", _("Supporting partner")
        MEDIA = "media", _("Media partner")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.SUPPORTING)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="partner_once_per_event"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def organisation_taken(self):
        return _("“%(organisation)s” is already among this event's partners.") % {
            "organisation": self.organisation.name
        }


class Session(TimeStampedModel):
    """An item of the programme: opening, panel, film screening, closing, …"""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel")
        FILM_SCREENING = "film", _("Film screening")
        CLOSING = "closing", _("Closing remarks")
        INTERVIEWS = "interviews", _("Interviews")
        RECEPTION = "reception", _("Reception")
        MEDIA_BRIEFING = "media_briefing", _("Media briefing")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PANEL)
    title = models.CharField(_("title"), max_length=250)
    summary = RichTextField(
        _("summary"), blank=True, help_text=_("Formatted text: what was said and decided.")
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    speakers = models.ManyToManyField("Speaker", through="Participation", related_name="sessions")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("programme (sessions)")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("A session ends after it starts.")})
        try:
            event = self.event
        except Event.DoesNotExist:
            event = None
        if self.starts_at and event is not None and event.start_date and event.end_date:
            # The day where the event is (an evening session in Bogotá starts the next day in UTC).
            day = timezone.localtime(self.starts_at, event.zone).date()
            if not event.start_date <= day <= event.end_date:
                raise ValidationError(
                    {
                        "starts_at": _("This session starts on %(day)s, outside the event's dates.")
                        % {"day": date_format(day)}
                    }
                )


class SpeakerQuerySet(models.QuerySet):
    def with_public_page(self):
        """Speakers who may have a public page: never the anonymous ones."""
        return self.exclude(identity=Speaker.Identity.ANONYMOUS)

    def on_public_events(self):
        return self.filter(sessions__event__in=Event.objects.published()).distinct()


# The fields the public name is made of (see Speaker.public_name).
PUBLIC_NAME_FIELDS = {"identity", "full_name", "first_name", "anonymous_descriptor"}
# What a highlights page shows of a speaker (events/includes/speakers.html, quotes.html).
SPEAKER_SHOWN = {
    *PUBLIC_NAME_FIELDS,
    "slug",
    "role_title",
    "organisation",
    "country",
    "photo_alt",
    "photo_renditions",
}


class Speaker(RenditionsMixin, TimeStampedModel):
    """A person who spoke. How they are named in public is their choice: survivors' safety comes first."""

    class Identity(models.TextChoices):
        FULL_NAME = "full", _("Full name")
        FIRST_NAME = "first", _("First name only")
        ANONYMOUS = "anonymous", _("Anonymous (descriptor only, no photo, no page)")

    full_name = models.CharField(
        _("full name"), max_length=200,
        help_text=_("Staff only. Shown in public only when the identity choice is “Full name”."),
    )  # fmt: skip
    first_name = models.CharField(
        _("first name"),
        max_length=100,
        blank=True,
        help_text=_("Shown when the identity choice is “First name only”."),
    )
    identity = models.CharField(
        _("public identity"), max_length=10, choices=Identity, default=Identity.FULL_NAME
    )
    anonymous_descriptor = models.CharField(
        _("anonymous descriptor"), max_length=120, blank=True,
        help_text=_("How an anonymous speaker is named in public, e.g. “Survivor, Kenya”."),
    )  # fmt: skip
    consent_date = models.DateField(
        _("consent date"),
        null=True,
        blank=True,
        help_text=_(
            "When the speaker agreed to this way of being shown. Required unless shown by full name."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True, editable=False)
    role_title = models.CharField(_("role or title"), max_length=250, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="speakers",
    )  # fmt: skip
    country = CountryField(_("country"), blank=True)
    photo = CheckedImageField(_("photo"), upload_to=RandomName("speakers"), blank=True)
    photo_alt = models.CharField(_("photo alt text"), max_length=250, blank=True)
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    bio = models.TextField(_("biography"), blank=True)

    objects = SpeakerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["photo_renditions"])
    rendition_fields = {"photo": "photo_renditions"}

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(identity="anonymous") | ~Q(anonymous_descriptor=""),
                name="anonymous_speaker_has_descriptor",
            ),
            models.CheckConstraint(
                condition=~Q(identity="first") | ~Q(first_name=""), name="first_name_speaker_has_one"
            ),
        ]

    def __str__(self):
        if self.identity == self.Identity.FULL_NAME:
            return self.full_name
        return f"{self.full_name} [{self.public_name}]"

    @property
    def is_anonymous(self):
        return self.identity == self.Identity.ANONYMOUS

    @property
    def public_name(self):
        """The only name a public page may show."""
        if self.identity == self.Identity.ANONYMOUS:
            return self.anonymous_descriptor
        if self.identity == self.Identity.FIRST_NAME:
            return self.first_name
        return self.full_name

    @property
    def public_role(self):
        """Role and organisation, which for an anonymous speaker are part of the descriptor instead."""
        if self.is_anonymous:
            return ""
        return ", ".join(
            part for part in (self.role_title, self.organisation.name if self.organisation else "") if part
        )

    @property
    def public_photo(self):
        return {} if self.is_anonymous else self.photo_renditions

    def get_absolute_url(self):
        if self.is_anonymous:
            return ""
        return reverse("events:speaker-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.identity == self.Identity.ANONYMOUS and not self.anonymous_descriptor.strip():
            errors["anonymous_descriptor"] = _(
                "An anonymous speaker needs a descriptor such as “Survivor, Kenya”."
            )
        if self.identity == self.Identity.FIRST_NAME and not self.first_name.strip():
            errors["first_name"] = _("Give the first name to show.")
        # Only here, not as a database constraint: the demo's unnamed placeholder speakers (events.demo) are
        # saved without one on purpose, and save() does not call clean().
        if self.identity != self.Identity.FULL_NAME and not self.consent_date:
            errors["consent_date"] = _(
                "Give the date the speaker agreed to be shown this way (first name only or anonymous)."
            )
        if self.photo and not self.photo_alt.strip() and self.identity != self.Identity.ANONYMOUS:
            errors["photo_alt"] = _("A photo needs alt text.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The public name as stored, so save() knows when it changes; unknown when a name field was deferred.
        if not instance.get_deferred_fields() & PUBLIC_NAME_FIELDS:
            instance._stored_public_name = instance.public_name
        return instance

    def slug_base(self):
        return slugify(self.public_name)[:200] or "speaker"

    def slug_is_current(self):
        """True when the slug was made from the current public name (the name itself, or it with a number)."""
        if not self.slug or self._state.adding:
            return False
        if getattr(self, "_stored_public_name", self.public_name) != self.public_name:
            return False
        return re.fullmatch(rf"{re.escape(self.slug_base())}(-\d+)?", self.slug) is not None

    def save(self, *args, **kwargs):
        # An anonymous speaker keeps no photo on the server at all: a file nobody links to is still a file
        # that can leak (RenditionsMixin removes its renditions with it).
        if self.is_anonymous and self.photo:
            self.photo.delete(save=False)
            self.photo_alt = ""
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "photo", "photo_alt"}
        # The slug is made from the public name only, and remade whenever that name changes, so a URL never
        # carries a name the speaker withheld (e.g. "jane-doe" once they chose "first name only").
        if not self.slug_is_current():
            base = self.slug_base()
            slug, number = base, 2
            while Speaker.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, number = f"{base}-{number}", number + 1
            self.slug = slug
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)
        self._stored_public_name = self.public_name
        if self.is_anonymous:
            self.forget_earlier_photos()

    def forget_earlier_photos(self):
        """
        Deletes the files of the photos the speaker had before, which are kept for the history's sake while they
        are shown, and blanks them (with their alt text) in the history records: an anonymous speaker keeps no
        photo on the server, and reverting to an earlier version must not name one.
        """
        records = self.history.exclude(photo="", photo_alt="")
        found = list(records.values_list("photo", flat=True))
        if not found:  # the usual case once done: an anonymous speaker saved again costs one query, not two
            return
        names = {name for name in found if name}
        in_use = (
            set(Speaker.objects.filter(photo__in=names).values_list("photo", flat=True)) if names else set()
        )
        storage = self._meta.get_field("photo").storage
        for name in names - in_use:
            storage.delete(name)
        records.update(photo="", photo_alt="")


class Participation(ConstraintsToldBesideFields, ChoiceLabelsMixin, models.Model):
    """A speaker in a session, with their role and, optionally, what they said."""

    constraints_told_beside = {"speaker_once_per_session": ("speaker", "speaker_taken")}

    class Role(models.TextChoices):
        OPENING_REMARKS = "opening", _("Opening remarks")
        KEYNOTE = "keynote", _("Keynote")
        MODERATOR = "moderator", _("Moderator")
        PANELLIST = "panellist", _("Panellist")
        PRESENTER = "presenter", _("Presenter")
        CLOSING_REMARKS = "closing", _("Closing remarks")
        INTERVIEWEE = "interviewee", _("Interviewee")
        SPEAKER = "speaker", _("Speaker")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="participations"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PANELLIST)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    quote = models.TextField(_("quote"), blank=True, help_text=_("Their words, without quotation marks."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker"],
                name="speaker_once_per_session",
                violation_error_message=_("This speaker is already in this session."),
            ),
        ]

    def __str__(self):
        return f"{self.speaker.public_name} — {self.get_role_display()}"

    @staticmethod
    def already_in_session(speaker):
        """What an editor is told about a speaker put in a session they are already in: who, in plain words."""
        return _("“%(speaker)s” is already in this session.") % {"speaker": speaker}

    def speaker_taken(self):
        return self.already_in_session(self.speaker)


THEME_SEPARATOR = "\x1f"


class CountryPledgeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(event__in=Event.objects.published())

    def with_theme_names(self):
        """Each pledge's theme names, read in the pledges' own query (see CountryPledge.theme_names)."""
        return self.annotate(
            joined_theme_names=StringAgg("themes__name", Value(THEME_SEPARATOR), default=Value(""))
        )


class CountryPledge(TimeStampedModel):
    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")

    event = models.ForeignKey(
        Event, verbose_name=_("made at"), on_delete=models.PROTECT, related_name="pledges",
        help_text=_("The event where the pledge was made."),
    )  # fmt: skip
    country = CountryField(_("country"))
    pledging_body = models.CharField(
        _("pledging body"), max_length=250, help_text=_("E.g. “Ministry of Justice”.")
    )
    commitment = models.TextField(_("commitment"))
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="pledges")
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLEDGED)
    source_url = models.URLField(_("source link"), blank=True)
    pledged_on = models.DateField(_("date"), null=True, blank=True)

    objects = CountryPledgeQuerySet.as_manager()
    # The themes too: without m2m_fields a change of them was recorded as a change of nothing.
    history = HistoricalRecords(m2m_fields=["themes"])

    class Meta:
        ordering = ["country", "pk"]
        verbose_name = _("country pledge")
        verbose_name_plural = _("country pledges")

    def __str__(self):
        return f"{self.country.name}: {self.pledging_body}"

    @property
    def theme_names(self):
        """The names of the pledge's themes, alphabetically: from `with_theme_names()` when it was used."""
        joined = getattr(self, "joined_theme_names", None)
        if joined is None:
            return sorted(theme.name for theme in self.themes.all())
        return sorted(name for name in joined.split(THEME_SEPARATOR) if name)


class Video(RenditionsMixin, TimeStampedModel):
    class Kind(models.TextChoices):
        FILM = "film", _("Film")
        INTERVIEW = "interview", _("Interview")
        HIGHLIGHTS = "highlights", _("Highlight reel")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="videos")
    session = models.ForeignKey(
        Session, verbose_name=_("shown in session"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="videos",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.FILM)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    provider_url = models.URLField(
        _("YouTube or Vimeo address"),
        help_text=_(
            "The page address of the video. It plays from the provider's privacy-enhanced player after a click."
        ),
    )
    poster = CheckedImageField(_("poster image"), upload_to=RandomName("videos"), blank=True)
    poster_alt = models.CharField(_("poster alt text"), max_length=250, blank=True)
    poster_renditions = models.JSONField(default=dict, blank=True, editable=False)
    duration = models.DurationField(_("duration"), null=True, blank=True, help_text=_("hh:mm:ss"))
    content_warning = models.CharField(
        _("content warning"), max_length=300, blank=True,
        help_text=_("Shown before the film can be played, e.g. “Survivors describe sexual abuse.”"),
    )  # fmt: skip
    transcript = models.TextField(_("transcript"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=["poster_renditions"])
    rendition_fields = {"poster": "poster_renditions"}

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.provider_url and not self.embed_url:
            errors["provider_url"] = _("Give a YouTube or Vimeo video address.")
        if self.poster and not self.poster_alt.strip():
            errors["poster_alt"] = _("A poster image needs alt text.")
        if errors:
            raise ValidationError(errors)

    @property
    def embed_url(self):
        """The privacy-enhanced player address (youtube-nocookie.com, or Vimeo with dnt=1), or "" if unknown."""
        parts = urlsplit(self.provider_url or "")
        host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
        video_id = ""
        if host in {"youtube.com", "youtube-nocookie.com"}:
            if parts.path == "/watch":
                video_id = parse_qs(parts.query).get("v", [""])[0]
            elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
                video_id = parts.path.split("/")[2]
            if video_id.replace("-", "").replace("_", "").isalnum():
                return f"https://www.youtube-nocookie.com/embed/{video_id}?{urlencode({'autoplay': 1, 'rel': 0})}"
        elif host == "youtu.be":
            video_id = parts.path.strip("/")
            if video_id.replace("-", "").replace("_", "").isalnum():
                return f"https://www.youtube-nocookie.com/embed/{video_id}?{urlencode({'autoplay': 1, 'rel': 0})}"
        elif host in {"vimeo.com", "player.vimeo.com"}:
            video_id = parts.path.rstrip("/").split("/")[-1]
            if video_id.isdigit():
                return f"https://player.vimeo.com/video/{video_id}?{urlencode({'dnt': 1, 'autoplay': 1})}"
        return ""


class Gallery(TimeStampedModel):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="galleries"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("gallery")
        verbose_name_plural = _("galleries")

    def __str__(self):
        return self.title


CREDIT_HELP = _("Who took the photo, as in “Juan Pérez / Safe Online”. The page writes “Photo:” before it.")
# What an editor may type before a credit that the page writes itself ("Photo: Juan Pérez"), in its languages.
CREDIT_PREFIX = re.compile(r"^\s*(?:photo|foto)\s*:\s*", re.IGNORECASE)


def without_credit_prefix(credit):
    """A photo's credit without the "Photo:" the page writes before it: typed as well, it showed twice."""
    return CREDIT_PREFIX.sub("", credit)


class Photo(RenditionsMixin, models.Model):
    gallery = models.ForeignKey(
        Gallery, verbose_name=_("gallery"), on_delete=models.CASCADE, related_name="photos"
    )
    image = CheckedImageField(_("image"), upload_to=RandomName("photos"))
    alt_text = models.CharField(
        _("alt text"), max_length=250, help_text=_("What the photo shows, for people who cannot see it.")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=150, blank=True, help_text=CREDIT_HELP)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["renditions"])
    rendition_fields = {"image": "renditions"}

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [models.CheckConstraint(condition=~Q(alt_text=""), name="photo_has_alt_text")]

    def __str__(self):
        return self.alt_text

    def clean(self):
        self.credit = without_credit_prefix(self.credit)


class Resource(TimeStampedModel):
    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        OPEN_LETTER = "open_letter", _("Open letter")
        CALL_TO_ACTION = "call_to_action", _("Call to action")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PRESS_RELEASE)
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(
        _("PDF file"), upload_to=RandomName("resources"), blank=True, validators=[validate_pdf]
    )
    url = models.URLField(_("link"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES, default="en")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            # Its message is the form's too (full_clean checks constraints): a clean() saying it again showed it
            # twice, once as "Constraint … is violated".
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="resource_has_file_or_link",
                violation_error_message=_("Give a PDF file or a link."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def href(self):
        return self.file.url if self.file else self.url


class HeadlineFigure(ConstraintsToldBesideFields, ChoiceLabelsMixin, models.Model):
    """
    One of the big numbers at the top of an event page. Staff type only what the system cannot know
    (attendees, global audience, on the event itself); the rest is counted from the records.
    """

    constraints_told_beside = {"figure_once_per_event": ("source", "source_taken")}

    class Source(models.TextChoices):
        ATTENDEES = "attendees", _("Attendees in person (typed on the event)")
        GLOBAL_AUDIENCE = "global_audience", _("Global audience (typed on the event)")
        COUNTRIES = "countries", _("Countries represented (speakers' and pledges' countries)")
        SPEAKERS = "speakers", _("Speakers (counted)")
        SESSIONS = "sessions", _("Sessions (counted)")
        PLEDGES = "pledges", _("Pledges (counted)")
        MEDIA_REACH = "media_reach", _("Media reach (from media coverage)")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="figures"
    )
    source = models.CharField(_("figure"), max_length=20, choices=Source)
    label = models.CharField(_("label"), max_length=80, help_text=_("E.g. “Attendees in person”."))
    suffix = models.CharField(_("suffix"), max_length=10, blank=True, help_text=_("E.g. “+”."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    hidden = models.BooleanField(_("hidden"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("headline figure")
        verbose_name_plural = _("headline figures")
        constraints = [models.UniqueConstraint(fields=["event", "source"], name="figure_once_per_event")]

    def __str__(self):
        return self.label

    def source_taken(self):
        return _("“%(figure)s” is already among this event's figures.") % {
            "figure": self.get_source_display()
        }
