import os

from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV
from import_export.tmp_storages import TempFolderStorage

from safedigital.admin import (
    ChoicesInUseFilter,
    HistoryAdmin,
    RowsToldBesideForm,
    RowsToldBesideFormSet,
    SelectsWrittenInPython,
    TabularInline,
)

from .forms import MediaMentionFormSet, MentionConfirmImportForm, MentionImportForm
from .models import CoverageFigures, MediaMention, Outlet, PlatformFigures, SocialFigures
from .resources import MediaMentionResource

# The event is chosen by autocomplete (autocomplete_fields = ["event"]), served by the events app's EventAdmin and
# its search_fields. That admin registers after this module is imported (events/admin.py imports it), which is
# fine: autocomplete is resolved when the form is built and checked by `manage.py check`, not at import.


def mentions_changelist_url(event):
    """The mention list filtered to one event: the path from an event to its coverage."""
    return f"{reverse('admin:media_coverage_mediamention_changelist')}?event__id__exact={event.pk}"


def mentions_import_url(event):
    return f"{reverse('admin:media_coverage_mediamention_import')}?event={event.pk}"


def figures_links(event):
    """
    (url, label) for the event's coverage figures and social media figures: their change page when they exist,
    else their add page with the event chosen. Two small queries; meant for one event's change form.
    """
    links = []
    for model, change_label, add_label in (
        (CoverageFigures, _("Coverage figures"), _("Add coverage figures")),
        (SocialFigures, _("Social media figures"), _("Add social media figures")),
    ):
        opts = model._meta
        pk = model.objects.filter(event=event).values_list("pk", flat=True).first()
        if pk is None:
            url = f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_add')}?event={event.pk}"
            links.append((url, add_label))
        else:
            links.append(
                (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]), change_label)
            )
    return links


def event_coverage_links(event):
    """The path from an event's change form to everything about its coverage, as links separated by dots."""
    links = [
        (mentions_changelist_url(event), _("All mentions of this event")),
        (mentions_import_url(event), _("Import mentions from CSV")),
        *figures_links(event),
    ]
    return format_html_join(" · ", '<a href="{}">{}</a>', links)


class MediaMentionInline(SelectsWrittenInPython, TabularInline):
    """The event's mentions, for the events admin: `inlines = [MediaMentionInline, …]`."""

    model = MediaMention
    formset = MediaMentionFormSet
    extra = 0
    fields = ["outlet", "headline", "link", "date", "language", "kind", "reach"]
    autocomplete_fields = ["outlet"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet")


@admin.register(Outlet)
class OutletAdmin(HistoryAdmin):
    list_display = ["name", "medium", "country", "placeholder", "mention_count", "logo_thumbnail"]
    list_filter = ["medium", ("country", CountryFilter), "placeholder"]
    search_fields = ["name__unaccent", "description__unaccent"]
    fields = ["name", "medium", "country", "description", "website", "logo", "placeholder"]

    def get_queryset(self, request):
        # Counting groups the rows, which drops Meta.ordering: keep it, so that the outlet autocomplete (the mentions'
        # outlet) lists them by name and its pages neither repeat nor skip one.
        return (
            super()
            .get_queryset(request)
            .annotate(number_of_mentions=Count("mentions"))
            .order_by(*Outlet._meta.ordering)
        )

    @admin.display(description=_("mentions"), ordering="number_of_mentions")
    def mention_count(self, outlet):
        return outlet.number_of_mentions

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, outlet):
        if not outlet.logo:
            return ""
        return format_html(
            '<img src="{}" alt="{}" class="admin-thumbnail" height="32">', outlet.logo.url, outlet
        )


