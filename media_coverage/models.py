"""
Media coverage of an event: the outlets, each mention in them, and the figures staff take from reports
(the agency's reported reach, the social-media figures). What is computed from the records is computed
here, once: the reach shown (`reach_for_event`) and everything the highlights page shows (`coverage_for_event`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, router
from django.db.models import Count, Q, Sum
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from events.models import Event
from safedigital.countries import CountryField
from safedigital.models import (
    LANGUAGES,
    ChoiceLabelsMixin,
    ConstraintsToldBesideFields,
    RenditionsMixin,
    TimeStampedModel,
)
from safedigital.uploads import CheckedImageField, RandomName

PLACEHOLDER_WORD = "placeholder"


def coverage_url(event):
    """The address of an event's coverage page."""
    return reverse("media_coverage:event-coverage", kwargs={"slug": event.slug})


class OutletQuerySet(models.QuerySet):
    def named(self):
        """Real outlets, the ones a public page may name."""
        return self.filter(placeholder=False)

    def placeholders(self):
        return self.filter(placeholder=True)

    def for_event(self, event):
        """The outlets that covered `event`, each with its number of mentions and their summed reach."""
        return (
            self.filter(mentions__event=event)
            .annotate(mention_count=Count("mentions"), mentions_reach=Sum("mentions__reach"))
            .order_by("medium", "placeholder", Lower("name"))
        )


