"""
Country names as shown in the active language, each language's names read once per process. django-countries
translates a name anew at every `country.name` (about 25 us here), and a highlights page shows dozens.
"""

from functools import cache

from django.utils.translation import get_language, override
from django_countries import countries


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
