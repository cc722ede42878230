import datetime
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.forms.utils import ErrorList
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from events.models import Speaker
from safedigital.widgets import FormRenderer, Select
from tests.events.test_admin import event_change_data, session_change_data
from tests.factories import EventFactory, SessionFactory, SpeakerFactory
from tests.safedigital.test_admin import change_user

CHOICES = {
    "flat": [("", "---------"), ("en", "English"), ("es", gettext_lazy("Spanish")), (3, 3)],
    "groups": [
        (None, "None chosen"),
        ("Europe", [("fr", "France"), ("de", "Germany")]),
        ("South America", [("co", "Colombia")]),
        ("", [("xx", "In a group without a name")]),
    ],
    "unsafe": [('a"b<c>', "Tom & Jerry's <b>"), ("safe", mark_safe("<em>kept</em>"))],
    "repeated": [("a", "First"), ("a", "Again")],
}


def django_markup(widget, name, value, attrs):
    # Django's option template ends each option with a line break; Select leaves out the empty lines.
    return "\n".join(line for line in widget.render(name, value, attrs).split("\n") if line.strip())


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("value", [None, "", "es", "de", 3, 'a"b<c>', "a", "not offered"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_language", "required": True, "disabled": False}])
def test_a_select_is_written_as_django_writes_it(choices, value, attrs):
    ours = Select(choices=CHOICES[choices]).render("language", value, attrs)
    assert ours == django_markup(forms.Select(choices=CHOICES[choices]), "language", value, attrs)


def test_values_and_labels_are_escaped_and_one_option_is_selected():
    markup = Select(choices=CHOICES["unsafe"] + CHOICES["repeated"]).render("x", "a")

    assert '<option value="a&quot;b&lt;c&gt;">Tom &amp; Jerry&#x27;s &lt;b&gt;</option>' in markup
    assert "<em>kept</em>" in markup
    assert markup.count(" selected") == 1
    assert '<option value="a" selected>First</option>' in markup


def test_a_select_of_many_values_is_left_to_django():
    class Many(Select):
        allow_multiple_selected = True

    markup = Many(choices=CHOICES["flat"]).render("x", ["en", "es"])
    assert markup == forms.SelectMultiple(choices=CHOICES["flat"]).render("x", ["en", "es"])


INPUTS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.ColorInput,
    forms.SearchInput,
    forms.TelInput,
    lambda: forms.PasswordInput(render_value=True),
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.FileInput,
    forms.Textarea,
    lambda: forms.widgets.Input(attrs={"type": "range"}),
]
VALUES = [
    None,
    "",
    'Tom & Jerry\'s <b>"quoted"</b>',
    mark_safe("<em>kept</em>"),
    gettext_lazy("Spanish"),
    0,
    1234567,
    True,
    False,
    datetime.date(2024, 11, 7),
    datetime.datetime(2024, 11, 7, 9, 30, tzinfo=datetime.UTC),
    ("a", "tuple"),
]
ATTRIBUTES = [
    None,
    {
        "id": "id_name",
        "required": True,
        "disabled": False,
        "placeholder": gettext_lazy("Spanish"),
        "data-note": 'a"b<c>&',
        "maxlength": 20,
        "aria-describedby": mark_safe("id_name_helptext"),
        "step": 0.5,
        "min": None,
    },
]


@pytest.mark.parametrize("widget", INPUTS, ids=lambda widget: getattr(widget, "__name__", "lambda"))
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRIBUTES, ids=["no attributes", "attributes"])
def test_an_input_is_written_as_djangos_templates_write_it(widget, value, attrs):
    # Spanish writes numbers and dates its own way, and translates the lazy text.
    for language in ["en", "es"]:
        with translation.override(language):
            ours = widget().render("name", value, attrs, renderer=FormRenderer())
            assert ours == widget().render("name", value, attrs, renderer=DjangoTemplates())


@pytest.mark.parametrize("errors", [[], ["Enter a valid date.", mark_safe("<em>Kept</em> & escaped")]])
@pytest.mark.parametrize("field_id", [None, "id_when"])
def test_an_error_list_is_written_as_djangos_templates_write_it(errors, field_id):
    for kind in ["as_ul", "__str__"]:
        ours = getattr(ErrorList(errors, field_id=field_id, renderer=FormRenderer()), kind)()
        assert ours == getattr(ErrorList(errors, field_id=field_id, renderer=DjangoTemplates()), kind)()


def test_forms_are_drawn_by_the_sites_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)


def without_tokens(content):
    """A page without what changes from one request to the next: CSRF tokens, the form's stamp, nonces."""
    return re.sub(r'(name="(csrfmiddlewaretoken|stamp)" value|nonce)="[^"]*"', "", content.decode())


