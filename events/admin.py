from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from media_coverage.admin import MediaMentionInline, event_coverage_links
from safedigital.admin import (
    ChoicesInUseFilter,
    HistoryAdmin,
    RowsToldBesideForm,
    RowsToldBesideFormSet,
    SelectsWrittenInPython,
    TabularInline,
)
from safedigital.countries import codes_named
from safedigital.timezones import time_zones, utc_offset
from safedigital.uploads import CheckedImageFormField, WithinUploadPixelBudget

from . import tasks
from .models import (
    CREDIT_HELP,
    CountryPledge,
    Event,
    EventPartner,
    Gallery,
    HeadlineFigure,
    Organisation,
    Participation,
    Photo,
    Resource,
    Session,
    Speaker,
    Theme,
    Video,
    without_credit_prefix,
)


def thumbnail(renditions, alt=""):
    """A small image for a changelist or form, from renditions already made (no work per row)."""
    jpeg = (renditions or {}).get("jpeg") or []
    if not jpeg:
        return "—"
    from django.core.files.storage import default_storage

    return format_html(
        '<img src="{}" alt="{}" width="64" class="admin-thumbnail">', default_storage.url(jpeg[0][1]), alt
    )


class PartnerInline(SelectsWrittenInPython, TabularInline):
    model = EventPartner
    form = RowsToldBesideForm
    formset = RowsToldBesideFormSet
    extra = 0
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")  # each row's name (__str__)


class FigureInline(SelectsWrittenInPython, TabularInline):
    model = HeadlineFigure
    form = RowsToldBesideForm
    formset = RowsToldBesideFormSet
    extra = 0
    fields = ["source", "label", "suffix", "order", "hidden"]


class SessionInline(SelectsWrittenInPython, TabularInline):
    model = Session
    extra = 0
    fields = ["order", "kind", "title", "starts_at", "ends_at"]
    show_change_link = True


class ResourceInline(SelectsWrittenInPython, admin.StackedInline):
    model = Resource
    extra = 0
    fields = [("kind", "language", "order"), "title", ("file", "url")]


class VideoInline(SelectsWrittenInPython, admin.StackedInline):
    model = Video
    extra = 0
    fields = [
        ("kind", "order"),
        "title",
        "provider_url",
        ("poster", "poster_alt"),
        "content_warning",
        "duration",
    ]
    show_change_link = True


class GalleryInline(SelectsWrittenInPython, TabularInline):
    model = Gallery
    extra = 0
    fields = ["order", "title"]
    show_change_link = True


class PledgeInline(SelectsWrittenInPython, TabularInline):
    model = CountryPledge
    extra = 0
    # The commitment is required: a row without it was saved (a form checks only the fields it shows) and the
    # pledge went out with an empty "Commitment" on the public pages. The themes are set on the pledge's own page.
    fields = ["country", "pledging_body", "commitment", "status", "pledged_on"]
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def scheduled_message(event):
    """What an editor is told of a published event whose publish time is still to come."""
    return _("“%(title)s” is scheduled for %(time)s; it is not public until then.") % {
        "title": event.title,
        # Where the event is, as the editor entered it (InTheEventsTimeZone), not the site's time.
        "time": date_format(timezone.localtime(event.publish_at, event.zone), "DATETIME_FORMAT"),
    }


@admin.action(description=_("Publish the selected events now"), permissions=["change"])
def publish(modeladmin, request, queryset):
    """
    Publishes the selected events. One whose publish time is still to come is published as scheduled: it becomes
    public at that time, and the message says so rather than "published".
    """
    published, scheduled, refused = 0, [], []
    with transaction.atomic():
        for event in Event.objects.select_for_update().filter(pk__in=[event.pk for event in queryset]):
            if not event.hero_image or not event.hero_image_alt.strip():
                refused.append(event.title)
                continue
            event.status = Event.Status.PUBLISHED
            if not event.publish_at:
                event.publish_at = timezone.now()
            event.save()
            if event.is_public:
                published += 1
            else:
                scheduled.append(event)
    if published:
        modeladmin.message_user(
            request,
            ngettext("%d event published.", "%d events published.", published) % published,
            messages.SUCCESS,
        )
    for event in scheduled:
        modeladmin.message_user(request, scheduled_message(event), messages.SUCCESS)
    if refused:
        modeladmin.message_user(
            request,
            _("Not published (a hero image with alt text is needed first): %s") % ", ".join(refused),
            messages.ERROR,
        )


