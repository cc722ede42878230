import re

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from events.models import CountryPledge
from safedigital.countries import country_name
from tests.factories import CountryPledgeFactory, EventFactory


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


@pytest.mark.django_db
def test_a_record_accepts_a_listed_country_and_refuses_any_other_code():
    pledge = CountryPledgeFactory(country="CO")
    pledge.full_clean()

    for code in ["XX", "Colombia", "C"]:
        pledge.country = code
        with pytest.raises(ValidationError) as refused:
            pledge.full_clean()
        assert refused.value.message_dict == {"country": [f"Value {code!r} is not a valid choice."]}

    pledge.country = "col"  # django-countries reads a three-letter or lower-case code as the country's
    pledge.full_clean()
    assert pledge.country == "CO"


@pytest.mark.django_db
def test_a_country_is_required_only_where_the_field_says_so():
    pledge = CountryPledgeFactory()
    pledge.country = ""
    with pytest.raises(ValidationError) as refused:
        pledge.full_clean()
    assert refused.value.message_dict == {"country": ["This field cannot be blank."]}

    event = EventFactory(country="")
    event.full_clean(exclude=["hero_image"])


def test_forms_offer_every_country_and_check_the_sent_code():
    form_class = modelform_factory(CountryPledge, fields=["country"])

    select = str(form_class()["country"])
    assert select.startswith(
        '<select name="country" id="id_country" required>\n  <option value="" selected>---------</option>\n'
    )
    assert '<option value="CI">Côte d&#x27;Ivoire</option>' in select
    assert len(re.findall("<option ", select)) == len(list(countries)) + 1
    assert '<option value="BR" selected>Brazil</option>' in str(
        form_class(initial={"country": "BR"})["country"]
    )

    assert form_class({"country": "BR"}).is_valid()
    refused = form_class({"country": "XX"})
    assert refused.errors == {"country": ["Select a valid choice. XX is not one of the available choices."]}


@pytest.mark.django_db
def test_the_admin_offers_the_countries_and_refuses_a_code_not_in_the_list(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "x"))
    add = reverse("admin:events_countrypledge_add")

    assert '<option value="CO">Colombia</option>' in client.get(add).content.decode()
    event = EventFactory()
    fields = {
        "event": event.pk,
        "pledging_body": "Ministry of Justice",
        "commitment": "A law.",
        "status": "pledged",
    }
    refused = client.post(add, fields | {"country": "XX"})
    assert refused.status_code == 200
    assert "XX is not one of the available choices." in refused.content.decode()
    assert not CountryPledge.objects.exists()

    assert client.post(add, fields | {"country": "CO"}).status_code == 302
    assert CountryPledge.objects.get().country == "CO"


def test_migrations_see_the_field_of_django_countries():
    _name, path, _args, kwargs = CountryPledge._meta.get_field("country").deconstruct()
    assert path == "django_countries.fields.CountryField"
    assert "choices" not in kwargs


def test_spanish_names_are_spelt_and_sorted_where_a_spanish_reader_looks_for_them():
    # django-countries' own Spanish has a typo ("Trinidad yTobago"), an odd name ("República de África Central")
    # and names that sort under a title ("República del Chad" under R, in the form's list of countries).
    with translation.override("es"):
        names = [country_name(code) for code in ["AD", "CF", "CY", "DJ", "TD", "TT"]]
        choices = [name for _code, name in countries]

    assert names == ["Andorra", "República Centroafricana", "Chipre", "Yibuti", "Chad", "Trinidad y Tobago"]
    assert choices.index("Catar") < choices.index("Chad") < choices.index("Chequia")