@pytest.mark.django_db
def test_pages_with_forms_are_the_same_as_with_djangos_renderer(boss_client, settings):
    """The enquiry form with its errors, an event's admin page with its inlines and a session's with errors."""
    session = SessionFactory()
    SpeakerFactory()
    enquiry = {"name": "<b>Ana</b>", "email": "not an address", "message": 'Tom & "Jerry"', "country": "CO"}
    bad_start = session_change_data(session, []) | {"starts_at_0": "2024-13-45", "title": "<i>Opening</i>"}

    def pages():
        return [
            without_tokens(boss_client.post(reverse("donations:enquiry"), enquiry).content),
            without_tokens(
                boss_client.get(reverse("admin:events_event_change", args=[session.event.pk])).content
            ),
            without_tokens(
                boss_client.post(reverse("admin:events_session_change", args=[session.pk]), bad_start).content
            ),
        ]

    ours = pages()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"  # Django forgets the renderer it made
    theirs = pages()

    assert 'id="id_email_error"' in ours[0] and "errorlist" in ours[2]  # the errors are on the pages
    assert ours == theirs


class Elements(HTMLParser):
    """Each element of a page that has an id: its attributes and its text."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, html):
        super().__init__()
        self.attrs, self.text, self.open = {}, {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.attrs[attrs["id"]] = attrs
            self.text[attrs["id"]] = ""
        if tag not in self.VOID:
            self.open.append((tag, attrs.get("id")))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _tag, id_ in self.open:
            if id_:
                self.text[id_] += f" {data}"


def descriptions(response, input_id):
    """What the input's aria-describedby names: each id with the text of its element (None when there is none)."""
    page = Elements(response.content.decode())
    return [
        (id_, " ".join(page.text[id_].split()) if id_ in page.text else None)
        for id_ in page.attrs[input_id]["aria-describedby"].split()
    ]


@pytest.fixture
def boss_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "x"))
    return client


@pytest.mark.django_db
def test_the_admins_date_and_time_inputs_name_the_fields_errors(boss_client):
    session = SessionFactory()
    data = session_change_data(session, []) | {"starts_at_0": "2024-13-45", "starts_at_1": "25:99"}

    response = boss_client.post(reverse("admin:events_session_change", args=[session.pk]), data)

    assert response.status_code == 200
    for input_id in ["id_starts_at_0", "id_starts_at_1"]:
        assert descriptions(response, input_id) == [
            ("id_starts_at_error", "Enter a valid date. Enter a valid time."),
            ("id_starts_at_timezone_warning_helptext", None),  # written by the admin's script, when needed
        ]


@pytest.mark.django_db
def test_an_admin_date_input_names_its_help_text_and_its_errors(boss_client):
    speaker = SpeakerFactory(full_name="Amina Diallo")
    url = reverse("admin:events_speaker_change", args=[speaker.pk])
    data = {
        "full_name": speaker.full_name,
        "role_title": speaker.role_title,
        "country": speaker.country.code,
        "identity": speaker.identity,
        "consent_date": "31/02/2024",
    }

    assert descriptions(boss_client.get(url), "id_consent_date") == [
        ("id_consent_date_helptext", Speaker._meta.get_field("consent_date").help_text),
        ("id_consent_date_timezone_warning_helptext", None),
    ]
    response = boss_client.post(url, data)
    assert response.status_code == 200
    assert descriptions(response, "id_consent_date") == [
        ("id_consent_date_helptext", Speaker._meta.get_field("consent_date").help_text),
        ("id_consent_date_error", "Enter a valid date."),
        ("id_consent_date_timezone_warning_helptext", None),
    ]


@pytest.mark.django_db
def test_date_and_time_inputs_in_inline_rows_name_their_errors(boss_client):
    event = EventFactory()
    data = event_change_data(
        event,
        {
            "sessions": [
                {"order": "1", "kind": "panel", "title": "Panel", "starts_at_0": "tomorrow", "starts_at_1": "09:00"},
            ],
            "pledges": [
                {"country": "CO", "pledging_body": "Ministry of ICT", "commitment": "Act.", "status": "pledged",
                 "pledged_on": "soon"},
            ],
        },
    )  # fmt: skip

    response = boss_client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    assert response.status_code == 200
    assert descriptions(response, "id_sessions-0-starts_at_0") == [
        ("id_sessions-0-starts_at_error", "Enter a valid date."),
        ("id_sessions-0-starts_at_timezone_warning_helptext", None),
    ]
    assert descriptions(response, "id_pledges-0-pledged_on") == [
        ("id_pledges-0-pledged_on_error", "Enter a valid date."),
        ("id_pledges-0-pledged_on_timezone_warning_helptext", None),
    ]


@pytest.mark.django_db
def test_the_user_admin_taken_from_django_names_its_date_errors_too(boss_client, django_user_model):
    user = django_user_model.objects.create_user("lucia", is_staff=True)

    response = change_user(boss_client, user, date_joined_0="yesterday")

    assert response.status_code == 200
    assert descriptions(response, "id_date_joined_0") == [
        ("id_date_joined_error", "Enter a valid date."),
        ("id_date_joined_timezone_warning_helptext", None),
    ]
