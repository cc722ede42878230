"""Journey 4: a fundraiser finds the donor's enquiry, moves it along the pipeline and exports the list."""

import csv

import pytest
from playwright.sync_api import expect

from donations.models import DonationEnquiry, StatusChange
from safedigital.roles import FUNDRAISING
from tests.browser.helpers import log_in, settled, staff_user
from tests.browser.test_donor import DONOR
from tests.factories import DonationEnquiryFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def enquiries(demo_event):
    """The donor's enquiry from journey 2, among others in the pipeline."""
    return {
        "donor": DonationEnquiryFactory(
            name=DONOR["name"],
            email=DONOR["email"],
            organisation=DONOR["organisation"],
            country="CO",
            message=DONOR["message"],
        ),
        "other": DonationEnquiryFactory(name="Brightwater Trust", status=DonationEnquiry.Status.CONTACTED),
        "new": DonationEnquiryFactory(name="Kofi Mensah", kind=DonationEnquiry.Kind.INDIVIDUAL),
    }


@pytest.fixture
def fundraiser(demo_event):
    return staff_user("fundraiser", FUNDRAISING)


def test_fundraiser_moves_the_enquiry_on_and_exports_the_filtered_list(page, site, fundraiser, enquiries):
    log_in(page, site, "fundraiser")
    # Fundraisers work on enquiries, and nothing else.
    expect(page.locator("#content-main caption")).to_have_text(["Donations"])

    page.get_by_role("link", name="Donation enquiries").first.click()
    page.locator("#searchbar").fill("Gómez")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list").get_by_role("link", name=DONOR["name"]).click()

    expect(page.locator("#id_name")).to_have_value(DONOR["name"])
    page.get_by_label("Status:", exact=True).select_option(label="Contacted")
    page.get_by_label("Owner").select_option(label="Fundraiser (fundraiser)")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    settled(page)
    donor = enquiries["donor"]
    donor.refresh_from_db()
    assert (donor.status, donor.owner) == (DonationEnquiry.Status.CONTACTED, fundraiser)
    assert list(
        StatusChange.objects.filter(enquiry=donor).values_list("from_status", "to_status", "changed_by")
    ) == [("new", "contacted", fundraiser.pk)]

    # Back on the list (still searched for Gómez): all contacted enquiries, exported as the list stands.
    page.locator("#searchbar").fill("")
    page.get_by_role("button", name="Search").click()
    page.locator("#changelist-filter").get_by_role("link", name="Contacted").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these 2 enquiries as CSV").click()
    assert download.value.suggested_filename.startswith("donation-enquiries-")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert sorted((row["Name"], row["Status"], row["Owner"]) for row in rows) == [
        (DONOR["name"], "Contacted", "Fundraiser (fundraiser)"),
        ("Brightwater Trust", "Contacted", ""),
    ]
    donor_row = next(row for row in rows if row["Name"] == DONOR["name"])
    assert (donor_row["E-mail"], donor_row["Organisation"], donor_row["Country"]) == (
        DONOR["email"],
        DONOR["organisation"],
        "Colombia",
    )
