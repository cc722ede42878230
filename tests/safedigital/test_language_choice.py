"""
The language switch in the header: a visitor whose browser asks for one language may read the site in the other.
The choice lasts for the browser session only, and pages stay cached whole, one copy per language.
"""

import re

import pytest
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

SWITCH = re.compile(r'<a class="nav-link" href="(/language/[^"]+)" lang="(\w+)" hreflang="(\w+)">([^<]+)</a>')


def html_lang(response):
    return re.search(r'<html lang="([\w-]+)"', response.content.decode()).group(1)


def test_a_visitor_reads_the_page_they_are_on_in_spanish_then_in_english_again(client):
    EventFactory(country="CO")
    # The list as filtered, reached from a social network's link: its tag (fbclid) is not part of the page.
    address = reverse("events:event-list") + "?country=CO"

    english = client.get(address + "&fbclid=IwAR0abc")
    assert html_lang(english) == "en"
    [(switch, lang, hreflang, name)] = SWITCH.findall(english.content.decode())
    assert (lang, hreflang, name) == ("es", "es", "Español")
    assert switch == "/language/es/?next=/events/%3Fcountry%3DCO"

    chosen = client.get(switch)
    assert chosen.status_code == 302
    assert chosen["Location"] == address
    cookie = chosen.cookies["django_language"]
    assert cookie.value == "es"
    assert (cookie["max-age"], cookie["expires"]) == ("", "")  # gone when the browser is closed
    assert cookie["httponly"] is True

    spanish = client.get(address)
    assert html_lang(spanish) == "es"
    [(switch, lang, hreflang, name)] = SWITCH.findall(spanish.content.decode())
    assert (lang, hreflang, name) == ("en", "en", "English")

    client.get(switch)
    assert html_lang(client.get(address)) == "en"


def test_the_choice_wins_over_the_browsers_language(client):
    client.get("/language/en/?next=/")

    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="es")) == "en"


def test_each_language_has_its_own_copy_in_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    event = EventFactory()
    address = event.get_absolute_url()

    assert html_lang(client.get(address)) == "en"  # stored in English
    client.get("/language/es/?next=" + address)
    assert html_lang(client.get(address)) == "es"
    client.cookies.pop("django_language")
    assert html_lang(client.get(address)) == "en"


@pytest.mark.parametrize(
    "back_to",
    ["", "https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "events/"],
)
def test_the_switch_goes_back_only_to_a_page_of_this_site(client, back_to):
    response = client.get("/language/es/", {"next": back_to})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "es"


def test_a_language_the_site_does_not_have_is_not_found(client):
    response = client.get("/language/fr/?next=/")

    assert response.status_code == 404
    assert "django_language" not in response.cookies


def test_the_switch_is_not_a_page_to_keep(client):
    response = client.get(reverse("choose-language", args=["es"]))

    assert "no-store" in response["Cache-Control"]


def test_a_link_checker_asking_with_head_is_answered_as_a_browser_is(client):
    response = client.head("/language/es/?next=/events/")

    assert (response.status_code, response["Location"]) == (302, "/events/")
    assert client.post("/language/es/?next=/events/").status_code == 405
