from django.utils import translation
from django_countries.fields import Country

from safedigital.countries import country_name


def test_a_country_is_named_in_the_active_language_each_time():
    with translation.override("es"):
        assert country_name("SE") == "Suecia"
    with translation.override("en"):
        assert country_name("SE") == "Sweden"
        assert country_name(Country("CI")) == Country("CI").name
    with translation.override("es"):
        assert country_name(Country("SE")) == "Suecia"


def test_no_country_has_no_name():
    assert country_name("") == ""
    assert country_name(Country("")) == ""


def test_a_code_not_in_the_list_has_no_name_as_with_django_countries():
    assert country_name("XX") == Country("XX").name == ""
