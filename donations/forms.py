from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.validators import RegexValidator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField
from django_countries.widgets import LazySelect

from . import spam
from .models import DonationEnquiry

single_line = RegexValidator(
    r"[\x00-\x1f\x7f]",
    inverse_match=True,
    message=_("Please keep this to one line, without special characters."),
    code="control_characters",
)


class CountryChoiceField(LazyTypedChoiceField):
    """
    django-countries' choice field, with the same choices, that checks a sent code by looking it up among the
    country codes instead of walking the whole list of 250 translated country names (which cost more than every
    other field of the form together).
    """

    def valid_value(self, value):
        return str(value) in countries


class CountrySelect(LazySelect):
    """
    django-countries' select, its 250 options written out in Python: Django renders each option through two
    templates, which made this one field cost more than the rest of the page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # The plain widget's context (name, attributes, the selected value as a list), without the option
        # dictionaries a ChoiceWidget builds for its templates.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        selected = set(widget["value"])
        options = "".join(
            f'\n  <option value="{escape(code)}"{" selected" if str(code) in selected else ""}>{escape(label)}</option>'
            for code, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(widget["attrs"])}>{options}\n</select>')  # noqa: S308


def enquiry_formfield(model_field, **kwargs):
    if model_field.name == "country":
        kwargs["choices_form_class"] = CountryChoiceField
        kwargs["widget"] = CountrySelect
    return model_field.formfield(**kwargs)


class EnquiryForm(forms.ModelForm):
    """The public "Let's chat" form: what the person tells us, plus two hidden spam traps."""

    # A honeypot: hidden by CSS and skipped by the keyboard, so only robots fill it in.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # The signed time stamp with the one-time token (see donations.spam).
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = DonationEnquiry
        formfield_callback = enquiry_formfield
        fields = [
            "name",
            "email",
            "organisation",
            "country",
            "phone",
            "kind",
            "budget",
            "message",
            "privacy_consent",
            "newsletter_opt_in",
        ]
        labels = {
            "name": _("Your name"),
            "email": _("E-mail address"),
            "organisation": _("Organisation"),
            "country": _("Country"),
            "phone": _("Phone number"),
            "kind": _("What kind of support are you thinking of?"),
            "budget": _("Budget"),
            "message": _("Your message"),
            "newsletter_opt_in": _("Send me Safe Digital's newsletter"),
        }
        help_texts = {
            "name": "",
            "email": _("We will only use it to reply to you."),
            "organisation": _("If you are getting in touch for one."),
            "country": "",
            "phone": _(
                "If you would like us to call you. Start with the country code, e.g. +57 601 234 5678."
            ),
            "kind": "",
            "budget": _(
                "A rough idea, in US dollars, helps us prepare. You can leave it to the conversation."
            ),
            "message": _("Tell us a little about what you have in mind."),
            "privacy_consent": "",
            "newsletter_opt_in": _("Separate from your enquiry; you can unsubscribe at any time."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "kind": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "name": {"required": _("Enter your name.")},
            "email": {
                "required": _("Enter your e-mail address, so that we can reply."),
                "invalid": _("Enter an e-mail address like name@example.org."),
            },
            "kind": {"required": _("Choose the kind of support you are thinking of.")},
            "phone": {"invalid": _("Enter a phone number with its country code, like +57 601 234 5678.")},
            "message": {"required": _("Write a few words about what you have in mind.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["name"].validators.append(single_line)
        fields["organisation"].validators.append(single_line)
        fields["country"].widget.attrs["autocomplete"] = "country"
        fields["phone"].widget.attrs["autocomplete"] = "tel"
        fields["kind"].choices = list(fields["kind"].choices)[1:]  # a radio list needs no empty choice
        fields["budget"].choices = [("", _("I'd rather not say"))] + list(fields["budget"].choices)[1:]
        fields["privacy_consent"].required = True
        fields["privacy_consent"].label = format_html(
            gettext(
                'I have read the <a href="{url}">privacy notice</a> and agree that Safe Digital keeps these details to reply to me.'
            ),
            url=reverse("donations:privacy"),
        )
        fields["privacy_consent"].error_messages["required"] = _(
            "Tick the box to say you agree to the privacy notice, so that we can keep your details and reply."
        )

    @cached_property
    def helper(self):
        """How crispy-forms lays the form out; made only when the form is shown (a good POST never is)."""
        helper = FormHelper()
        helper.form_method = "post"
        helper.form_id = "enquiry-form"
        # The server checks everything and explains it beside each field; the browser's bubbles would hide that.
        helper.attrs = {"novalidate": ""}
        helper.layout = Layout(
            Fieldset(_("About you"), "name", "email", "organisation", "country", "phone"),
            Fieldset(_("Your support"), "kind", "budget", "message"),
            Fieldset(_("Your consent"), "privacy_consent", "newsletter_opt_in"),
            Div(Field("homepage"), css_class="honeypot", aria_hidden="true"),
            "stamp",
            Submit("send", _("Send"), css_class="btn-lg"),
        )
        return helper

    def _get_validation_exclusions(self):
        """
        The model's own check of the country walks the same 250 country names again: the form field has just
        checked that code against the same countries (see CountryChoiceField).
        """
        return super()._get_validation_exclusions() | {"country"}

    def validate_constraints(self):
        """
        The model's check constraints repeat rules each field already checks (consent, name and e-mail, the
        choices) and the database enforces them on insert; asking the database about each one again, a query
        per constraint, would only slow every enquiry down.
        """

    def error_summary(self):
        """(anchor, message) for every error, in the order of the form, for the summary at the top of the page."""
        items = [("", error) for error in self.non_field_errors()]
        for bound in self:
            anchor = (
                f"{bound.auto_id}_0" if isinstance(bound.field.widget, forms.RadioSelect) else bound.auto_id
            )
            items.extend((anchor, error) for error in bound.errors)
        return items

    def spam_problems(self, stamp):
        data = self.cleaned_data
        return (
            spam.honeypot_problems(data.get("homepage"))
            + stamp.problems
            + spam.content_problems(data.get("name"), data.get("organisation"), data.get("message"))
        )