@admin.register(MediaMention)
class MediaMentionAdmin(ImportMixin, HistoryAdmin):
    list_display = ["headline", "outlet", "medium", "event", "date", "language", "kind", "reach"]
    list_filter = [
        ("outlet__medium", admin.ChoicesFieldListFilter),
        ("language", ChoicesInUseFilter),
        ("outlet__country", CountryFilter),
        "event",
        "date",
        "kind",
    ]
    list_select_related = ["outlet", "event"]
    search_fields = ["headline__unaccent", "outlet__name__unaccent", "link", "excerpt__unaccent"]
    autocomplete_fields = ["outlet", "event"]
    date_hierarchy = "date"
    fields = ["event", "outlet", "headline", "link", "date", "language", "kind", "reach", "excerpt"]

    resource_classes = [MediaMentionResource]
    import_form_class = MentionImportForm
    confirm_form_class = MentionConfirmImportForm
    import_template_name = "admin/media_coverage/mediamention/import.html"
    import_export_change_list_template = "admin/media_coverage/mediamention/change_list_import.html"

    @admin.display(description=_("medium"), ordering="outlet__medium")
    def medium(self, mention):
        return mention.outlet.get_medium_display()

    def has_import_permission(self, request):
        """Importing adds and changes mentions (and may add outlets): it takes both rights."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_import_formats(self):
        return [CSV]

    def get_import_form_initial(self, request):
        return {"event": request.GET.get("event")} if request.GET.get("event", "").isdigit() else {}

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {"event": cleaned.get("event")}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["event"] = import_form.cleaned_data["event"].pk
        return initial

    def process_import(self, request, **kwargs):
        """A confirmation whose waiting file is gone (expired or evicted from the cache) asks for the file again."""
        if (
            request.method == "POST"
            and self.has_import_permission(request)
            and not self.waiting_file_exists(request)
        ):
            messages.error(
                request, _("Nothing was imported: the preview has expired. Upload the file again.")
            )
            return HttpResponseRedirect(reverse("admin:media_coverage_mediamention_import"))
        return super().process_import(request, **kwargs)

    def waiting_file_exists(self, request):
        """
        Whether the file the confirmation names is still waiting. Its name is taken as the confirmation form
        takes it, its last part alone (ConfirmImportForm.clean_import_file_name): taken whole, a name such as
        "/etc/passwd" had this read any file of the server, whole, into memory. A file in the temporary folder is
        only looked for, not read.
        """
        name = os.path.basename(request.POST.get("import_file_name", ""))
        if not name:
            return True  # the confirmation form's own validation answers
        storage = self.get_tmp_storage_class()(
            name=name, read_mode="rb", **self.get_tmp_storage_class_kwargs()
        )
        if isinstance(storage, TempFolderStorage):
            return os.path.isfile(storage.get_full_path())
        try:
            return storage.read() is not None
        except OSError:
            return False

    def process_result(self, result, request):
        event_id = request.POST.get("event", "")
        if result.has_errors() or result.has_validation_errors():
            # The file changed between the preview and the confirmation; the transaction wrote nothing.
            messages.error(
                request, _("Nothing was imported: the file has errors. Upload it again to see them.")
            )
            return HttpResponseRedirect(reverse("admin:media_coverage_mediamention_import"))
        response = super().process_result(result, request)
        if event_id.isdigit():
            response["Location"] += f"?event__id__exact={event_id}"
        return response


class PlatformFiguresInline(SelectsWrittenInPython, admin.StackedInline):
    """A platform's figures, stacked: as a table, its ten columns ran off the page at 1280 px, "Delete?" with them."""

    model = PlatformFigures
    form = RowsToldBesideForm
    formset = RowsToldBesideFormSet
    extra = 0
    fields = [
        ("platform", "order"),
        ("posts", "impressions", "engagements"),
        "top_post_link",
        ("top_post_impressions", "top_post_engagements"),
        ("impressions_uplift_percent", "reactions_uplift_percent"),
    ]


@admin.register(CoverageFigures)
class CoverageFiguresAdmin(HistoryAdmin):
    list_display = ["event", "reported_reach", "summed_reach", "reach_shown", "outlets", "mentions_link"]
    list_filter = ["reach_shown"]
    list_select_related = ["event"]
    search_fields = ["event__title__unaccent", "source__unaccent"]
    autocomplete_fields = ["event"]
    fieldsets = [
        (None, {"fields": ["event"]}),
        (_("Reach"), {"fields": ["reported_reach", "source", "source_link", "reach_shown", "summed_reach"]}),
        (_("Outlets"), {"fields": ["outlet_count_override", "outlets"]}),
        (_("Mentions"), {"fields": ["mentions_link"]}),
    ]
    readonly_fields = ["summed_reach", "outlets", "mentions_link"]

    def get_queryset(self, request):
        """Each row's mention count, summed reach and outlets, counted in the one changelist query."""
        mentions = MediaMention.objects.filter(event=OuterRef("event")).order_by().values("event")
        return (
            super()
            .get_queryset(request)
            .annotate(
                mention_total=Coalesce(Subquery(mentions.annotate(n=Count("pk")).values("n")), 0),
                mentions_reach=Subquery(mentions.annotate(total=Sum("reach")).values("total")),
                outlets_counted=Coalesce(
                    Subquery(mentions.annotate(n=Count("outlet", distinct=True)).values("n")), 0
                ),
            )
        )

    @admin.display(description=_("sum of the mentions' reach"), ordering="mentions_reach")
    def summed_reach(self, figures):
        if figures.pk is None or figures.mentions_reach is None:
            return "—"
        return intcomma(figures.mentions_reach)

    @admin.display(description=_("outlets"))
    def outlets(self, figures):
        if figures.pk is None:
            return "—"
        if figures.outlet_count_override is not None:
            return _("%(override)s (override; %(counted)s counted from the mentions)") % {
                "override": figures.outlet_count_override,
                "counted": figures.outlets_counted,
            }
        return _("%(counted)s (counted from the mentions)") % {"counted": figures.outlets_counted}

    @admin.display(description=_("mentions"), ordering="mention_total")
    def mentions_link(self, figures):
        if figures.pk is None:
            return "—"
        label = ngettext("%(count)d mention", "%(count)d mentions", figures.mention_total) % {
            "count": figures.mention_total
        }
        return format_html('<a href="{}">{}</a>', mentions_changelist_url(figures.event), label)


@admin.register(SocialFigures)
class SocialFiguresAdmin(HistoryAdmin):
    list_display = ["event", "hashtags", "total_posts", "maximum_reach", "impressions", "countries_reached"]
    list_select_related = ["event"]
    search_fields = ["event__title__unaccent", "hashtags__unaccent"]
    autocomplete_fields = ["event"]
    fields = [
        "event",
        "hashtags",
        "total_posts",
        "maximum_reach",
        "impressions",
        "countries_reached",
        "source",
    ]
    inlines = [PlatformFiguresInline]
