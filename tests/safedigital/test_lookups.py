"""
iexact ignores the capitals of every alphabet, and unaccent ignores accents (and with icontains the capitals of every
alphabet), on SQLite too (safedigital/lookups.py).
"""

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


@pytest.mark.parametrize("value", ["lucia", "LUCIA", "Lucía", "LUCÍA", "ucí"])
def test_unaccent_ignores_accents_on_both_sides(value):
    OutletFactory(name="Radio Lucía")
    OutletFactory(name="Radio Lucas")

    assert list(Outlet.objects.filter(name__unaccent__icontains=value).values_list("name", flat=True)) == [
        "Radio Lucía"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ostlandet", "Østlandet Blad"), ("lodzka", "Gazeta Łódzka"), ("strasse", "Straße Zeitung")],
)
def test_unaccent_folds_the_letters_unicode_does_not_decompose_as_postgresql_does(value, expected):
    for name in ("Østlandet Blad", "Gazeta Łódzka", "Straße Zeitung"):
        OutletFactory(name=name)

    assert list(Outlet.objects.filter(name__unaccent__icontains=value).values_list("name", flat=True)) == [
        expected
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("мария", "Мария Петрова"),
        ("МАРИЯ ПЕТРОВА", "Мария Петрова"),
        ("ελενη", "Ελένη Παππά"),
        ("ΕΛΈΝΗ", "Ελένη Παππά"),
        ("σοφοκλής", "ΣΟΦΟΚΛΗΣ ΤΥΠΟΣ"),
    ],
)
def test_unaccent_ignores_the_capitals_of_every_alphabet(value, expected):
    """SQLite's LIKE folds ASCII alone: "мария" did not find "Мария" there, as it did on PostgreSQL."""
    for name in ("Мария Петрова", "Ελένη Παππά", "ΣΟΦΟΚΛΗΣ ΤΥΠΟΣ", "Марина Лопес"):
        OutletFactory(name=name)

    assert list(Outlet.objects.filter(name__unaccent__icontains=value).values_list("name", flat=True)) == [
        expected
    ]


def test_unaccent_matches_percent_and_underscore_as_themselves():
    OutletFactory(name="100% Rádio")
    OutletFactory(name="1000 Radio")

    assert list(
        Outlet.objects.filter(name__unaccent__icontains="0% radio").values_list("name", flat=True)
    ) == ["100% Rádio"]
    assert list(Outlet.objects.filter(name__unaccent__icontains="10_0")) == []