class Outlet(RenditionsMixin, TimeStampedModel):
    """A newspaper, website, channel or station that covered an event."""

    class Medium(models.TextChoices):
        PRINT = "print", _("Print")
        DIGITAL = "digital", _("Digital")
        TV = "tv", _("Television")
        RADIO = "radio", _("Radio")

    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("As the outlet names itself, e.g. “El Tiempo”. Imports match outlets on it, ignoring case."),
    )  # fmt: skip
    medium = models.CharField(_("medium"), max_length=10, choices=Medium)
    country = CountryField(_("country"), blank=True)
    description = models.CharField(
        _("description"), max_length=250, blank=True,
        help_text=_("A few words a reader may not know, e.g. “Colombia's largest national newspaper”."),
    )  # fmt: skip
    website = models.URLField(_("website"), blank=True)
    logo = CheckedImageField(
        _("logo"), upload_to=RandomName("outlets"), blank=True,
        help_text=_("JPEG, PNG or WebP. Its alt text is the outlet's name."),
    )  # fmt: skip
    logo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    placeholder = models.BooleanField(
        _("placeholder"), default=False,
        help_text=_(
            "A stand-in for an outlet the source counts but does not name. Its name must say “placeholder”; "
            "public pages count it but never show its name."
        ),
    )  # fmt: skip

    objects = OutletQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["logo_renditions"])
    rendition_fields = {"logo": "logo_renditions"}

    class Meta:
        ordering = [Lower("name")]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="outlet_name_unique_ignoring_case",
                violation_error_message=_("An outlet with this name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(placeholder=False) | Q(name__icontains=PLACEHOLDER_WORD),
                name="placeholder_outlet_is_named_so",
                violation_error_message=_("A placeholder outlet's name must contain the word “placeholder”."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.placeholder and PLACEHOLDER_WORD not in self.name.lower():
            raise ValidationError(
                {"name": _("A placeholder outlet's name must contain the word “placeholder”.")}
            )


class MediaMentionQuerySet(models.QuerySet):
    def public(self):
        """Mentions of events the public may see."""
        return self.filter(event__in=Event.objects.published())

    def for_event(self, event):
        return self.filter(event=event)

    def with_outlet(self):
        return self.select_related("outlet")

    def in_medium(self, medium):
        return self.filter(outlet__medium=medium)

    def in_language(self, language):
        return self.filter(language=language)

    def dated(self):
        return self.filter(date__isnull=False)

    def with_reach(self):
        return self.filter(reach__isnull=False)

    def total_reach(self):
        """The sum of the known reach of these mentions, or None when none is known."""
        return self.aggregate(total=Sum("reach"))["total"]


class MediaMention(TimeStampedModel):
    """One piece of coverage: an article, a broadcast, an interview."""

    class Kind(models.TextChoices):
        NEWS_REPORT = "news_report", _("News report")
        EDITORIAL = "editorial", _("Editorial")
        INTERVIEW = "interview", _("Interview")
        PRESS_RELEASE = "press_release", _("Press-release pickup")
        OTHER = "other", _("Other or not known")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="media_mentions"
    )
    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="mentions"
    )
    headline = models.CharField(_("headline"), max_length=300)
    link = models.URLField(
        _("link"), max_length=500, blank=True,
        help_text=_("The piece's address. Imports recognise a mention they already have by it."),
    )  # fmt: skip
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("When it was published or broadcast. Empty if not known."),
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NEWS_REPORT)
    reach = models.PositiveBigIntegerField(
        _("reach"), null=True, blank=True,
        help_text=_("The audience of this piece as the monitoring agency reports it. Empty if not known."),
    )  # fmt: skip
    # A TextField's max_length binds only forms; the validator holds every other way in (the CSV import) to it.
    excerpt = models.TextField(
        _("excerpt"),
        max_length=600,
        blank=True,
        validators=[
            MaxLengthValidator(
                600, message=_("The excerpt is %(show_value)s characters; the limit is %(limit_value)s.")
            )
        ],
        help_text=_("A short excerpt or quote, without quotation marks."),
    )

    objects = MediaMentionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "pk"]
        verbose_name = _("media mention")
        verbose_name_plural = _("media mentions")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "link"],
                condition=~Q(link=""),
                name="mention_link_once_per_event",
                violation_error_message=_("This event already has a mention with this link."),
            ),
            models.UniqueConstraint(
                "event",
                "outlet",
                Lower("headline"),
                name="mention_headline_once_per_outlet_and_event",
                violation_error_message=_(
                    "This outlet already has a mention with this headline for this event."
                ),
            ),
            models.CheckConstraint(condition=~Q(headline=""), name="mention_has_headline"),
        ]
        indexes = [models.Index(fields=["event", "date"], name="mention_event_date")]

    def __str__(self):
        return f"{self.outlet}: {self.headline}" if self.outlet_id else self.headline

    def get_absolute_url(self):
        return f"{coverage_url(self.event)}#mention-{self.pk}"

    def clean(self):
        # An empty headline is the field's own check ("This field is required." in a form); saying it here too gave
        # the editor two messages for one problem. What the field lets through is a headline of spaces alone.
        if self.headline and not self.headline.strip():
            raise ValidationError({"headline": _("A mention needs its headline.")})

    def validate_constraints(self, exclude=None):
        """
        As Django's, but a mention that repeats a stored one is told so beside its link or headline: Django puts
        the message of a constraint with a condition, or on several fields, above the whole form or row.
        """
        beside = {
            "mention_link_once_per_event": "link",
            "mention_headline_once_per_outlet_and_event": "headline",
        }
        using = router.db_for_write(MediaMention, instance=self)
        errors = {}
        for constraint in self._meta.constraints:
            try:
                constraint.validate(MediaMention, self, exclude=exclude, using=using)
            except ValidationError as error:
                errors.setdefault(beside.get(constraint.name, NON_FIELD_ERRORS), []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


class CoverageFigures(TimeStampedModel):
    """The figures of an event's coverage that come from a report rather than from the mentions."""

    class ReachShown(models.TextChoices):
        REPORTED = "reported", _("The reported total reach")
        MENTIONS = "mentions", _("The sum of the mentions' reach")

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="coverage_figures"
    )
    reported_reach = models.PositiveBigIntegerField(
        _("reported total reach"), null=True, blank=True,
        help_text=_(
            "The total audience as the media monitoring agency reports it, e.g. 15,712,224. "
            "It is usually not the sum of the mentions' reach; both are kept."
        ),
    )  # fmt: skip
    source = models.CharField(
        _("source"), max_length=250, blank=True, help_text=_("Where the reported figure comes from.")
    )
    source_link = models.URLField(_("source link"), blank=True)
    reach_shown = models.CharField(
        _("reach shown"), max_length=10, choices=ReachShown, default=ReachShown.REPORTED,
        help_text=_("Which reach the event's pages show. The other is kept and shown to staff."),
    )  # fmt: skip
    outlet_count_override = models.PositiveIntegerField(
        _("number of outlets (override)"), null=True, blank=True,
        help_text=_(
            "Leave empty to count the different outlets of this event's mentions. "
            "Give a number only when the report counts outlets that are not entered."
        ),
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        ordering = ["-event__start_date", "pk"]
        verbose_name = _("coverage figures")
        verbose_name_plural = _("coverage figures")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reach_shown="reported") | Q(reported_reach__isnull=False),
                name="coverage_reported_reach_given_when_shown",
                violation_error_message=_(
                    "Give the reported total reach, or choose to show the mentions' sum."
                ),
            ),
        ]

    def __str__(self):
        return str(_("Coverage figures: %(event)s") % {"event": self.event})

    def get_absolute_url(self):
        return coverage_url(self.event)

    def clean(self):
        if self.reach_shown == self.ReachShown.REPORTED and self.reported_reach is None:
            raise ValidationError(
                {"reported_reach": _("Give the reported total reach, or choose to show the mentions' sum.")}
            )


