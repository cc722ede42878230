import csv
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from safedigital.admin import TabularInline

from . import tasks
from .forms import MultilineTextField
from .models import PERSONAL_FIELDS, DonationEnquiry, StatusChange

# A spreadsheet may read a cell as a formula when it starts with one of these, even after spaces or line breaks
# (it trims them), or when it starts with a tab, carriage return or line feed.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n")


def staff_name(user):
    """
    "Sofía Ruiz (sofia)", or the user name alone when the account has no name: how a member of staff is named
    wherever the enquiries show one (the owner select, the export).
    """
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


# What a CSV export holds: (column heading, how to get the cell from an enquiry), in the admin's language.
CSV_COLUMNS = [
    (_("ID"), lambda e: e.pk),
    (_("Received"), lambda e: timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M")),
    (_("Status"), lambda e: e.get_status_display()),
    (_("Kind of support"), lambda e: e.get_kind_display()),
    (_("Budget"), lambda e: e.get_budget_display()),
    (_("Name"), lambda e: e.name),
    (_("E-mail"), lambda e: e.email),
    (_("Organisation"), lambda e: e.organisation),
    (_("Country"), lambda e: e.country.name if e.country else ""),
    (_("Phone"), lambda e: str(e.phone or "")),
    (_("Message"), lambda e: e.message),
    (_("Wants the newsletter"), lambda e: _("yes") if e.newsletter_opt_in else _("no")),
    (_("Owner"), lambda e: staff_name(e.owner) if e.owner else ""),
    (_("Next action"), lambda e: e.next_action_on.isoformat() if e.next_action_on else ""),
    (_("Internal notes"), lambda e: e.notes),
    (_("Suspected spam"), lambda e: _("yes") if e.is_spam else _("no")),
    (_("Why it looks like spam"), lambda e: e.spam_reason),
    (_("Sent from the page"), lambda e: e.source_path),
    (_("Event"), lambda e: e.event.title if e.event else ""),
    (_("Language"), lambda e: e.language),
]


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: one that could start a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """csv.writer writes each row to this and gets it back, so the response can stream."""

    def write(self, value):
        return value


def csv_response(queryset, filename):
    """The enquiries as CSV, in the queryset's order: the changelist's, as the fundraiser sorted it."""
    writer = csv.writer(_Echo())
    rows = queryset.select_related("owner", "event")

    def lines():
        yield "\ufeff"  # a byte order mark, so that spreadsheets read the file as UTF-8
        yield writer.writerow([heading for heading, _get in CSV_COLUMNS])
        for enquiry in rows.iterator(chunk_size=500):
            yield writer.writerow([safe_cell(get(enquiry)) for _heading, get in CSV_COLUMNS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class SpamFilter(admin.SimpleListFilter):
    """
    Suspected spam stays out of the pipeline unless asked for, but a search reaches it: a real donor wrongly taken
    for spam must be found by their name or address (each marked as spam in the list). "Not spam" still narrows
    a search.

    What a search shows by itself is no choice: its spam is left out of a status change over "select all"
    (leave_out_unseen_spam), so no choice is shown selected then, and "All, spam included" chosen during a search
    stays in the list's address (spam=all), where the actions read it.
    """

    title = _("spam")
    parameter_name = "spam"

    def __init__(self, request, params, model, model_admin):
        self.searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("no", _("Not spam")), ("yes", _("Suspected spam")), ("all", _("All, spam included"))]

    @property
    def default(self):
        return "all" if self.searching else "no"

    def choices(self, changelist):
        # Outside a search, "Not spam" is what the list shows unless another is chosen: it needs no parameter.
        unchosen = None if self.searching else "no"
        # "Show counts" counts each choice within the search and the other filters, as Django's own filters do.
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        for index, (lookup, title) in enumerate(self.lookup_choices):
            if lookup == unchosen:
                query_string = changelist.get_query_string(remove=[self.parameter_name])
            else:
                query_string = changelist.get_query_string({self.parameter_name: lookup})
            yield {
                "selected": (self.value() or unchosen) == lookup,
                "query_string": query_string,
                "display": title if counts is None else f"{title} ({counts[f'{index}__c']})",
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default
        if value == "yes":
            return queryset.spam()
        if value == "all":
            return queryset
        return queryset.genuine()


class MailProblemFilter(admin.SimpleListFilter):
    """Enquiries an e-mail about which could not be sent: someone may be waiting for an answer."""

    title = _("e-mails")
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("problem", _("With an e-mail problem"))]

    def queryset(self, request, queryset):
        if self.value() == "problem":
            return queryset.exclude(notification_error="")
        return queryset


def notify_rescued(pks):
    """
    After commit, tells the fundraising team of enquiries taken out of spam that it was never told of, with the
    e-mail a genuine enquiry gets; not of anonymised ones, which leave nobody to reply to. The person is not
    sent the acknowledgement: it may come days late, and staff reply themselves. Returns how many will be told.
    """
    unnotified = list(
        DonationEnquiry.objects.filter(
            pk__in=pks, is_spam=False, notified_at__isnull=True, anonymised_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in unnotified:
        tasks.queue_enquiry_emails(pk, acknowledge=False)
    return len(unnotified)


class OwnerFilter(admin.RelatedOnlyFieldListFilter):
    """The owners of enquiries, and the enquiries nobody has taken yet, by that name (Django's shows "-")."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.empty_value_display = _("No owner")


class NextActionFilter(admin.SimpleListFilter):
    title = _("next action")
    parameter_name = "next_action"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("none", _("None set"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "none":
            return queryset.open().filter(next_action_on__isnull=True)
        return queryset


class StatusChangeInline(TabularInline):
    """The enquiry's history through the pipeline: read only, written by the admin when the status changes."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("donations.view_donationenquiry")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def log_change(request, pks, message):
    """One admin log entry per changed enquiry, written in one query."""
    LogEntry.objects.log_actions(request.user.pk, DonationEnquiry.objects.filter(pk__in=pks), CHANGE, message)


def leave_out_unseen_spam(modeladmin, request, queryset):
    """
    The enquiries a change of the pipeline applies to, and how many suspected spam it leaves out. A search reaches
    suspected spam (SpamFilter), each row marked among the rest; but "select all" selects the search's rows on
    every page, which the fundraiser has not seen, so a change over all of them leaves spam out unless a choice of
    the spam filter is in the list's address ("All, spam included" too). Rows ticked one by one are changed as
    ticked.
    """
    # Read as Django's action form reads it.
    select_across = modeladmin.action_form.base_fields["select_across"].to_python(
        request.POST.get("select_across")
    )
    if not select_across or SpamFilter.parameter_name in request.GET:
        return queryset, 0
    return queryset.genuine(), queryset.spam().count()


def status_action(status):
    @admin.action(
        permissions=["change"],
        description=format_lazy(
            _("Set the status of the selected enquiries to “{status}”"), status=status.label
        ),
    )
    def action(modeladmin, request, queryset):
        queryset, spam_left_out = leave_out_unseen_spam(modeladmin, request, queryset)
        changed_pks = queryset.set_status(status, by=request.user)
        log_change(request, changed_pks, [{"changed": {"fields": ["Status"]}}])
        changed = len(changed_pks)
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d enquiry moved to “%(status)s”.",
                "%(count)d enquiries moved to “%(status)s”.",
                changed,
            )
            % {"count": changed, "status": status.label},
            messages.SUCCESS,
        )
        if spam_left_out:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d enquiry found by the search is suspected spam and was left out: to change it "
                    "too, choose “All, spam included” in the spam filter and select all again, or tick it in "
                    "the list.",
                    "%(count)d enquiries found by the search are suspected spam and were left out: to change "
                    "them too, choose “All, spam included” in the spam filter and select all again, or tick "
                    "them in the list.",
                    spam_left_out,
                )
                % {"count": spam_left_out},
                messages.WARNING,
            )

    action.__name__ = f"set_status_{status.value}"
    return action


