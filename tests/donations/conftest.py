import time
from unittest import mock

import pytest
from django.contrib.auth.models import Permission

from donations import spam
from tests.factories import StaffUserFactory


def aged_stamp(seconds=60, **kwargs):
    """A form stamp as if the form had been served `seconds` ago."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds):
        return spam.issue_stamp(**kwargs)


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


@pytest.fixture
def enquiry_data():
    """A good submission of the form, sent a minute after the form was served."""
    return {
        "name": "Ana María Gómez",
        "email": "ana@fundacion.example",
        "organisation": "Fundación Horizonte",
        "country": "CO",
        "phone": "+57 601 234 5678",
        "kind": "foundation",
        "budget": "50k_250k",
        "message": "We fund child-safety work in the Andes and would like to talk.",
        "privacy_consent": "on",
        "homepage": "",
        "stamp": aged_stamp(),
    }


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