class SocialFigures(TimeStampedModel):
    """An event's social-media figures, as a whole; the figures per platform are PlatformFigures."""

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="social_figures"
    )
    hashtags = models.CharField(
        _("hashtags"), max_length=250, blank=True,
        help_text=_("Separated by spaces, each starting with #, e.g. “#Act4OnlineSafety #SafeOnline”."),
    )  # fmt: skip
    total_posts = models.PositiveIntegerField(_("total posts"), null=True, blank=True)
    maximum_reach = models.PositiveBigIntegerField(
        _("maximum reach"),
        null=True,
        blank=True,
        help_text=_("The most people the posts could have reached."),
    )
    impressions = models.PositiveBigIntegerField(
        _("impressions"), null=True, blank=True, help_text=_("How many times the posts were shown.")
    )
    countries_reached = models.PositiveSmallIntegerField(_("countries reached"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=250, blank=True, help_text=_("Where these figures come from.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-event__start_date", "pk"]
        verbose_name = _("social-media figures")
        verbose_name_plural = _("social-media figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(countries_reached__isnull=True) | Q(countries_reached__lte=250),
                name="social_countries_reached_at_most_250",
                violation_error_message=_("There are fewer than 250 countries."),
            ),
        ]

    def __str__(self):
        return str(_("Social-media figures: %(event)s") % {"event": self.event})

    def get_absolute_url(self):
        return coverage_url(self.event)

    def clean(self):
        errors = {}
        if self.countries_reached is not None and self.countries_reached > 250:
            errors["countries_reached"] = _("There are fewer than 250 countries.")
        wrong = [tag for tag in self.hashtags.split() if not tag.startswith("#") or len(tag) < 2]
        if wrong:
            errors["hashtags"] = _("Each hashtag starts with #: %(wrong)s.") % {"wrong": ", ".join(wrong)}
        if errors:
            raise ValidationError(errors)

    @property
    def hashtag_list(self):
        return self.hashtags.split()

    @property
    def has_totals(self):
        return any(
            value is not None
            for value in (self.total_posts, self.maximum_reach, self.impressions, self.countries_reached)
        )


class PlatformFigures(ConstraintsToldBesideFields, ChoiceLabelsMixin, models.Model):
    """One platform's part of an event's social-media figures, with its top post and uplift."""

    constraints_told_beside = {"platform_once_per_event": ("platform", "platform_taken")}

    class Platform(models.TextChoices):
        X = "x", _("X")
        LINKEDIN = "linkedin", _("LinkedIn")
        INSTAGRAM = "instagram", _("Instagram")
        FACEBOOK = "facebook", _("Facebook")
        OTHER = "other", _("Other")

    social = models.ForeignKey(
        SocialFigures,
        verbose_name=_("social-media figures"),
        on_delete=models.CASCADE,
        related_name="platforms",
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform)
    posts = models.PositiveIntegerField(_("posts"), null=True, blank=True)
    impressions = models.PositiveBigIntegerField(_("impressions"), null=True, blank=True)
    engagements = models.PositiveBigIntegerField(
        _("engagements"), null=True, blank=True, help_text=_("Likes, shares, replies and clicks together.")
    )
    top_post_link = models.URLField(_("top post link"), max_length=500, blank=True)
    top_post_impressions = models.PositiveBigIntegerField(_("top post impressions"), null=True, blank=True)
    top_post_engagements = models.PositiveBigIntegerField(_("top post engagements"), null=True, blank=True)
    impressions_uplift_percent = models.IntegerField(
        _("impressions uplift (%)"), null=True, blank=True,
        help_text=_("Against usual activity: 82 means 82 % more impressions than usual; negative for fewer."),
    )  # fmt: skip
    reactions_uplift_percent = models.IntegerField(
        _("reactions uplift (%)"), null=True, blank=True,
        help_text=_("Against usual activity: 107 means 107 % more reactions than usual; negative for fewer."),
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("platform figures")
        verbose_name_plural = _("platform figures")
        constraints = [
            models.UniqueConstraint(
                fields=["social", "platform"],
                name="platform_once_per_event",
                violation_error_message=_("This platform already has figures for this event."),
            ),
            models.CheckConstraint(
                condition=(
                    (Q(impressions_uplift_percent__isnull=True) | Q(impressions_uplift_percent__gte=-100))
                    & (Q(reactions_uplift_percent__isnull=True) | Q(reactions_uplift_percent__gte=-100))
                ),
                name="platform_uplift_not_below_minus_100",
                violation_error_message=_("An uplift cannot be below −100 %."),
            ),
        ]

    def __str__(self):
        return self.get_platform_display()

    def platform_taken(self):
        return _("“%(platform)s” already has figures for this event.") % {
            "platform": self.get_platform_display()
        }

    def clean(self):
        errors = {}
        for name in ("impressions_uplift_percent", "reactions_uplift_percent"):
            value = getattr(self, name)
            if value is not None and value < -100:
                errors[name] = _("An uplift cannot be below −100 %.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_top_post(self):
        return bool(
            self.top_post_link
            or self.top_post_impressions is not None
            or self.top_post_engagements is not None
        )

    @property
    def has_uplift(self):
        return self.impressions_uplift_percent is not None or self.reactions_uplift_percent is not None


# What the pages show, computed in one place ---------------------------------------------------------------


def _related_or_none(event, name):
    """A reverse one-to-one (cached by select_related when the caller loaded it), or None."""
    try:
        return getattr(event, name)
    except ObjectDoesNotExist:
        return None


def _shown_reach(figures, mentions_reach):
    """(reach, kind): the reach the pages show and which it is ("reported" or "mentions"), or (None, "")."""
    reported = figures.reported_reach if figures else None
    if figures and figures.reach_shown == CoverageFigures.ReachShown.MENTIONS and mentions_reach is not None:
        return mentions_reach, CoverageFigures.ReachShown.MENTIONS
    if reported is not None:
        return reported, CoverageFigures.ReachShown.REPORTED
    if mentions_reach is not None:
        return mentions_reach, CoverageFigures.ReachShown.MENTIONS
    return None, ""


def reach_for_event(event):
    """
    The media reach an event's pages show: the reported total when there is one (unless staff chose the
    mentions' sum), otherwise the sum of the mentions' known reach; None when neither is known.
    """
    figures = CoverageFigures.objects.filter(event=event).first()
    return _shown_reach(figures, MediaMention.objects.for_event(event).total_reach())[0]


@dataclass
class MediumGroup:
    """The outlets of one medium that covered an event: the named ones, and how many placeholders."""

    medium: str
    label: str
    outlets: list = field(default_factory=list)
    placeholder_count: int = 0

    @property
    def count(self):
        return len(self.outlets) + self.placeholder_count


@dataclass
class EventCoverage:
    """Everything the highlights page and the coverage page show about an event's coverage."""

    event: Event
    figures: CoverageFigures | None
    social: SocialFigures | None
    reach: int | None
    reach_kind: str
    reported_reach: int | None
    mentions_reach: int | None
    outlet_count: int
    outlet_count_is_override: bool
    mention_count: int
    media: list
    platforms: list

    @property
    def reach_is_reported(self):
        return self.reach_kind == CoverageFigures.ReachShown.REPORTED

    @property
    def source(self):
        return self.figures.source if self.figures and self.reach_is_reported else ""

    @property
    def source_link(self):
        return self.figures.source_link if self.figures and self.reach_is_reported else ""

    @property
    def has_coverage(self):
        return bool(self.reach or self.mention_count or self.outlet_count)

    @property
    def top_post(self):
        """The platform figures with the most-seen top post, or None."""
        with_top = [platform for platform in self.platforms if platform.has_top_post]
        return max(with_top, key=lambda p: p.top_post_impressions or 0, default=None)

    @property
    def uplifts(self):
        return [platform for platform in self.platforms if platform.has_uplift]

    @property
    def has_social(self):
        social = self.social
        return bool(
            social and (social.hashtags or social.has_totals or self.top_post is not None or self.uplifts)
        )

    @property
    def url(self):
        return coverage_url(self.event)


def coverage_for_event(event):
    """
    What the highlights page needs about `event`'s coverage, in at most four queries whatever the number of
    mentions (fewer when the event was loaded with select_related("coverage_figures", "social_figures") and
    prefetch_related("social_figures__platforms")).
    """
    figures = _related_or_none(event, "coverage_figures")
    social = _related_or_none(event, "social_figures")
    platforms = list(social.platforms.all()) if social else []
    # What the pages show of an outlet: not its logo, whose renditions would be decoded for nothing.
    outlets = list(
        Outlet.objects.for_event(event).only("name", "medium", "website", "description", "placeholder")
    )

    groups = {}
    for outlet in outlets:
        group = groups.setdefault(
            outlet.medium, MediumGroup(medium=outlet.medium, label=Outlet.Medium(outlet.medium).label)
        )
        if outlet.placeholder:
            group.placeholder_count += 1
        else:
            group.outlets.append(outlet)
    media = [groups[medium] for medium in Outlet.Medium.values if medium in groups]

    known = [outlet.mentions_reach for outlet in outlets if outlet.mentions_reach is not None]
    mentions_reach = sum(known) if known else None
    reach, reach_kind = _shown_reach(figures, mentions_reach)
    override = figures.outlet_count_override if figures else None
    return EventCoverage(
        event=event,
        figures=figures,
        social=social,
        reach=reach,
        reach_kind=reach_kind,
        reported_reach=figures.reported_reach if figures else None,
        mentions_reach=mentions_reach,
        outlet_count=override if override is not None else len(outlets),
        outlet_count_is_override=override is not None,
        mention_count=sum(outlet.mention_count for outlet in outlets),
        media=media,
        platforms=platforms,
    )
