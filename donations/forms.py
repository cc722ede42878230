from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.encoding import punycode
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import spam
from .models import DonationEnquiry, normalise_line_breaks

single_line = RegexValidator(
    r"[\x00-\x1f\x7f]",
    inverse_match=True,
    message=_("Please keep this to one line, without special characters."),
    code="control_characters",
)


class MultilineTextField(forms.CharField):
    """
    A textarea's text with each line break one character, as the person typing counts it and as the browser's
    maxlength does: the browser sends each as CRLF, which counted twice against the length limit and refused text
    that was within it.
    """

    def to_python(self, value):
        return normalise_line_breaks(super().to_python(value))

    def has_changed(self, initial, data):
        # Text stored with the browser's CRLF, before it was normalised, comes back unchanged when untouched.
        return super().has_changed(normalise_line_breaks(initial or ""), data)


class SharedChoiceField(forms.ChoiceField):
    """
    A ChoiceField whose choices every form shares: Django's copied them into each form made (every enquiry sent),
    item by item, though no form changes them.
    """

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


def privacy_consent_label():
    return format_html(
        gettext(
            'I have read the <a href="{url}">privacy notice</a> and agree that Safe Digital keeps these details to reply to me.'
        ),
        url=reverse("donations:privacy"),
    )


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
    # Declared with their choices as shown. Made from the model's fields, each form copied their choices with an
    # empty one and then built them again without it, on every enquiry sent.
    kind = SharedChoiceField(
        label=_("What kind of support are you thinking of?"),
        choices=DonationEnquiry.Kind.choices,  # a radio list needs no empty choice
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of support you are thinking of.")},
    )
    budget = SharedChoiceField(
        label=_("Budget"),
        required=False,
        choices=[("", _("I'd rather not say")), *DonationEnquiry.Budget.choices],
        help_text=_("A rough idea, in US dollars, helps us prepare. You can leave it to the conversation."),
    )

    class Meta:
        model = DonationEnquiry
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
        field_classes = {"message": MultilineTextField}
        labels = {
            "name": _("Your name"),
            "email": _("E-mail address"),
            "organisation": _("Organisation"),
            "country": _("Country"),
            "phone": _("Phone number"),
            "message": _("Your message"),
            # Written out, in the page's language, only when the form is shown (a good POST never is).
            "privacy_consent": lazy(privacy_consent_label, SafeString)(),
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
            "message": _("Tell us a little about what you have in mind."),
            "privacy_consent": "",
            "newsletter_opt_in": _("Separate from your enquiry; you can unsubscribe at any time."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "name": {"required": _("Enter your name.")},
            "email": {
                "required": _("Enter your e-mail address, so that we can reply."),
                "invalid": _("Enter an e-mail address like name@example.org."),
            },
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
        fields["privacy_consent"].required = True
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

    def clean_email(self):
        """
        An address Django's mail can write: its domain in IDNA form, as it is sent. Django's validation takes any
        letters in a domain, so an address with a mark pasted with it (a left-to-right mark after it) or with a
        label too long once encoded was stored, and neither the team's notice nor the thank-you could be sent.
        """
        email = self.cleaned_data["email"]
        try:
            punycode(email.rpartition("@")[2])
        except UnicodeError:
            raise ValidationError(self.fields["email"].error_messages["invalid"], code="invalid") from None
        return email

    def validate_unique(self):
        """
        None of the form's fields must be unique (the form's token, which must, is set by the view, and its
        constraint is what stores a form once): Django's check would find nothing to ask on every enquiry sent.
        """

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