class EnquiryAdminForm(forms.ModelForm):
    """The enquiry's change form, with the rules a fundraiser's slips break."""

    class Meta:
        field_classes = {"notes": MultilineTextField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields.get("owner")
        if owner is None:
            return
        # Only staff who may open the enquiries, by name: one given to an editor would be given to nobody.
        owner.queryset = owner.queryset.filter(
            pk__in=get_user_model().objects.with_perm(
                "donations.view_donationenquiry", backend="django.contrib.auth.backends.ModelBackend"
            )
        )
        owner.label_from_instance = staff_name
        if self.instance.owner_id is None:
            return
        if not owner.queryset.filter(pk=self.instance.owner_id).exists():
            # An owner who has left (inactive, no longer staff, or no longer with the enquiries) is not among the
            # choices, so the form shows nobody and saving it for any other change takes them off: say who it
            # was, beside the field. The admin shows a help text as HTML, so the name is escaped.
            owner.help_text = _(
                "%(owner)s looked after this enquiry but can no longer work on the enquiries, so cannot be "
                "chosen: choose who looks after it now, or saving leaves it with nobody."
            ) % {"owner": escape(staff_name(self.instance.owner))}

    def clean_next_action_on(self):
        # A day already past would be overdue the moment it is saved: a slip (last year, the wrong month). One
        # that has since passed may stay, so that an overdue enquiry can still be saved with a note.
        day = self.cleaned_data["next_action_on"]
        if day is not None and "next_action_on" in self.changed_data and day < timezone.localdate():
            raise ValidationError(
                _("Choose today or a later day: a next action in the past would be overdue at once."),
                code="past",
            )
        return day


@admin.register(DonationEnquiry)
class DonationEnquiryAdmin(admin.ModelAdmin):
    """The fundraisers' pipeline."""

    form = EnquiryAdminForm

    list_display = [
        "who",
        "organisation",
        "kind",
        "budget",
        "country",
        "status",
        "owner",
        "next_action",
        "is_spam",
        "created_at",
        "emails_sent",
    ]
    list_display_links = ["who"]
    list_filter = [
        SpamFilter,
        MailProblemFilter,
        "status",
        "kind",
        "budget",
        ("country", CountryFilter),
        "created_at",
        ("owner", OwnerFilter),
        NextActionFilter,
    ]
    list_select_related = ["owner"]
    # Accents ignored, on both sides: "lucia" finds "Lucía" (safedigital/lookups.py).
    search_fields = ["name__unaccent", "email__unaccent", "organisation__unaccent"]
    search_help_text = _("Search by name, e-mail address or organisation.")
    list_per_page = 50
    inlines = [StatusChangeInline]
    readonly_fields = [
        "message",
        "privacy_consent",
        "newsletter_opt_in",
        "source_path",
        "event_page",
        "language",
        "created_at",
        "updated_at",
        "notified_at",
        "acknowledged_at",
        "notification_error",
        "anonymised_at",
    ]
    fieldsets = [
        (_("Pipeline"), {"fields": ["status", "owner", "next_action_on", "notes"]}),
        (_("Who"), {"fields": ["name", "email", "organisation", "country", "phone"]}),
        (_("Their enquiry"), {"fields": ["kind", "budget", "message"]}),
        (_("Consent"), {"fields": ["privacy_consent", "newsletter_opt_in"]}),
        (_("Where it came from"), {"fields": ["created_at", "source_path", "event_page", "language"]}),
        (_("Spam"), {"fields": ["is_spam", "spam_reason"]}),
        (
            _("E-mails and records"),
            {
                "fields": [
                    "notified_at",
                    "acknowledged_at",
                    "notification_error",
                    "updated_at",
                    "anonymised_at",
                ]
            },
        ),
    ]
    actions = [
        *[status_action(status) for status in DonationEnquiry.Status if status != DonationEnquiry.Status.NEW],
        "mark_not_spam",
        "mark_spam",
        "export_csv",
        "export_subject_access",
        "erase_personal_data",
    ]

    class Media:
        css = {"all": ["css/donations-admin.css"]}

    # Columns.

    @admin.display(description=_("name"), ordering="name")
    def who(self, enquiry):
        name = enquiry.name or _("(anonymised)")
        if enquiry.is_spam:
            # A search shows suspected spam among the rest: each says so where the eye falls.
            return format_html('{} <span class="enquiry-spam">({})</span>', name, _("suspected spam"))
        return name

    @admin.display(description=_("next action"), ordering="next_action_on")
    def next_action(self, enquiry):
        if enquiry.next_action_on is None:
            return "—"
        # Written as the admin writes the dates it shows itself, so that an overdue one reads like the others.
        day = formats.localize(enquiry.next_action_on)
        if enquiry.is_overdue:
            return format_html('<span class="enquiry-overdue">{} ({})</span>', day, _("overdue"))
        return day

    @admin.display(description=_("event"))
    def event_page(self, enquiry):
        """
        The event, linked to its public page while it is public: Django's own read-only field links to the event's
        admin page, which fundraisers may not open (a 403).
        """
        event = enquiry.event
        if event is None:
            return "—"
        if event.is_public:
            return format_html('<a href="{}">{}</a>', event.get_absolute_url(), event.title)
        return event.title

    @admin.display(description=_("e-mails"))
    def emails_sent(self, enquiry):
        if enquiry.notification_error:
            return format_html('<span class="enquiry-mail-problem">{}</span>', _("problem, see record"))
        if enquiry.notified_at:
            # Not thanked: too many enquiries from the person's address in a day.
            return _("sent") if enquiry.acknowledged_at else _("to the team only")
        return "—"

    # Permissions.

    def has_add_permission(self, request):
        # Enquiries come from the public form only.
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.anonymised_at:
            return False
        return super().has_change_permission(request, obj)

    def has_export_permission(self, request):
        return request.user.has_perm("donations.export_donationenquiry")

    # Saving.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            StatusChange.objects.create(
                enquiry=obj, from_status=form.initial["status"], to_status=obj.status, changed_by=request.user
            )
        if change and "is_spam" in form.changed_data and not obj.is_spam:
            notify_rescued(
                [obj.pk]
            )  # the change form saves in a transaction: the e-mail waits for its commit

    # Actions.

    @admin.action(permissions=["change"], description=_("Mark the selected enquiries as not spam"))
    def mark_not_spam(self, request, queryset):
        with transaction.atomic():
            pks = list(queryset.spam().values_list("pk", flat=True))
            count = DonationEnquiry.objects.filter(pk__in=pks).update(
                is_spam=False, updated_at=timezone.now()
            )
            log_change(request, pks, [{"changed": {"fields": ["Suspected spam"]}}])
            notified = notify_rescued(pks)
        message = ngettext(
            "%(count)d enquiry marked as not spam.", "%(count)d enquiries marked as not spam.", count
        ) % {"count": count}
        if notified:
            message += " " + ngettext(
                "The fundraising team is e-mailed about %(count)d enquiry, as about a new one.",
                "The fundraising team is e-mailed about %(count)d enquiries, as about new ones.",
                notified,
            ) % {"count": notified}
        if count:
            message += " " + _(
                "No acknowledgement is sent to the people who wrote (it goes out only when an enquiry arrives): "
                "reply to them yourself."
            )
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(permissions=["change"], description=_("Mark the selected enquiries as spam"))
    def mark_spam(self, request, queryset):
        reason = _("marked as spam by %(user)s") % {"user": request.user.get_username()}
        pks = list(queryset.genuine().values_list("pk", flat=True))
        count = DonationEnquiry.objects.filter(pk__in=pks).update(
            is_spam=True, spam_reason=reason, updated_at=timezone.now()
        )
        log_change(request, pks, [{"changed": {"fields": ["Suspected spam", "Why it looks like spam"]}}])
        self.message_user(
            request,
            ngettext("%(count)d enquiry marked as spam.", "%(count)d enquiries marked as spam.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(permissions=["export"], description=_("Export the selected enquiries as CSV"))
    def export_csv(self, request, queryset):
        return csv_response(queryset, f"donation-enquiries-{timezone.localdate().isoformat()}.csv")

    @admin.action(
        permissions=["export"],
        description=_("Download everything held about the selected people (subject access, JSON)"),
    )
    def export_subject_access(self, request, queryset):
        emails = set(queryset.exclude(email="").values_list("email", flat=True))
        enquiries = (
            DonationEnquiry.objects.for_emails(emails)
            .select_related("event", "owner")
            .prefetch_related("status_changes")
            .order_by("created_at")
        )
        data = {
            "e-mail addresses": sorted({email.lower() for email in emails}),
            "exported at": timezone.now(),
            "enquiries": [subject_access_record(enquiry) for enquiry in enquiries],
        }
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{timezone.localdate().isoformat()}.json"'
        )
        return response

    @admin.action(
        permissions=["delete"],
        description=_("Erase the personal data of the selected people (every enquiry from their addresses)"),
    )
    def erase_personal_data(self, request, queryset):
        emails = set(queryset.exclude(email="").values_list("email", flat=True))
        matching = DonationEnquiry.objects.for_emails(emails).filter(anonymised_at__isnull=True)
        if request.POST.get("confirm") == "yes":
            pks = list(matching.values_list("pk", flat=True))
            count = matching.anonymise()
            log_change(request, pks, "Personal data erased on request.")
            self.message_user(
                request,
                ngettext(
                    "The personal data of %(count)d enquiry was erased.",
                    "The personal data of %(count)d enquiries was erased.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data?"),
            "opts": self.opts,
            "queryset": queryset,
            "emails": sorted({email.lower() for email in emails}),
            "count": matching.count(),
            "personal_fields": [
                str(DonationEnquiry._meta.get_field(name).verbose_name) for name in PERSONAL_FIELDS
            ],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/donations/donationenquiry/erase_confirmation.html", context)

    # The changelist's "Export all as CSV" button: exactly what the current filters and search show.

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="donations_donationenquiry_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:donations_donationenquiry_changelist"))
        return csv_response(
            changelist.get_queryset(request), f"donation-enquiries-{timezone.localdate().isoformat()}.csv"
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)


