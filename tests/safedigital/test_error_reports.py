"""What reaches the administrators' mailbox and the log (safedigital/error_reports.py and LOGGING in the settings)."""

import io
import logging
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import StaffUserFactory


@pytest.fixture
def console():
    """What the site's log handler ("console" in LOGGING) prints during the test, as the operator reads it."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_request_for_a_host_not_served_is_one_warning_line_and_no_e_mail(client, settings, console):
    """
    Scanners send any Host header to a public address. Django logged each with its traceback and e-mailed it
    to the administrators, burying the reports of real errors.
    """
    settings.ALLOWED_HOSTS = ["safedigital.example"]
    settings.ADMINS = ["ops@safedigital.example"]

    response = client.get("/", headers={"host": "scanner.example"})

    assert response.status_code == 400
    assert mail.outbox == []
    lines = console.getvalue().splitlines()
    assert len(lines) == 1, console.getvalue()
    assert lines[0].endswith(
        " WARNING django.security.DisallowedHost Invalid HTTP_HOST header: 'scanner.example'. "
        "You may need to add 'scanner.example' to ALLOWED_HOSTS."
    )


@pytest.mark.django_db
def test_a_server_error_is_still_e_mailed_to_the_administrators(settings, console):
    settings.ADMINS = ["ops@safedigital.example"]
    client = Client(raise_request_exception=False)

    with mock.patch("events.views.HomeView.get", side_effect=RuntimeError("broken")):
        response = client.get(reverse("events:home"))

    assert response.status_code == 500
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["ops@safedigital.example"], "[Django] ERROR (EXTERNAL IP): Internal Server Error: /")
    ]
    assert "RuntimeError: broken" in console.getvalue()


@pytest.mark.django_db
def test_the_report_of_an_error_during_a_search_of_the_enquiries_holds_no_donor_s_words(settings):
    """
    A fundraiser searches the enquiries for a donor's address or name (to answer their request for a copy of their
    data, say). The report of an error then, e-mailed to ADMIN_EMAILS, who are not the fundraising team, held them
    in the URL, the GET data, the query string and the Referer, beyond the reach of an erasure: the form's fields
    were hidden already, and a search's words are the same data. Which parameters were sent still shows.
    """
    settings.ADMINS = ["ops@safedigital.example"]
    client = Client(raise_request_exception=False)
    client.force_login(StaffUserFactory(is_superuser=True))
    changelist = reverse("admin:donations_donationenquiry_changelist")

    with mock.patch(
        "donations.admin.DonationEnquiryAdmin.get_search_results", side_effect=RuntimeError("broken")
    ):
        response = client.get(
            f"{changelist}?q=ana%40fundacion.example",
            headers={"referer": f"http://testserver{changelist}?q=Ana+G%C3%B3mez"},
        )

    assert response.status_code == 500
    [report] = mail.outbox
    assert [
        word for word in ("ana%40fundacion", "ana@fundacion", "Ana+G", "Gómez") if word in report.body
    ] == []
    lines = report.body.splitlines()
    assert f"Request URL: http://testserver{changelist}?********************" in lines
    assert "q = '********************'" in lines
    assert "QUERY_STRING = '********************'" in lines
    assert f"HTTP_REFERER = 'http://testserver{changelist}?********************'" in lines