@admin.action(description=_("Unpublish the selected events (back to draft)"), permissions=["change"])
def unpublish(modeladmin, request, queryset):
    count = 0
    # In one transaction, as publish's: a change the page cache cannot be told of (ChangeNotAnnounced) undoes
    # them all, rather than keeping the events saved before it as drafts while their public pages stay cached.
    with transaction.atomic():
        for event in queryset:
            event.status = Event.Status.DRAFT
            event.save()
            count += 1
    modeladmin.message_user(
        request,
        ngettext("%d event is a draft again.", "%d events are drafts again.", count) % count,
        messages.SUCCESS,
    )


class InTheEventsTimeZone:
    """
    The change form of an event, or of one of its sessions, with its times (the programme's, the publish time)
    entered and shown in the event's time zone, as the people who run it read them: the zone sent with the form
    when it is one (the editor changed it in the same save), the event's otherwise.
    """

    def event_time_zone(self, request, object_id, version_id=None):
        """The zone of the form's times; `version_id`: the form is of that earlier version (to revert to)."""
        raise NotImplementedError

    def form_time_zone(self, request, object_id, version_id=None):
        """
        The zone of the form's times, or the site's when the address names no record (an id that is not a number:
        Django's admin answers that with its "doesn't exist" message, and looking the zone up was a server error).
        """
        try:
            return self.event_time_zone(request, object_id, version_id) or settings.TIME_ZONE
        except (ValueError, ValidationError):
            return settings.TIME_ZONE

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with timezone.override(self.form_time_zone(request, object_id)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # in the zone: a template response is otherwise drawn after it is left
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version's form (simple_history's, to revert to): its times too are the event's."""
        with timezone.override(self.form_time_zone(request, object_id, version_id)):
            return super().history_form_view(request, object_id, version_id, extra_context)


