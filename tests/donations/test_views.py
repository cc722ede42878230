import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django_countries import countries
from redis.connection import AbstractConnection

from donations import spam
from donations.models import DonationEnquiry
from tests.factories import EventFactory

from .conftest import aged_stamp

pytestmark = pytest.mark.django_db

ENQUIRY_URL = "/lets-chat/"


def stamp_in(response):
    return re.search(r'name="stamp" value="([^"]+)"', response.content.decode()).group(1)


def post(client, data, url=ENQUIRY_URL, **extra):
    return client.post(url, data, **extra)


# The page.


def test_enquiry_page_is_reached_from_the_navigation_and_the_footer(client):
    response = client.get(reverse("events:home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<a class="nav-link" href="/lets-chat/">Let\'s chat</a>' in content
    assert '<a href="/privacy/">Privacy notice</a>' in content


def test_enquiry_page_shows_a_labelled_form_with_autocomplete(client):
    response = client.get(reverse("donations:enquiry"))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    content = response.content.decode()
    assert "<h1>We'd love to have a chat</h1>" in content
    assert '<a class="nav-link" href="/lets-chat/" aria-current="page">' in content
    for field, autocomplete in [
        ("name", "name"),
        ("email", "email"),
        ("organisation", "organization"),
        ("country", "country"),
        ("phone", "tel"),
    ]:
        assert f'<label for="id_{field}"' in content or f'for="id_{field}" class="form-label' in content
        assert re.search(rf'<(input|select)[^>]*name="{field}"[^>]*autocomplete="{autocomplete}"', content), (
            field
        )
    assert re.search(r'<input type="tel" name="phone"', content)
    assert "<legend" in content and "What kind of support are you thinking of?" in content
    assert 'I have read the <a href="/privacy/">privacy notice</a>' in content
    assert re.search(r'<input type="checkbox" name="newsletter_opt_in"(?![^>]*checked)[^>]*>', content)
    assert '<option value="" selected>I&#x27;d rather not say</option>' in content


def test_the_consent_box_links_the_privacy_notice_in_the_language_of_the_page(client):
    english = client.get(reverse("donations:enquiry")).content.decode()
    spanish = client.get(reverse("donations:enquiry"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english_again = client.get(reverse("donations:enquiry")).content.decode()

    assert 'I have read the <a href="/privacy/">privacy notice</a> and agree' in english
    assert 'He leído el <a href="/privacy/">aviso de privacidad</a> y acepto' in spanish
    assert english_again.count('<a href="/privacy/">privacy notice</a>') == 1


def test_kind_and_budget_offer_their_choices_as_shown(client):
    content = client.get(reverse("donations:enquiry")).content.decode()

    kinds = re.findall(r'<input type="radio"[^>]*name="kind" value="([^"]*)"', content)
    assert kinds == ["individual", "foundation", "company", "government", "other"]  # no empty choice
    budget = re.search(r'<select name="budget".*?</select>', content, re.DOTALL).group(0)
    assert re.findall(r'<option value="([^"]*)"', budget) == [
        "",
        "under_10k",
        "10k_50k",
        "50k_250k",
        "250k_1m",
        "over_1m",
        "discuss",
    ]


def test_country_list_offers_every_country_with_colombia_first(client):
    content = client.get(reverse("donations:enquiry")).content.decode()

    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', content, re.DOTALL).group(1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options[:3] == [
        ("", " selected", "Choose a country"),
        ("CO", "", "Colombia"),
        ("AF", "", "Afghanistan"),
    ]
    assert ("CI", "", "Côte d&#x27;Ivoire") in options
    in_spanish = client.get(reverse("donations:enquiry"), headers={"accept-language": "es"}).content.decode()
    assert re.search(
        r'<option value="CO">Colombia</option>\s*<option value="AF">Afganistán</option>', in_spanish
    )
    assert sorted(code for code, _selected, _name in options[1:]) == sorted(code for code, _name in countries)


def test_honeypot_is_hidden_from_people_and_skipped_by_the_keyboard(client):
    content = client.get(reverse("donations:enquiry")).content.decode()

    assert re.search(r'class="honeypot"\s+aria-hidden="true"', content)
    assert re.search(r'<input type="text" name="homepage" autocomplete="off" tabindex="-1"', content)
    assert "Leave this field empty" in content


def test_enquiry_page_has_no_inline_script_or_style(client):
    content = client.get(reverse("donations:enquiry")).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
    assert " style=" not in content
    assert "<style" not in content
    assert '<script src="/static/js/error-summary.js" defer></script>' in content


def test_each_serving_of_the_form_gets_its_own_stamp(client):
    first = spam.read_stamp(stamp_in(client.get(ENQUIRY_URL)))
    second = spam.read_stamp(stamp_in(client.get(ENQUIRY_URL)))

    assert first.token != second.token


# A good submission.


def test_good_enquiry_is_stored_and_the_visitor_thanked(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, enquiry_data)

    assert response.status_code == 302
    assert response["Location"] == reverse("donations:thanks")
    enquiry = DonationEnquiry.objects.get()
    assert (enquiry.name, enquiry.email, enquiry.organisation) == (
        "Ana María Gómez",
        "ana@fundacion.example",
        "Fundación Horizonte",
    )
    assert enquiry.country.code == "CO"
    assert enquiry.phone.as_e164 == "+576012345678"
    assert (enquiry.kind, enquiry.budget) == ("foundation", "50k_250k")
    assert enquiry.privacy_consent is True
    assert enquiry.newsletter_opt_in is False
    assert enquiry.status == DonationEnquiry.Status.NEW
    assert enquiry.language == "en"
    assert enquiry.is_spam is False
    assert enquiry.spam_reason == ""
    assert enquiry.form_token == spam.read_stamp(enquiry_data["stamp"]).token
    assert len(mail.outbox) == 2

    thanks = client.get(response["Location"])
    assert "<h1>Thank you for getting in touch</h1>" in thanks.content.decode()
    assert "usually within five working days" in thanks.content.decode()


def test_a_message_within_the_limit_as_typed_is_stored_though_the_browser_sends_each_line_break_as_two(
    client, enquiry_data
):
    # 5,000 characters as the donor and the textarea's maxlength count them; sent as 7,500 with CRLF.
    typed = "\n".join(["Line"] * 1000)[:4999] + "."

    response = post(client, enquiry_data | {"message": typed.replace("\n", "\r\n")})

    assert response.status_code == 302
    assert DonationEnquiry.objects.get().message == typed


def test_a_message_over_the_limit_as_typed_is_refused_with_the_count_as_typed(client, enquiry_data):
    typed = "\n".join(["Line"] * 1001)[:5001]

    response = post(client, enquiry_data | {"message": typed.replace("\n", "\r\n")})

    assert response.status_code == 200
    assert "at most 5000 characters (it has 5001)" in response.content.decode()
    assert not DonationEnquiry.objects.exists()


def test_newsletter_opt_in_is_stored_when_ticked(client, enquiry_data):
    post(client, enquiry_data | {"newsletter_opt_in": "on"})

    assert DonationEnquiry.objects.get().newsletter_opt_in is True


def test_optional_fields_may_be_left_empty(client, enquiry_data):
    response = post(client, enquiry_data | {"organisation": "", "country": "", "phone": "", "budget": ""})

    assert response.status_code == 302
    enquiry = DonationEnquiry.objects.get()
    assert (enquiry.organisation, enquiry.country, str(enquiry.phone), enquiry.budget) == ("", "", "", "")


@pytest.mark.parametrize("country", ["CO", "GB", "NZ", "ZW"])
def test_any_country_of_the_list_is_accepted(client, enquiry_data, country):
    response = post(client, enquiry_data | {"country": country})

    assert response.status_code == 302
    assert DonationEnquiry.objects.get().country.code == country


def test_language_of_the_page_is_recorded(client, enquiry_data):
    post(client, enquiry_data, HTTP_ACCEPT_LANGUAGE="es")

    assert DonationEnquiry.objects.get().language == "es"


# Where it came from.


def test_event_from_the_query_is_recorded(client, enquiry_data):
    event = EventFactory(slug="safe-digital-futures")

    page = client.get(ENQUIRY_URL + "?event=safe-digital-futures")
    post(client, enquiry_data | {"stamp": stamp_in(page)}, url=ENQUIRY_URL + "?event=safe-digital-futures")

    assert DonationEnquiry.objects.get().event == event


def test_event_in_the_query_of_the_post_counts_when_the_stamp_has_none(client, enquiry_data):
    event = EventFactory(slug="safe-digital-futures")

    post(client, enquiry_data, url=ENQUIRY_URL + "?event=safe-digital-futures")

    assert DonationEnquiry.objects.get().event == event


def test_a_draft_or_unknown_event_is_not_recorded(client, enquiry_data):
    EventFactory(slug="secret-draft", draft=True)

    post(client, enquiry_data, url=ENQUIRY_URL + "?event=secret-draft")
    post(client, enquiry_data | {"stamp": aged_stamp()}, url=ENQUIRY_URL + "?event=no-such-event")

    assert list(DonationEnquiry.objects.values_list("event", flat=True)) == [None, None]


def test_referring_page_of_this_site_is_recorded(client, enquiry_data):
    page = client.get(ENQUIRY_URL, HTTP_REFERER="http://testserver/about/our-work/?utm=x")
    post(client, enquiry_data | {"stamp": stamp_in(page)})

    assert DonationEnquiry.objects.get().source_path == "/about/our-work/"


def test_referring_page_of_another_site_is_not_recorded(client, enquiry_data):
    page = client.get(ENQUIRY_URL, HTTP_REFERER="https://elsewhere.example/page/")
    post(client, enquiry_data | {"stamp": stamp_in(page)})

    assert DonationEnquiry.objects.get().source_path == ""


@pytest.mark.urls("tests.donations.urls_with_event_pages")
def test_event_page_the_visitor_came_from_is_recorded(client, enquiry_data):
    event = EventFactory(slug="bogota-2024")

    page = client.get(ENQUIRY_URL, HTTP_REFERER="http://testserver/events/bogota-2024/")
    post(client, enquiry_data | {"stamp": stamp_in(page)})

    enquiry = DonationEnquiry.objects.get()
    assert (enquiry.source_path, enquiry.event) == ("/events/bogota-2024/", event)


# Bad input: every field says what is wrong beside it and in the summary, and keeps what was typed.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your name."),
        ("name", "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        (
            "name",
            "Ana\r\nBcc: victim@example.org",
            "Please keep this to one line, without special characters.",
        ),
        ("email", "", "Enter your e-mail address, so that we can reply."),
        ("email", "ana-at-example", "Enter an e-mail address like name@example.org."),
        # Addresses no e-mail can be sent to (their domain has no IDNA form): a mark pasted with the address,
        # a label too long once encoded. Taken, they left the team's notice and the thank-you unsent.
        ("email", "ana@fundacion.org\u200e", "Enter an e-mail address like name@example.org."),
        ("email", "ana@\u202efundacion.org", "Enter an e-mail address like name@example.org."),
        ("email", f"ana@{'ñ' * 60}.example", "Enter an e-mail address like name@example.org."),
        ("organisation", "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("organisation", "Acme\nLtd", "Please keep this to one line, without special characters."),
        ("country", "XX", "Select a valid choice. XX is not one of the available choices."),
        ("country", "co", "Select a valid choice. co is not one of the available choices."),
        ("country", "COL", "Select a valid choice. COL is not one of the available choices."),
        ("phone", "12345", "Enter a phone number with its country code, like +57 601 234 5678."),
        ("phone", "call me", "Enter a phone number with its country code, like +57 601 234 5678."),
        ("kind", "", "Choose the kind of support you are thinking of."),
        ("kind", "bribe", "Select a valid choice. bribe is not one of the available choices."),
        ("budget", "billions", "Select a valid choice. billions is not one of the available choices."),
        ("message", "", "Write a few words about what you have in mind."),
        ("message", "x" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
        ("message", "null\x00byte", "Null characters are not allowed."),
    ],
)
def test_each_field_explains_bad_input_beside_it_and_in_the_summary(
    client, enquiry_data, field, value, message
):
    response = post(client, enquiry_data | {field: value})

    assert response.status_code == 200
    assert DonationEnquiry.objects.count() == 0
    content = response.content.decode()
    escaped = message.replace("'", "&#x27;")
    anchor = f"id_{field}_0" if field == "kind" else f"id_{field}"
    assert f'<a href="#{anchor}">{escaped}</a>' in content
    assert re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback">\s*<(span|p)[^>]*><strong>{re.escape(escaped)}',
        content,
    )
    assert content.count(escaped) == 2
    assert "<title>Error: Let's chat" in content
    assert mail.outbox == []


def test_error_summary_comes_first_and_can_take_the_focus(client, enquiry_data):
    content = post(client, enquiry_data | {"name": ""}).content.decode()

    assert (
        '<div class="alert alert-danger error-summary" id="error-summary" role="alert" tabindex="-1" '
        'aria-labelledby="error-summary-title" data-error-summary>'
    ) in content
    assert content.index("error-summary") < content.index("<form")
    assert re.search(r'name="name"[^>]*aria-invalid="true"[^>]*aria-describedby="id_name_error"', content)


def test_consent_is_required(client, enquiry_data):
    data = dict(enquiry_data)
    del data["privacy_consent"]

    content = post(client, data).content.decode()

    message = (
        "Tick the box to say you agree to the privacy notice, so that we can keep your details and reply."
    )
    assert f'<a href="#id_privacy_consent">{message}</a>' in content
    assert content.count(message) == 2
    assert DonationEnquiry.objects.count() == 0


def test_what_the_visitor_typed_is_kept_on_error(client, enquiry_data):
    data = enquiry_data | {"email": "not-an-address", "newsletter_opt_in": "on"}

    content = post(client, data).content.decode()

    assert 'value="Ana María Gómez"' in content
    assert 'value="not-an-address"' in content
    assert 'value="Fundación Horizonte"' in content
    assert '<option value="CO" selected>Colombia</option>' in content
    assert 'value="+57 601 234 5678"' in content or 'value="+576012345678"' in content
    assert re.search(r'value="foundation"[^>]*checked', content) or re.search(
        r'checked[^>]*value="foundation"', content
    )
    assert '<option value="50k_250k" selected>' in content
    assert "We fund child-safety work in the Andes and would like to talk.</textarea>" in content
    assert re.search(r'name="privacy_consent"[^>]*checked', content)
    assert re.search(r'name="newsletter_opt_in"[^>]*checked', content)
    assert f'value="{enquiry_data["stamp"]}"' in content


# Spam: stored and flagged, never notified, and the visitor sees the same thank-you page.


def assert_stored_as_spam(response, reason):
    assert response.status_code == 302
    assert response["Location"] == reverse("donations:thanks")
    enquiry = DonationEnquiry.objects.get()
    assert enquiry.is_spam is True
    assert reason in enquiry.spam_reason
    assert mail.outbox == []
    return enquiry


def test_filled_honeypot_is_stored_as_spam(client, enquiry_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, enquiry_data | {"homepage": "http://cheap-pills.example"})

    assert_stored_as_spam(response, "the hidden field was filled in")
    assert callbacks == []


def test_form_sent_too_fast_is_stored_as_spam(client, enquiry_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, enquiry_data | {"stamp": aged_stamp(seconds=1)})

    assert_stored_as_spam(response, "the form was sent within 3 s of being served")


def test_form_sent_after_the_minimum_is_not_caught(client, enquiry_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, enquiry_data | {"stamp": aged_stamp(seconds=5)})

    assert DonationEnquiry.objects.get().is_spam is False
    assert len(mail.outbox) == 2


def test_a_form_left_open_too_long_comes_back_filled_in_to_be_sent_again(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    """
    Someone who left the tab open over a weekend is a person, not a robot: their enquiry is neither lost among
    the spam nor refused. They get the form back as they filled it in, with a new stamp, and send it again,
    straight away if they like (the "sent too fast" check does not apply to a form they have already filled in).
    """
    expired = aged_stamp(seconds=49 * 3600)

    response = post(client, enquiry_data | {"stamp": expired, "newsletter_opt_in": "on"})

    assert response.status_code == 200
    assert DonationEnquiry.objects.count() == 0
    content = response.content.decode()
    message = "This form had been open for a long time, so it was not sent. Check what you wrote and press Send again."
    assert re.search(
        rf'class="alert alert-danger error-summary".*?<li>{re.escape(message)}</li>', content, re.S
    )
    assert 'value="Ana María Gómez"' in content
    assert "We fund child-safety work in the Andes and would like to talk.</textarea>" in content
    assert re.search(r'name="newsletter_opt_in"[^>]*checked', content)
    renewed = stamp_in(response)
    assert renewed != expired
    assert spam.read_stamp(renewed).problems == []

    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client, enquiry_data | {"stamp": renewed, "newsletter_opt_in": "on"})

    assert sent["Location"] == reverse("donations:thanks")
    enquiry = DonationEnquiry.objects.get()
    assert (enquiry.is_spam, enquiry.newsletter_opt_in) == (False, True)
    assert len(mail.outbox) == 2

    in_spanish = post(client, enquiry_data | {"stamp": expired}, HTTP_ACCEPT_LANGUAGE="es")
    assert "Este formulario llevaba mucho tiempo abierto" in in_spanish.content.decode()


def test_an_expired_form_stored_once_however_often_it_comes_back(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    """
    The form sent back filled in is still the one form served: once per form served. A new token each time
    would let one old stamp be traded again and again for fresh ones that may be sent at once (no "sent too
    fast" check), each stored and e-mailed about; and a form already sent, sent again days later, stored twice.
    """
    expired = aged_stamp(seconds=49 * 3600)
    renewed = [stamp_in(post(client, enquiry_data | {"stamp": expired})) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        sent = [post(client, enquiry_data | {"stamp": stamp}) for stamp in renewed]

    assert {response["Location"] for response in sent} == {reverse("donations:thanks")}
    assert DonationEnquiry.objects.count() == 1
    assert len(mail.outbox) == 2


def test_an_expired_stamp_keeps_its_token_and_says_so():
    stamp = aged_stamp(seconds=49 * 3600, source_path="/events/bogota/", event_slug="bogota")

    read = spam.read_stamp(stamp)

    assert read.expired is True
    assert read.problems == ["the form was sent more than 48 h after it was served"]
    assert (read.source_path, read.event_slug) == ("/events/bogota/", "bogota")


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        ("", "the form's stamp was missing"),
        ("eyJ0IjoiMSJ9:1xW51l:forged-signature", "the form's stamp had been tampered with"),
        ("not a stamp at all", "the form's stamp had been tampered with"),
    ],
)
def test_missing_or_tampered_stamp_is_stored_as_spam(
    client, enquiry_data, django_capture_on_commit_callbacks, stamp, reason
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, enquiry_data | {"stamp": stamp})

    assert_stored_as_spam(response, reason)


def test_a_message_with_many_links_is_stored_as_spam(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    message = "See https://a.example and http://b.example and www.c.example now"

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, enquiry_data | {"message": message})

    assert_stored_as_spam(response, "3 links in the message")


def test_a_message_with_a_couple_of_links_is_not_caught(client, enquiry_data):
    post(client, enquiry_data | {"message": "Our report: https://a.example/report and www.b.example"})

    assert DonationEnquiry.objects.get().is_spam is False


def test_a_link_in_the_name_is_stored_as_spam(client, enquiry_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, enquiry_data | {"name": "Win big at https://casino.example"})

    assert_stored_as_spam(response, "a link in the name or organisation")


def test_every_reason_is_recorded(client, enquiry_data):
    post(client, enquiry_data | {"homepage": "x", "stamp": aged_stamp(seconds=0)})

    assert DonationEnquiry.objects.get().spam_reason == (
        "the hidden field was filled in; the form was sent within 3 s of being served"
    )


# Never twice, never lost.


def test_a_form_sent_twice_is_stored_once(client, enquiry_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, enquiry_data)
        second = post(client, enquiry_data | {"message": "Sent again after pressing back."})

    assert first["Location"] == second["Location"] == reverse("donations:thanks")
    assert DonationEnquiry.objects.count() == 1
    assert DonationEnquiry.objects.get().message == enquiry_data["message"]
    assert len(mail.outbox) == 2


def test_two_forms_served_separately_are_two_enquiries(client, enquiry_data):
    post(client, enquiry_data)
    post(client, enquiry_data | {"stamp": aged_stamp()})

    assert DonationEnquiry.objects.count() == 2


def test_database_outage_gives_the_form_back_filled_in_to_send_again(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    """The site's 503 page would lose what the donor wrote: the form comes back as it was sent, saying why."""
    with mock.patch.object(
        DonationEnquiry, "save_once", side_effect=OperationalError("server closed the connection")
    ):
        response = post(client, enquiry_data)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert re.search(
        r'<div class="alert alert-danger error-summary"[^>]*>.*?<li>We could not send your message just now, '
        r"because of a problem on our side\. What you wrote is still here: please press Send again in a "
        r"minute\.</li>",
        content,
        re.S,
    )
    assert 'value="Ana María Gómez"' in content
    assert "We fund child-safety work in the Andes and would like to talk.</textarea>" in content
    assert f'value="{enquiry_data["stamp"]}"' in content
    assert "OperationalError" not in content
    assert mail.outbox == []

    # Sent again once the database is back (twice: an impatient double click): stored once, the team told once.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, enquiry_data)
        response = post(client, enquiry_data)

    assert response.status_code == 302
    assert DonationEnquiry.objects.get().email == "ana@fundacion.example"
    assert len([message for message in mail.outbox if "fundraising@safedigital.example" in message.to]) == 1


def test_database_outage_form_is_in_the_visitors_language(client, enquiry_data):
    with mock.patch.object(DonationEnquiry, "save_once", side_effect=OperationalError("down")):
        response = post(client, enquiry_data, HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 503
    assert "No pudimos enviar su mensaje" in response.content.decode()


def test_a_server_error_is_reported_to_the_administrators_without_the_donors_words(enquiry_data, settings):
    """ADMIN_EMAILS get the report of a 500, which names the fields sent but shows none of their values."""
    settings.ADMINS = ["ops@safedigital.example"]
    client = Client(raise_request_exception=False)
    with mock.patch.object(DonationEnquiry, "save_once", side_effect=RuntimeError("a bug")):
        response = post(client, enquiry_data)

    assert response.status_code == 500
    [report] = mail.outbox
    assert report.to == ["ops@safedigital.example"]
    assert report.subject.endswith("Internal Server Error: /lets-chat/")
    assert "RuntimeError at /lets-chat/\na bug" in report.body
    assert "email = '********************'" in report.body
    for field in ("name", "email", "organisation", "phone", "message"):
        assert enquiry_data[field] not in report.body, field


# Rate limit.


def test_too_many_enquiries_from_one_address_get_the_friendly_429_page(client, enquiry_data):
    for _number in range(10):
        response = post(client, enquiry_data | {"stamp": aged_stamp()}, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 302

    response = post(client, enquiry_data | {"stamp": aged_stamp()}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert DonationEnquiry.objects.count() == 10


def test_a_visitor_over_the_rate_limit_keeps_what_they_typed(client, enquiry_data):
    """The 429 answer is the form again, filled in, saying why: going back would show an empty form."""
    for _number in range(10):
        post(client, enquiry_data | {"stamp": aged_stamp()}, REMOTE_ADDR="203.0.113.9")
    stamp = aged_stamp()

    response = post(client, enquiry_data | {"stamp": stamp}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    content = response.content.decode()
    assert re.search(
        r'<div class="alert alert-danger error-summary"[^>]*>.*?<li>We have received several messages from your '
        r"connection in a short time\. Please try again in a few minutes\.</li>",
        content,
        re.S,
    )
    assert 'value="Ana María Gómez"' in content
    assert "We fund child-safety work in the Andes and would like to talk.</textarea>" in content
    assert f'value="{stamp}"' in content
    assert DonationEnquiry.objects.count() == 10
    assert mail.outbox == []

    in_spanish = post(
        client, enquiry_data | {"stamp": stamp}, REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert in_spanish.status_code == 429
    assert "Recibimos varios mensajes desde su conexión" in in_spanish.content.decode()


@pytest.mark.parametrize("mapped", ["", "::ffff:"], ids=["ipv4", "ipv4 through a dual-stack socket"])
def test_rate_limit_counts_each_address_apart(client, enquiry_data, mapped):
    for _number in range(10):
        post(client, enquiry_data | {"stamp": aged_stamp()}, REMOTE_ADDR=f"{mapped}203.0.113.9")

    response = post(client, enquiry_data | {"stamp": aged_stamp()}, REMOTE_ADDR=f"{mapped}198.51.100.7")

    assert response.status_code == 302
    assert DonationEnquiry.objects.count() == 11


def test_reading_the_form_is_not_rate_limited(client):
    for _number in range(15):
        response = client.get(ENQUIRY_URL, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200


def redis_round_trips():
    """A list, filled while the block runs, of the command each round trip to Redis started with (its first)."""
    sent = []
    original = AbstractConnection.send_packed_command

    def send(connection, command, *args, **kwargs):
        packed = b"".join(command) if isinstance(command, list | tuple) else command
        sent.append(packed.split(b"\r\n")[2].decode().upper())
        return original(connection, command, *args, **kwargs)

    return sent, mock.patch.object(AbstractConnection, "send_packed_command", send)


@pytest.mark.skipif(
    not settings.REDIS_URL, reason="counts what is sent to Redis (REDIS_URL), as CI's second run has"
)
def test_an_enquiry_counts_each_of_its_rate_limits_in_one_round_trip_to_redis(client, enquiry_data):
    post(client, enquiry_data)  # Redis learns the counting script once.
    sent, recording = redis_round_trips()

    with recording:
        response = post(client, enquiry_data | {"stamp": aged_stamp(), "email": "other@fundacion.example"})

    assert response.status_code == 302
    # Its address's count, then (the enquiry stored) the acknowledgements' count for its e-mail address.
    assert sent == ["EVALSHA", "EVALSHA"]
    assert DonationEnquiry.objects.count() == 2


def test_a_cache_outage_lets_the_enquiry_through(client, enquiry_data):
    with mock.patch("safedigital.ratelimit.count", side_effect=ConnectionError("cache down")):
        response = post(client, enquiry_data)

    assert response.status_code == 302
    assert DonationEnquiry.objects.count() == 1


# The other pages.


def test_privacy_notice_states_the_retention_periods_from_settings(client, settings):
    settings.DONATION_RETENTION_DAYS = 365
    settings.DONATION_SPAM_RETENTION_DAYS = 14
    settings.PRIVACY_EMAIL = "privacy@safedigital.example"

    response = client.get(reverse("donations:privacy"))

    content = response.content.decode()
    assert "<h1>Privacy notice</h1>" in content
    assert "we erase your personal details 365 days after the last change to it" in content
    assert "Messages our checks take for spam are deleted after 14 days." in content
    assert '<a href="mailto:privacy@safedigital.example">privacy@safedigital.example</a>' in content


def retention_items(response):
    """The points under "How long we keep it", as the visitor reads them."""
    section = response.content.decode().split('id="retention"', 1)[1].split("</ul>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]


def test_privacy_notice_says_open_enquiries_are_kept_until_they_end(client, settings):
    """As apply_retention does: open and committed enquiries are never erased automatically (test_retention.py)."""
    settings.DONATION_RETENTION_DAYS = 730
    settings.DONATION_SPAM_RETENTION_DAYS = 30

    english = retention_items(client.get(reverse("donations:privacy")))
    spanish = retention_items(client.get(reverse("donations:privacy"), HTTP_ACCEPT_LANGUAGE="es"))

    assert english[:2] == [
        "While your enquiry is open (from when you write, while we are in touch and discussing it, and after you "
        "have told us you will support us), we keep your details for as long as it stays open, so that we can "
        "keep talking with you. Nothing is erased automatically until you decide not to go ahead or we close the "
        "enquiry; from then on, the period below applies. You can ask us to erase your details at any time (see "
        "“Your rights”).",
        "When our conversation ends (you decide not to go ahead, or we close the enquiry), we erase your personal "
        "details 730 days after the last change to it. We keep only figures that do not identify you, such as "
        "the kind of support and the country.",
    ]
    assert spanish[0].startswith(
        "Mientras su consulta está abierta (desde que nos escribe, mientras estamos en contacto y la conversamos, "
        "y después de que nos dice que nos apoyará), guardamos sus datos todo el tiempo que siga abierta"
    )


def test_thank_you_page_says_what_happens_next(client):
    content = client.get(reverse("donations:thanks")).content.decode()

    assert '<h2 class="h4 mt-4">What happens next</h2>' in content
    assert '<a href="/privacy/">how we look after your details</a>' in content


def test_form_speaks_the_language_of_the_visitor(client, enquiry_data):
    page = client.get(ENQUIRY_URL, HTTP_ACCEPT_LANGUAGE="es")
    errors = post(client, enquiry_data | {"name": ""}, HTTP_ACCEPT_LANGUAGE="es")

    content = page.content.decode()
    assert '<html lang="es">' in content
    assert "<h1>Nos encantaría conversar con usted</h1>" in content
    assert "Su nombre" in content
    assert "Donación individual" in content
    assert '<a href="#id_name">Escriba su nombre.</a>' in errors.content.decode()
