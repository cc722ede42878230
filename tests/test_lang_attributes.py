"""
Text in another language than the page's says so (WCAG 3.1.2): a media mention's headline and excerpt, and a
resource's title, carry lang when their recorded language is not the page's, and only then, so that a screen
reader switches voice for them and the page's own language is not repeated on every item.
"""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import EventFactory, MediaMentionFactory, OutletFactory, ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(slug="safe-digital-futures")
    MediaMentionFactory(
        event=event, outlet=OutletFactory(name="El Tiempo"), headline="Colombia se compromete", language="es",
        link="https://eltiempo.example/a", excerpt="Proteger a los niños en línea",
    )  # fmt: skip
    MediaMentionFactory(
        event=event, outlet=OutletFactory(name="Caracol"), headline="Ministers meet in Bogotá", language="en",
        link="", excerpt="Leaders agree to act.",
    )  # fmt: skip
    MediaMentionFactory(
        event=event, outlet=OutletFactory(name="Semana"), headline="Bogotá 2024", language="", link="",
    )  # fmt: skip
    ResourceFactory(event=event, title="Comunicado de prensa", language="es", url="https://example.org/es")
    ResourceFactory(event=event, title="Press release", language="en", url="https://example.org/en")
    return event


def coverage_page(client, event, language):
    url = reverse("media_coverage:event-coverage", kwargs={"slug": event.slug})
    return client.get(url, headers={"accept-language": language})


def highlights_page(client, event, language):
    return client.get(event.get_absolute_url(), headers={"accept-language": language})


def test_a_spanish_mention_on_the_english_coverage_page_says_it_is_spanish(client, event):
    response = coverage_page(client, event, "en")

    assertContains(
        response,
        '<h3 class="h5 mb-1" lang="es"><a href="https://eltiempo.example/a" rel="noopener">'
        "Colombia se compromete</a></h3>",
        html=True,
    )
    assertContains(
        response,
        '<div lang="es"><blockquote class="quote mb-0"><p class="mb-0">Proteger a los niños en línea</p></blockquote>'
        "</div>",
        html=True,
    )
    # In the page's own language, or in none recorded: no lang of its own.
    assertContains(response, '<h3 class="h5 mb-1">Ministers meet in Bogotá</h3>', html=True)
    assertContains(
        response,
        '<div><blockquote class="quote mb-0"><p class="mb-0">Leaders agree to act.</p></blockquote></div>',
        html=True,
    )
    assertContains(response, '<h3 class="h5 mb-1">Bogotá 2024</h3>', html=True)
    assertContains(response, 'lang="', count=3)  # <html lang="en"> and the Spanish headline and excerpt


def test_an_english_mention_on_the_spanish_coverage_page_says_it_is_english(client, event):
    response = coverage_page(client, event, "es")

    assertContains(response, '<h3 class="h5 mb-1" lang="en">Ministers meet in Bogotá</h3>', html=True)
    assertContains(
        response,
        '<div lang="en"><blockquote class="quote mb-0"><p class="mb-0">Leaders agree to act.</p></blockquote></div>',
        html=True,
    )
    assertContains(
        response,
        '<h3 class="h5 mb-1"><a href="https://eltiempo.example/a" rel="noopener">Colombia se compromete</a></h3>',
        html=True,
    )
    assertContains(response, 'lang="', count=3)


def test_a_resource_in_another_language_says_so_on_its_title(client, event):
    english = highlights_page(client, event, "en")
    spanish = highlights_page(client, event, "es")

    assertContains(
        english,
        '<a href="https://example.org/es" hreflang="es" lang="es">Comunicado de prensa</a>',
        html=True,
    )
    assertContains(english, '<a href="https://example.org/en">Press release</a>', html=True)
    assertContains(
        spanish, '<a href="https://example.org/en" hreflang="en" lang="en">Press release</a>', html=True
    )
    assertContains(spanish, '<a href="https://example.org/es">Comunicado de prensa</a>', html=True)
