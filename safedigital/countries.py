"""
Countries: the model field every record with a country uses, and country names as shown in the active language.

django-countries checks a country, and renders its select, by walking its 250 translated names; it translates a
name anew at every `country.name` (about 25 us here). A highlights page shows dozens of names, and a form checks
and offers the whole list, so each of those is done here by looking the code up, or written out once.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, override
from django_countries import countries
from django_countries import fields as country_fields
from django_countries.widgets import LazySelectMixin

from .lookups import unaccent_casefold
from .widgets import Select


@cache
def _names(language):
    with override(language):
        return dict(countries)


def country_name(code):
    """
    The name of the country with this ISO code (a code or a django-countries Country); "" for none, and for a
    code that is not in the list, as `country.name` gives.
    """
    return _names(get_language()).get(str(code), "") if code else ""


def codes_named(text, languages):
    """
    The ISO codes of the countries whose name in one of `languages` holds `text`, ignoring accents and capitals
    ("brazil", "Brasil"); none for text that is empty without them.
    """
    wanted = unaccent_casefold(text)
    if not wanted:
        return set()
    return {
        code for language in languages for code, name in _folded_names(language).items() if wanted in name
    }


@cache
def _folded_names(language):
    return {code: unaccent_casefold(name) for code, name in _names(language).items()}


class CountryChoiceField(country_fields.LazyTypedChoiceField):
    """django-countries' choice field, with the same choices, checking a sent code by looking it up."""

    def valid_value(self, value):
        return str(value) in countries


class CountrySelect(LazySelectMixin, Select):
    """django-countries' select (its choices may be lazy), its 250 options written out in Python."""


class CountryField(country_fields.CountryField):
    """
    django-countries' model field (one country), checked by looking its code up and offered in forms, the admin
    included, as a CountryChoiceField with a CountrySelect.
    """

    def validate(self, value, model_instance):
        if self.multiple:
            return super().validate(value, model_instance)
        if not self.editable:
            return None
        if value not in self.empty_values and str(value) not in self.countries:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        if value is None and not self.null:
            raise ValidationError(self.error_messages["null"], code="null")
        if not self.blank and value in self.empty_values:
            raise ValidationError(self.error_messages["blank"], code="blank")
        return None

    def deconstruct(self):
        # Migrations see django-countries' field: the column is the same, and only Python-side checks and
        # forms differ, so changing the class needs no migration (on SQLite, one would rebuild each table).
        name, _path, args, kwargs = super().deconstruct()
        return name, "django_countries.fields.CountryField", args, kwargs

    def formfield(self, **kwargs):
        if not self.multiple:
            kwargs.setdefault("choices_form_class", CountryChoiceField)
            kwargs.setdefault("widget", CountrySelect)
        return super().formfield(**kwargs)
