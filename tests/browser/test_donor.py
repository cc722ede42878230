"""Journey 2: a donor asks for a chat: empty form, errors, corrections, thank-you; stored once."""

import re

import pytest
from playwright.sync_api import expect

from donations.models import DonationEnquiry
from tests.browser.helpers import send_the_form, settled

pytestmark = pytest.mark.browser

DONOR = {
    "name": "Ana María Gómez",
    "email": "ana@fundacion.example",
    "organisation": "Fundación Horizonte",
    "message": "We fund child-safety work in the Andes and would like to talk about safety by design.",
}
REQUIRED_ERRORS = [
    "Enter your name.",
    "Enter your e-mail address, so that we can reply.",
    "Choose the kind of support you are thinking of.",
    "Write a few words about what you have in mind.",
    "Tick the box to say you agree to the privacy notice, so that we can keep your details and reply.",
]


@pytest.fixture
def enquiry_settings(settings):
    # The form's time trap flags a form sent back within DONATION_FORM_MIN_SECONDS of being served; this donor
    # types faster than any person, so the trap is off here (tests/donations tests it).
    settings.DONATION_FORM_MIN_SECONDS = 0
    settings.FUNDRAISING_EMAILS = ["fundraising@safedigital.example"]


def open_the_form(page, site):
    page.goto(site.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Let's chat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We'd love to have a chat")


def send_it_empty(page):
    send_the_form(page)
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    return summary


def fill_in(page):
    page.get_by_label("Your name").fill(DONOR["name"])
    page.get_by_label("E-mail address").fill(DONOR["email"])
    page.get_by_label("Organisation").fill(DONOR["organisation"])
    page.get_by_label("Country").select_option(label="Colombia")
    page.get_by_label("Foundation or trust").check()
    page.get_by_label("Budget").select_option(label="US$50,000 to US$250,000")
    page.get_by_label("Your message").fill(DONOR["message"])
    page.get_by_label("I have read the privacy notice").check()


def test_donor_corrects_the_form_and_lands_on_the_thank_you_page(
    page, requests_made, site, demo_event, enquiry_settings, mailoutbox
):
    open_the_form(page, site)

    # Sent empty: the problems are listed at the top, which takes focus, and each is beside its field.
    summary = send_it_empty(page)
    expect(page).to_have_title("Error: Let's chat · Safe Digital")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text(REQUIRED_ERRORS)
    expect(page.locator("#id_name").locator("xpath=..").get_by_text("Enter your name.")).to_be_visible()
    # A problem in the list leads to its field.
    summary.get_by_role("link", name="Enter your name.").click()
    expect(page.get_by_label("Your name")).to_be_focused()

    fill_in(page)
    send_the_form(page)

    # (Any #fragment from following the error list stays on the address through the redirect.)
    expect(page).to_have_url(re.compile(re.escape(site.url) + r"/lets-chat/thank-you/(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for getting in touch")
    page.reload()  # a reload of the thank-you page sends nothing again
    settled(page)
    enquiries = DonationEnquiry.objects.filter(email=DONOR["email"])
    assert enquiries.count() == 1
    enquiry = enquiries.get()
    assert (enquiry.name, enquiry.organisation, enquiry.country.code, enquiry.message) == (
        DONOR["name"],
        DONOR["organisation"],
        "CO",
        DONOR["message"],
    )
    assert (enquiry.kind, enquiry.budget, enquiry.privacy_consent) == ("foundation", "50k_250k", True)
    assert enquiry.status == DonationEnquiry.Status.NEW
    assert not enquiry.is_spam, enquiry.spam_reason
    assert enquiry.source_path == "/"
    # The team is told, and the donor thanked, once each.
    assert sorted(message.to[0] for message in mailoutbox) == [
        DONOR["email"],
        "fundraising@safedigital.example",
    ]

    # Privacy: the whole journey stayed on the site's own origin.
    assert [url for url in requests_made if not url.startswith(site.url + "/")] == []
