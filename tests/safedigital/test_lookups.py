"""iexact ignores the capitals of every alphabet, on SQLite too, and takes what Django's own takes."""

import pytest
from django.utils.translation import gettext_lazy

from media_coverage.models import Outlet
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [gettext_lazy("Caracol Televisión"), "CARACOL TELEVISIÓN"])
def test_iexact_takes_any_value_django_s_own_takes(value):
    OutletFactory(name="Caracol Televisión")

    assert list(Outlet.objects.filter(name__iexact=value).values_list("name", flat=True)) == [
        "Caracol Televisión"
    ]
