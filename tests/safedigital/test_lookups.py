"""iexact ignores the capitals of every alphabet, on SQLite too (safedigital/lookups.py)."""

import pytest
from django.db import connection
from django.utils.translation import gettext_lazy

from media_coverage.models import Outlet
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["CARACOL TELEVISIÓN", "caracol televisión", "Caracol Televisión"])
def test_iexact_ignores_accented_capitals(value):
    OutletFactory(name="Caracol Televisión")
    OutletFactory(name="Caracol Television")

    assert list(Outlet.objects.filter(name__iexact=value).values_list("name", flat=True)) == [
        "Caracol Televisión"
    ]


def test_iexact_matches_percent_and_underscore_as_themselves():
    OutletFactory(name="100% Radio")
    OutletFactory(name="1000 Radio")

    assert list(Outlet.objects.filter(name__iexact="100% RADIO").values_list("name", flat=True)) == [
        "100% Radio"
    ]
    assert list(Outlet.objects.filter(name__iexact="10_0 Radio")) == []


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="Django's own iexact takes a lazy string on SQLite only"
)
def test_on_sqlite_iexact_takes_a_lazy_string_as_django_s_own_does():
    OutletFactory(name="Caracol Televisión")

    assert Outlet.objects.filter(name__iexact=gettext_lazy("caracol televisión")).exists()