def subject_access_record(enquiry):
    """Everything held about one enquiry, for the person who sent it."""
    return {
        "received": enquiry.created_at,
        "last changed": enquiry.updated_at,
        "name": enquiry.name,
        "e-mail": enquiry.email,
        "organisation": enquiry.organisation,
        "country": enquiry.country.name if enquiry.country else "",
        "phone": str(enquiry.phone or ""),
        "kind of support": str(enquiry.get_kind_display()),
        "budget": str(enquiry.get_budget_display()),
        "message": enquiry.message,
        "agreed to the privacy notice": enquiry.privacy_consent,
        "wants the newsletter": enquiry.newsletter_opt_in,
        "sent from the page": enquiry.source_path,
        "event": enquiry.event.title if enquiry.event else "",
        "language": enquiry.language,
        "status": str(enquiry.get_status_display()),
        "next action": enquiry.next_action_on,
        "internal notes": enquiry.notes,
        "suspected spam": enquiry.is_spam,
        "why it looked like spam": enquiry.spam_reason,
        "team e-mailed": enquiry.notified_at,
        "acknowledgement sent": enquiry.acknowledged_at,
        "e-mail problems": enquiry.notification_error,
        "anonymised": enquiry.anonymised_at,
        "status history": [
            {
                "from": str(change.get_from_status_display()),
                "to": str(change.get_to_status_display()),
                "at": change.changed_at,
            }
            for change in enquiry.status_changes.all()
        ],
    }
