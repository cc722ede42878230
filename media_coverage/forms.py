from django import forms
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
