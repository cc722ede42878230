import pytest
from django.contrib.auth.models import Permission

from tests.factories import StaffUserFactory


@pytest.fixture(autouse=True)
def _donation_settings(settings):
    settings.SITE_URL = "https://safedigital.example"
    settings.FUNDRAISING_EMAILS = ["fundraising@safedigital.example"]
    settings.FUNDRAISING_EMAILS_BY_KIND = {}
    settings.DONATION_RATE_LIMIT = "10/h"
    settings.DONATION_ACKNOWLEDGEMENT_RATE_LIMIT = "3/d"
    settings.DONATION_FORM_MIN_SECONDS = 3
    settings.DONATION_FORM_MAX_AGE_HOURS = 48
    settings.DONATION_MAX_LINKS = 2
    settings.DONATION_RETENTION_DAYS = 730
    settings.DONATION_SPAM_RETENTION_DAYS = 30


def grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="donations", codename__in=codenames)
    )
    return user


@pytest.fixture
def fundraiser(db):
    """A staff user with the donations permissions only (the Fundraising role comes with the roles issue)."""
    return grant(
        StaffUserFactory(username="fundraiser"),
        "view_donationenquiry",
        "change_donationenquiry",
        "delete_donationenquiry",
        "export_donationenquiry",
    )


@pytest.fixture
def superuser(db):
    return StaffUserFactory(username="admin", is_superuser=True)