def local_time(moment, event):
    """`moment` where `event` takes place, with its offset: "6 November 2024, 09:00 (UTC−05:00)"."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment, event.zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({utc_offset(local)})"


@admin.register(Event)
class EventAdmin(InTheEventsTimeZone, HistoryAdmin):
    list_display = [
        "thumb",
        "title",
        "start_date",
        "city",
        "country",
        "status",
        "publish_time",
        "featured",
        "n_sessions",
    ]
    list_display_links = ["thumb", "title"]
    list_filter = ["status", "featured", ("country", CountryFilter), "start_date"]
    # Without their accents too (safedigital/lookups.py), as the enquiries are: "bogota" finds Bogotá.
    search_fields = [
        "title__unaccent",
        "strapline__unaccent",
        "summary__unaccent",
        "city__unaccent",
        "venue__unaccent",
    ]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["pillars"]
    actions = [publish, unpublish]
    save_on_top = True
    inlines = [
        PartnerInline,
        FigureInline,
        SessionInline,
        VideoInline,
        GalleryInline,
        ResourceInline,
        PledgeInline,
        MediaMentionInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "strapline", "summary", "body", "parent"]}),
        (
            _("When and where"),
            {"fields": [("start_date", "end_date"), ("city", "country"), "venue", "time_zone"]},
        ),
        (_("Hero image"), {"fields": ["hero_image", "hero_image_alt", "hero_preview"]}),
        (_("Pillars and outcomes"), {"fields": ["pillars_heading", "pillars", "outcomes"]}),
        (_("End of the page"), {"fields": ["closing"]}),
        (_("Figures staff count"), {"fields": [("attendees_in_person", "global_audience")]}),
        (_("Publishing"), {"fields": [("status", "publish_at"), "featured"]}),
        (_("Media coverage"), {"fields": ["coverage_links"]}),
    ]
    readonly_fields = ["hero_preview", "coverage_links"]

    def save_model(self, request, obj, form, change):
        """Saved as published with a publish time to come, the event is scheduled, and the editor is told so, as
        the publish action tells them: "changed successfully" alone, and "Published" in the list, read as public."""
        super().save_model(request, obj, form, change)
        if obj.status == Event.Status.PUBLISHED and obj.publish_at and not obj.is_public:
            self.message_user(request, scheduled_message(obj), messages.SUCCESS)

    def get_queryset(self, request):
        # Counting groups the rows, which drops Meta.ordering: keep it, so autocomplete pages are stable.
        return (
            super()
            .get_queryset(request)
            .annotate(session_count=Count("sessions"))
            .order_by(*Event._meta.ordering)
        )

    @admin.display(description=_("image"))
    def thumb(self, obj):
        return thumbnail(obj.hero_renditions, obj.hero_image_alt)

    @admin.display(description=_("publish time"), ordering="publish_at")
    def publish_time(self, obj):
        return local_time(obj.publish_at, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            kwargs["widget"] = forms.Select(choices=[(zone, zone) for zone in time_zones()])
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def event_time_zone(self, request, object_id, version_id=None):
        sent = request.POST.get("time_zone") if request.method == "POST" else None
        if sent in time_zones():
            return sent
        if version_id:  # the zone the version was in, which its form shows and sends back
            return Event.history.filter(history_id=version_id).values_list("time_zone", flat=True).first()
        if object_id:
            return Event.objects.filter(pk=unquote(object_id)).values_list("time_zone", flat=True).first()
        return None

    @admin.display(description=_("hero image preview"))
    def hero_preview(self, obj):
        return thumbnail(obj.hero_renditions, obj.hero_image_alt)

    @admin.display(description=_("coverage"))
    def coverage_links(self, obj):
        if not obj.pk:
            return _(
                "Save the event first; then import its media mentions from a monitoring agency's CSV and add "
                "its coverage and social media figures."
            )
        return event_coverage_links(obj)

    @admin.display(description=_("sessions"), ordering="session_count")
    def n_sessions(self, obj):
        return obj.session_count


class ParticipationInline(SelectsWrittenInPython, TabularInline):
    model = Participation
    form = RowsToldBesideForm
    formset = RowsToldBesideFormSet
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["order", "speaker", "role", "quote"]
    formfield_overrides = {}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")  # each row's name (__str__)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quote":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Session)
class SessionAdmin(InTheEventsTimeZone, HistoryAdmin):
    list_display = ["title", "event", "kind", "order", "starts", "n_participants"]
    list_filter = ["kind", "event"]
    list_select_related = ["event"]
    search_fields = [
        "title__unaccent",
        "summary__unaccent",
        "event__title__unaccent",
        "participations__quote__unaccent",
    ]
    autocomplete_fields = ["event"]
    inlines = [ParticipationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(participant_count=Count("participations"))
            .order_by(*Session._meta.ordering)
        )

    @admin.display(description=_("participants"), ordering="participant_count")
    def n_participants(self, obj):
        return obj.participant_count

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, obj):
        return local_time(obj.starts_at, obj.event)

    def event_time_zone(self, request, object_id, version_id=None):
        """The zone of the event the form sends the session to, or of the session's event (the version's)."""
        events = Event.objects.all()
        sent = request.POST.get("event", "") if request.method == "POST" else ""
        if sent.isdigit() and (zone := events.filter(pk=sent).values_list("time_zone", flat=True).first()):
            return zone
        if version_id:
            version = Session.history.filter(history_id=version_id).values("event_id")
            return events.filter(pk__in=version).values_list("time_zone", flat=True).first()
        if object_id:
            return events.filter(sessions__pk=unquote(object_id)).values_list("time_zone", flat=True).first()
        return None


class OrganisationKindFilter(admin.ChoicesFieldListFilter):
    """The kind of a speaker's organisation, saying so: titled "By kind" beside a list of people, it read as a kind
    of speaker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("organisation kind")


