from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm, ImportForm

from events.models import Event

from .models import Outlet
from .resources import check_csv_upload


class MentionImportForm(ImportForm):
    """The import's first step: the event the file is about, and the file, checked before it is read."""

    event = forms.ModelChoiceField(
        label=_("Event"),
        queryset=Event.objects.order_by("-start_date", "title"),
        help_text=_("Every row of the file becomes a mention of this event."),
    )
    field_order = ["resource", "event", "import_file", "format"]

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        check_csv_upload(upload)
        return upload


class MentionConfirmImportForm(ConfirmImportForm):
    """The confirmation step carries the event chosen in the first step."""

    event = forms.ModelChoiceField(queryset=Event.objects.all(), widget=forms.HiddenInput)


class MediaMentionFormSet(BaseInlineFormSet):
    """
    An event's mention rows, checked against each other as the database checks them: Django's formset compares
    rows only on plain unique fields, not on a conditional or expression constraint such as the mentions' link
    and headline ones, so two such rows reached the database and the whole form was lost to a server error.
    """

    def clean(self):
        super().clean()
        links, headlines = set(), set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if link := data.get("link"):
                if link in links:
                    form.add_error("link", _("Another row has this link."))
                links.add(link)
            if data.get("outlet") and data.get("headline"):
                key = (data["outlet"].pk, data["headline"].lower())
                if key in headlines:
                    form.add_error("headline", _("Another row has this outlet and headline."))
                headlines.add(key)


class CoverageFilterForm(forms.Form):
    """The coverage page's filters: a GET form that works without JavaScript."""

    medium = forms.ChoiceField(
        label=_("Medium"), required=False, choices=[("", _("All media")), *Outlet.Medium.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("All languages"))])

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *languages]

    def filters(self):
        """The chosen filters as {"medium": …, "language": …}; a value that is not a choice is ignored."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in ("medium", "language") if cleaned.get(name)}
