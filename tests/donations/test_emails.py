import logging
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from donations.emails import send_enquiry_emails
from donations.models import DonationEnquiry
from tests.factories import DonationEnquiryFactory, EventFactory

from .conftest import aged_stamp

pytestmark = pytest.mark.django_db

PERSONAL_DATA = ["Ana María Gómez", "ana@fundacion.example", "+57", "601 234", "We fund child-safety work"]


def submit(client, data, capture, **extra):
    with capture(execute=True):
        response = client.post("/lets-chat/", data, **extra)
    assert response.status_code == 302
    return DonationEnquiry.objects.order_by("pk").last()


def html_of(message):
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


# The fundraising team's e-mail.


def test_team_is_told_with_reply_to_the_donor_and_a_link_to_the_record(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    enquiry = submit(client, enquiry_data, django_capture_on_commit_callbacks)

    staff = mail.outbox[0]
    assert staff.to == ["fundraising@safedigital.example"]
    assert staff.reply_to == ["ana@fundacion.example"]
    assert staff.subject == "[Safe Digital] New enquiry: Foundation or trust, Fundación Horizonte"
    link = f"https://safedigital.example/admin/donations/donationenquiry/{enquiry.pk}/change/"
    assert link in staff.body
    assert f'<a href="{link}">Open the enquiry in the back office</a>' in html_of(staff)
    assert "Kind of support: Foundation or trust" in staff.body
    assert "Budget: US$50,000 to US$250,000" in staff.body


def test_team_email_holds_no_personal_data(client, enquiry_data, django_capture_on_commit_callbacks):
    submit(client, enquiry_data, django_capture_on_commit_callbacks)

    staff = mail.outbox[0]
    for text in (staff.body, html_of(staff)):
        for personal in PERSONAL_DATA + ["Fundación Horizonte"]:
            assert personal not in text


def test_team_email_names_the_event_when_there_is_one(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    EventFactory(slug="bogota", title="Safe Digital Futures for Children")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/lets-chat/?event=bogota", enquiry_data)

    assert "Event: Safe Digital Futures for Children" in mail.outbox[0].body


def test_subject_without_an_organisation_names_the_kind_only(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    submit(
        client, enquiry_data | {"organisation": "", "kind": "individual"}, django_capture_on_commit_callbacks
    )

    assert mail.outbox[0].subject == "[Safe Digital] New enquiry: Individual gift"


def test_kind_with_its_own_recipients_goes_to_them(
    client, enquiry_data, settings, django_capture_on_commit_callbacks
):
    settings.FUNDRAISING_EMAILS_BY_KIND = {"company": ["partnerships@safedigital.example"]}

    submit(client, enquiry_data | {"kind": "company"}, django_capture_on_commit_callbacks)
    submit(
        client,
        enquiry_data | {"kind": "foundation", "stamp": aged_stamp()},
        django_capture_on_commit_callbacks,
    )

    staff_emails = [message for message in mail.outbox if message.reply_to == ["ana@fundacion.example"]]
    assert [message.to for message in staff_emails] == [
        ["partnerships@safedigital.example"],
        ["fundraising@safedigital.example"],
    ]


def test_success_is_recorded_on_the_enquiry(client, enquiry_data, django_capture_on_commit_callbacks):
    enquiry = submit(client, enquiry_data, django_capture_on_commit_callbacks)

    assert enquiry.notified_at is not None
    assert enquiry.acknowledged_at is not None
    assert enquiry.notification_error == ""


def test_no_email_before_the_enquiry_is_committed(client, enquiry_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/lets-chat/", enquiry_data)

    assert len(callbacks) == 1
    assert mail.outbox == []


# The donor's acknowledgement.


def test_donor_gets_a_warm_acknowledgement_in_text_and_html(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    submit(client, enquiry_data, django_capture_on_commit_callbacks)

    thanks = mail.outbox[1]
    assert thanks.to == ["ana@fundacion.example"]
    assert thanks.subject == "Thank you for getting in touch with Safe Digital"
    assert thanks.body.startswith("Dear Ana María Gómez,\n\nThank you for getting in touch about supporting")
    assert "usually within five working days" in thanks.body
    assert "How we look after your details: https://safedigital.example/privacy/" in thanks.body
    assert thanks.reply_to == ["fundraising@safedigital.example"]
    html = html_of(thanks)
    assert '<html lang="en">' in html
    assert "<p>Dear Ana María Gómez,</p>" in html
    assert "We fund child-safety work" not in thanks.body + html


def test_names_are_escaped_in_html_but_not_in_text(client, enquiry_data, django_capture_on_commit_callbacks):
    submit(client, enquiry_data | {"name": "Seán O'Brien <b>"}, django_capture_on_commit_callbacks)

    thanks = mail.outbox[1]
    assert "Dear Seán O'Brien <b>," in thanks.body
    assert "<p>Dear Seán O&#x27;Brien &lt;b&gt;,</p>" in html_of(thanks)


def test_acknowledgement_is_in_the_language_of_the_page(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    submit(client, enquiry_data, django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="es")

    staff, thanks = mail.outbox
    assert thanks.subject == "Gracias por escribir a Safe Digital"
    assert thanks.body.startswith("Estimado/a Ana María Gómez:\n\nGracias por escribirnos")
    assert '<html lang="es">' in html_of(thanks)
    assert staff.subject == "[Safe Digital] New enquiry: Foundation or trust, Fundación Horizonte"
    assert "Language of the page: Spanish" in staff.body


@pytest.mark.parametrize(
    "name",
    [
        "Claim your USD 500 prize at prize-claim.example/win",
        "Win big: bit.ly/x",
        "Write to winner@prize.example",
    ],
)
def test_a_name_holding_a_link_reaches_the_team_but_is_not_echoed_to_the_address_given(
    client, enquiry_data, django_capture_on_commit_callbacks, name
):
    # The thanks page promised the person an e-mail, so they get it, without the name: the address given is
    # unconfirmed, and our e-mail must not carry anyone's link to anyone.
    enquiry = submit(
        client,
        enquiry_data | {"name": name, "email": "victim@example.net"},
        django_capture_on_commit_callbacks,
    )

    staff, thanks = mail.outbox
    assert staff.to == ["fundraising@safedigital.example"]
    assert thanks.to == ["victim@example.net"]
    assert thanks.body.startswith("Hello,\n\nThank you for getting in touch")
    assert "<p>Hello,</p>" in html_of(thanks)
    for part in [thanks.subject, thanks.body, html_of(thanks)]:
        assert not any(word in part for word in ["prize", "bit.ly", "winner"])
    assert enquiry.notified_at is not None
    assert enquiry.acknowledged_at is not None


def test_a_nameless_acknowledgement_greets_in_the_pages_language(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    submit(
        client,
        enquiry_data | {"name": "J.Smith"},
        django_capture_on_commit_callbacks,
        HTTP_ACCEPT_LANGUAGE="es",
    )

    assert mail.outbox[1].body.startswith("Hola:\n\nGracias por escribirnos")


@pytest.mark.parametrize(
    "name", ["J.R.R. Tolkien", "Ana María Gómez-Pérez", "Dr. Seán O'Brien", "Li Wei 李伟"]
)
def test_ordinary_names_are_greeted(client, enquiry_data, django_capture_on_commit_callbacks, name):
    submit(client, enquiry_data | {"name": name}, django_capture_on_commit_callbacks)

    assert mail.outbox[1].body.startswith(f"Dear {name},")


def test_acknowledgements_to_one_address_are_rate_limited(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    for _number in range(4):
        submit(client, enquiry_data | {"stamp": aged_stamp()}, django_capture_on_commit_callbacks)

    to_donor = [message for message in mail.outbox if message.to == ["ana@fundacion.example"]]
    to_team = [message for message in mail.outbox if message.to == ["fundraising@safedigital.example"]]
    assert (len(to_donor), len(to_team)) == (3, 4)
    assert DonationEnquiry.objects.filter(acknowledged_at__isnull=True).count() == 1


def test_rate_limit_on_acknowledgements_ignores_capitals(
    client, enquiry_data, django_capture_on_commit_callbacks
):
    for email in [
        "ana@fundacion.example",
        "ANA@fundacion.example",
        "Ana@Fundacion.example",
        "ana@FUNDACION.example",
    ]:
        submit(
            client, enquiry_data | {"email": email, "stamp": aged_stamp()}, django_capture_on_commit_callbacks
        )

    assert sum(1 for message in mail.outbox if message.subject.startswith("Thank you")) == 3


def test_spam_is_never_notified(client, enquiry_data, django_capture_on_commit_callbacks):
    submit(client, enquiry_data | {"homepage": "filled"}, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    enquiry = DonationEnquiry.objects.get()
    assert (enquiry.notified_at, enquiry.acknowledged_at) == (None, None)


def test_send_skips_an_enquiry_marked_as_spam_meanwhile():
    enquiry = DonationEnquiryFactory(spam=True)

    send_enquiry_emails(enquiry.pk)

    assert mail.outbox == []


# Failures.


def test_a_failing_mail_server_keeps_the_enquiry_and_tells_staff(
    client, enquiry_data, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ),
        caplog.at_level(logging.ERROR, logger="donations.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/lets-chat/", enquiry_data, follow=True)

    assert response.status_code == 200
    assert "<h1>Thank you for getting in touch</h1>" in response.content.decode()
    enquiry = DonationEnquiry.objects.get()
    assert enquiry.notified_at is None
    assert enquiry.acknowledged_at is None
    assert enquiry.notification_error == (
        "Team notification: SMTPServerDisconnected: Connection unexpectedly closed\n"
        "Acknowledgement: SMTPServerDisconnected: Connection unexpectedly closed"
    )
    assert f"Could not send the Team notification e-mail for donation enquiry {enquiry.pk}" in caplog.text
    assert "ana@fundacion.example" not in caplog.text


def test_the_acknowledgement_failing_alone_still_records_the_team_email(enquiry_data, settings):
    enquiry = DonationEnquiryFactory(email="ana@fundacion.example")
    real_send = mail.backends.locmem.EmailBackend.send_messages

    def refuse_the_donor(backend, messages):
        if messages[0].to == ["ana@fundacion.example"]:
            raise smtplib.SMTPRecipientsRefused({"ana@fundacion.example": (550, b"No such user")})
        return real_send(backend, messages)

    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse_the_donor):
        send_enquiry_emails(enquiry.pk)

    enquiry.refresh_from_db()
    assert enquiry.notified_at is not None
    assert enquiry.acknowledged_at is None
    assert enquiry.notification_error.startswith("Acknowledgement: SMTPRecipientsRefused")


def test_no_recipients_configured_is_recorded(settings):
    settings.FUNDRAISING_EMAILS = []
    enquiry = DonationEnquiryFactory()

    send_enquiry_emails(enquiry.pk)

    enquiry.refresh_from_db()
    assert enquiry.notified_at is None
    assert (
        enquiry.notification_error == "Team notification: no recipients are configured (FUNDRAISING_EMAILS)."
    )
    assert [message.to for message in mail.outbox] == [[enquiry.email]]


def test_a_later_successful_send_clears_the_problem_it_had_recorded(settings):
    # The team e-mail failed, the acknowledgement did not get through either; later the enquiry is sent to the
    # team again (as when staff take it out of spam) and this time it goes: its old problem is no longer true,
    # and the admin's "with an e-mail problem" filter must stop listing it. The acknowledgement, not sent again,
    # keeps its own.
    enquiry = DonationEnquiryFactory(
        notification_error="Team notification: SMTPServerDisconnected: closed\nAcknowledgement: timeout: slow"
    )

    send_enquiry_emails(enquiry.pk, acknowledge=False)

    enquiry.refresh_from_db()
    assert enquiry.notified_at is not None
    assert enquiry.notification_error == "Acknowledgement: timeout: slow"

    send_enquiry_emails(enquiry.pk)

    enquiry.refresh_from_db()
    assert enquiry.acknowledged_at is not None
    assert enquiry.notification_error == ""


def test_a_later_successful_send_clears_a_problem_that_spanned_lines():
    enquiry = DonationEnquiryFactory()
    error = smtplib.SMTPException(
        "451 4.7.1 Greylisted, try again later\n451 4.7.1 see https://mx.example/grey"
    )
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=error):
        send_enquiry_emails(enquiry.pk)
    enquiry.refresh_from_db()
    assert enquiry.notification_error.startswith("Team notification: SMTPException: 451")

    send_enquiry_emails(enquiry.pk)  # both go through this time

    enquiry.refresh_from_db()
    assert enquiry.notified_at is not None and enquiry.acknowledged_at is not None
    assert enquiry.notification_error == ""


# The cost of sending.


class RecordingBackend(locmem.EmailBackend):
    """The test outbox, remembering each connection opened and the subjects sent through it."""

    connections = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.is_open = False
        self.sent = []

    def open(self):
        if self.is_open:
            return False
        self.is_open = True
        self.sent = []
        RecordingBackend.connections.append(self.sent)
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        if not self.is_open:
            self.open()  # as the SMTP backend does: a connection of its own, closed straight after
            try:
                return self.send_messages(messages)
            finally:
                self.close()
        if RecordingBackend.fail_next:
            RecordingBackend.fail_next = False
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        self.sent.extend(message.subject for message in messages)
        return super().send_messages(messages)


@pytest.fixture
def recording_mailer(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RecordingBackend"}}
    RecordingBackend.connections = []
    RecordingBackend.fail_next = False
    return RecordingBackend


def test_both_emails_go_through_one_connection_to_the_mail_server(recording_mailer):
    enquiry = DonationEnquiryFactory(organisation="Fundación Horizonte")

    send_enquiry_emails(enquiry.pk)

    assert recording_mailer.connections == [
        [
            "[Safe Digital] New enquiry: Foundation or trust, Fundación Horizonte",
            "Thank you for getting in touch with Safe Digital",
        ]
    ]


def test_after_a_failure_the_next_email_opens_a_new_connection(recording_mailer):
    enquiry = DonationEnquiryFactory()
    recording_mailer.fail_next = True

    send_enquiry_emails(enquiry.pk)

    assert recording_mailer.connections == [[], ["Thank you for getting in touch with Safe Digital"]]
    enquiry.refresh_from_db()
    assert enquiry.notification_error == (
        "Team notification: SMTPServerDisconnected: Connection unexpectedly closed"
    )
    assert enquiry.acknowledged_at is not None


@pytest.mark.parametrize("with_event", [False, True])
def test_sending_reads_the_enquiry_and_its_event_in_one_query(django_assert_num_queries, with_event):
    event = EventFactory(title="Safe Digital Futures & Children") if with_event else None
    enquiry = DonationEnquiryFactory(event=event)

    # The enquiry with its event's title, each e-mail once it has gone (so that it is not sent again), what failed.
    with django_assert_num_queries(4):
        send_enquiry_emails(enquiry.pk)

    staff = mail.outbox[0]
    if with_event:
        assert "Event: Safe Digital Futures & Children" in staff.body
        assert "<li>Event: Safe Digital Futures &amp; Children</li>" in html_of(staff)
    else:
        assert "Event" not in staff.body
        assert "Event" not in html_of(staff)


def test_nothing_is_sent_about_an_enquiry_erased_while_its_emails_waited():
    # The person asked for erasure (or the worker was down for days) before the queued e-mails went out.
    enquiry = DonationEnquiryFactory()
    enquiry.anonymise()

    send_enquiry_emails(enquiry.pk)

    enquiry.refresh_from_db()
    assert mail.outbox == []
    assert (enquiry.notified_at, enquiry.acknowledged_at, enquiry.notification_error) == (None, None, "")


def test_an_enquiry_erased_while_its_emails_were_being_sent_keeps_nothing_of_them():
    """
    Erased while the mail server was being talked to: what the sending then records (a refusal names the
    person's address) must not be written back on the erased record.
    """
    enquiry = DonationEnquiryFactory(email="ana@fundacion.example")

    def erased_meanwhile(self, messages):
        DonationEnquiry.objects.filter(pk=enquiry.pk).anonymise()
        raise smtplib.SMTPRecipientsRefused({"ana@fundacion.example": (550, b"No such user")})

    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", erased_meanwhile):
        send_enquiry_emails(enquiry.pk)

    enquiry.refresh_from_db()
    assert enquiry.anonymised_at is not None
    assert (enquiry.notified_at, enquiry.acknowledged_at, enquiry.notification_error) == (None, None, "")