@admin.register(Speaker)
class SpeakerAdmin(HistoryAdmin):
    list_display = [
        "thumb",
        "full_name",
        "identity",
        "public_name_shown",
        "role_title",
        "organisation",
        "country",
    ]
    list_display_links = ["thumb", "full_name"]
    list_filter = ["identity", ("country", CountryFilter), ("organisation__kind", OrganisationKindFilter)]
    list_select_related = ["organisation"]
    # Names from many languages, found without their accents too: "gronwall" finds Grönwall.
    search_fields = [
        "full_name__unaccent",
        "first_name__unaccent",
        "anonymous_descriptor__unaccent",
        "role_title__unaccent",
        "organisation__name__unaccent",
        "participations__quote__unaccent",
    ]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["full_name", "role_title", "organisation", "country", "bio"]}),
        (
            _("How they are shown in public"),
            {
                "fields": ["identity", "first_name", "anonymous_descriptor", "consent_date"],
                "description": _(
                    "Anonymous speakers are shown only by their descriptor, with no photo and no page; "
                    "a photo is deleted from the server when the speaker is made anonymous. "
                    "Their real name never reaches a public page."
                ),
            },
        ),
        (_("Photo"), {"fields": ["photo", "photo_alt", "photo_preview"]}),
    ]
    readonly_fields = ["photo_preview"]

    @admin.display(description=_("photo"))
    def thumb(self, obj):
        return thumbnail(obj.photo_renditions, obj.photo_alt)

    @admin.display(description=_("photo preview"))
    def photo_preview(self, obj):
        return thumbnail(obj.photo_renditions, obj.photo_alt)

    @admin.display(description=_("shown as"))
    def public_name_shown(self, obj):
        return obj.public_name

    def view_on_site(self, obj):
        """The speaker's public page; none for an anonymous speaker, who has none (so the admin shows no link)."""
        return obj.get_absolute_url() or None


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["thumb", "name", "short_name", "kind", "country"]
    list_display_links = ["thumb", "name"]
    list_filter = ["kind", ("country", CountryFilter)]
    search_fields = ["name__unaccent", "short_name__unaccent"]

    @admin.display(description=_("logo"))
    def thumb(self, obj):
        return thumbnail(obj.logo_renditions, obj.name)


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name__unaccent", "description__unaccent"]
    prepopulated_fields = {"slug": ["name"]}

    def get_changelist_formset(self, request, **kwargs):
        """Each row's order box named by its column and its theme: Django's had no label (WCAG 1.3.1, 4.1.2)."""
        formset = super().get_changelist_formset(request, **kwargs)

        class NamedByTheirRows(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for name in ThemeAdmin.list_editable:
                    field = form.fields[name]
                    field.widget.attrs["aria-label"] = f"{field.label}: {form.instance}"

        return NamedByTheirRows


@admin.register(CountryPledge)
class CountryPledgeAdmin(HistoryAdmin):
    list_display = ["country", "pledging_body", "status", "event", "pledged_on", "theme_names"]
    list_filter = ["status", ("country", CountryFilter), "themes", "event"]
    list_select_related = ["event"]
    search_fields = ["pledging_body__unaccent", "commitment__unaccent", "event__title__unaccent"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["themes"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    def get_search_results(self, request, queryset, search_term):
        """Also the pledges of each country whose name, in the admin's language or in English, holds what was searched."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if codes := codes_named(search_term.strip(), {translation.get_language(), "en"}):
            results |= queryset.filter(country__in=codes)
        return results, may_have_duplicates

    @admin.display(description=_("themes"))
    def theme_names(self, obj):
        return ", ".join(theme.name for theme in obj.themes.all())


@admin.register(Video)
class VideoAdmin(HistoryAdmin):
    list_display = ["thumb", "title", "kind", "event", "duration", "has_warning"]
    list_display_links = ["thumb", "title"]
    list_filter = ["kind", "event"]
    list_select_related = ["event"]
    search_fields = ["title__unaccent", "description__unaccent", "transcript__unaccent"]
    autocomplete_fields = ["event", "session"]

    @admin.display(description=_("poster"))
    def thumb(self, obj):
        return thumbnail(obj.poster_renditions, obj.poster_alt)

    @admin.display(description=_("content warning"), boolean=True)
    def has_warning(self, obj):
        return bool(obj.content_warning)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(CheckedImageFormField):
    """
    Several images in one field; each is checked like any single upload. At most `settings.GALLERY_UPLOAD_MAX_PHOTOS`
    at a time: each is checked and re-encoded while the editor waits (0.3 to 0.7 s for a 12-megapixel photo on a
    small server; the task worker resizes it afterwards), and the server gives up on a request after
    GUNICORN_TIMEOUT (30 s); so their megapixels, with the photo rows', are bounded too (WithinUploadPixelBudget).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            limit = settings.GALLERY_UPLOAD_MAX_PHOTOS
            if len(data) > limit:
                raise forms.ValidationError(
                    _(
                        "Add up to %(limit)d photos at a time (you chose %(count)d): each is checked while you wait."
                    ),
                    code="too_many_photos",
                    params={"limit": limit, "count": len(data)},
                )
            if len(data) == 1:
                return [single(data[0], initial)]
            # Among several, each refusal names its file, and every refused file is listed at once: "This file is
            # not a complete JPEG, PNG or WebP image." alone left the editor to guess which of 20 photos it meant.
            images, errors = [], []
            for item in data:
                try:
                    images.append(single(item, initial))
                except forms.ValidationError as error:
                    errors.extend(
                        forms.ValidationError(
                            _("“%(name)s”: %(message)s"),
                            code=refusal.code,
                            params={"name": getattr(item, "name", ""), "message": message},
                        )
                        for refusal in error.error_list
                        for message in refusal
                    )
            if errors:
                raise forms.ValidationError(errors)
            return images
        return [single(data, initial)] if data else []


class GalleryForm(WithinUploadPixelBudget, forms.ModelForm):
    upload = MultipleImageField(
        label=_("Add photos"),
        required=False,
        help_text=_(
            "Choose several images at once. Each gets the alt text below (edit each afterwards); "
            "photos without alt text are never published."
        ),
    )
    upload_alt_text = forms.CharField(label=_("Alt text for the new photos"), required=False, max_length=250)
    upload_credit = forms.CharField(
        label=_("Credit for the new photos"), required=False, max_length=150, help_text=CREDIT_HELP
    )

    class Meta:
        model = Gallery
        fields = ["event", "title", "description", "order"]

    def clean_upload_credit(self):
        return without_credit_prefix(self.cleaned_data["upload_credit"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("upload") and not (cleaned.get("upload_alt_text") or "").strip():
            self.add_error("upload_alt_text", _("Give alt text for the new photos."))
        return cleaned


class PhotoForm(WithinUploadPixelBudget, forms.ModelForm):
    """A gallery's photo row: its new image counts, with the gallery's "Add photos", against the save's pixels."""


class PhotoInline(SelectsWrittenInPython, TabularInline):
    model = Photo
    form = PhotoForm
    extra = 0
    fields = ["thumb", "image", "alt_text", "caption", "credit", "order"]
    readonly_fields = ["thumb"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A sentence each, read and written whole: in a one-line box about 100 px wide at 1280 px, an editor saw
        # the first dozen characters of a photo's alt text.
        if db_field.name in {"alt_text", "caption"}:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("preview"))
    def thumb(self, obj):
        if obj.pk and not obj.renditions:
            return _(
                "Being resized: not on the page yet. Still so after a few minutes? Save the gallery again."
            )
        return thumbnail(obj.renditions, obj.alt_text)


@admin.register(Gallery)
class GalleryAdmin(HistoryAdmin):
    form = GalleryForm
    list_display = ["title", "event", "order", "n_photos"]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["title__unaccent", "description__unaccent", "event__title__unaccent"]
    autocomplete_fields = ["event"]
    inlines = [PhotoInline]
    fieldsets = [
        (None, {"fields": ["event", "title", "description", "order"]}),
        (_("Upload several photos"), {"fields": ["upload", "upload_alt_text", "upload_credit"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(photo_count=Count("photos"))

    @admin.display(description=_("photos"), ordering="photo_count")
    def n_photos(self, obj):
        return obj.photo_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A photo still without renditions (its resizing failed, or is yet to come) is queued again: saving the
        # gallery is what an editor does when a photo never appears.
        stored = list(form.instance.photos.values_list("pk", "renditions"))
        for photo_id, renditions in stored:
            if not renditions:
                tasks.make_photo_renditions.enqueue(photo_id)
        files = form.cleaned_data.get("upload") or []
        for number, image in enumerate(files, start=len(stored)):
            photo = Photo(
                gallery=form.instance,
                image=image,
                alt_text=form.cleaned_data["upload_alt_text"],
                credit=form.cleaned_data.get("upload_credit", ""),
                order=number,
            )
            # Resized by the task worker, not while the editor waits (events.tasks).
            photo.save(renditions=False)
            tasks.make_photo_renditions.enqueue(photo.pk)
        if files:
            self.message_user(
                request,
                ngettext(
                    "%d photo added. It appears on the page once it is resized, within a minute.",
                    "%d photos added. They appear on the page once they are resized, within a minute.",
                    len(files),
                )
                % len(files),
                messages.SUCCESS,
            )


@admin.register(Resource)
class ResourceAdmin(HistoryAdmin):
    list_display = ["title", "kind", "language", "event"]
    list_filter = ["kind", ("language", ChoicesInUseFilter), "event"]
    list_select_related = ["event"]
    search_fields = ["title__unaccent", "event__title__unaccent"]
    autocomplete_fields = ["event"]
