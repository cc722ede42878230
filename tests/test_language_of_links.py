"""
The words of links: a link says where it goes without the text around it (WCAG 2.4.4), and the same words do not
lead to different places, in English and in Spanish.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import CountryPledgeFactory, EventFactory

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    """Every link of a page as (text, href), the text as a screen reader reads it (hidden parts included)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.open = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.open = [dict(attrs).get("href", ""), ""]

    def handle_data(self, data):
        if self.open is not None:
            self.open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.open is not None:
            href, text = self.open
            self.links.append((" ".join(text.split()), href))
            self.open = None


def links_of(response):
    parser = Links()
    parser.feed(response.content.decode())
    return parser.links


@pytest.fixture
def event():
    parent = EventFactory(title="Global Ministerial Conference", slug="ministerial")
    CountryPledgeFactory(event=parent, country="BR")
    event = EventFactory(
        title="Safe Digital Futures for Children", slug="safe-digital-futures", parent=parent
    )
    CountryPledgeFactory(event=event, country="SE")
    return event


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                (
                    "All pledges made at Safe Digital Futures for Children, with filters",
                    "safe-digital-futures",
                ),
                ("All pledges made at the Global Ministerial Conference, with filters", "ministerial"),
            ],
        ),
        (
            "es",
            [
                (
                    "Todos los compromisos asumidos en Safe Digital Futures for Children, con filtros",
                    "safe-digital-futures",
                ),
                (
                    "Todos los compromisos asumidos en Global Ministerial Conference, con filtros",
                    "ministerial",
                ),
            ],
        ),
    ],
    ids=["english", "spanish"],
)
def test_the_highlights_pages_pledge_links_say_whose_pledges_they_show(client, event, language, expected):
    response = client.get(event.get_absolute_url(), headers={"accept-language": language})

    pledge_links = [(text, href) for text, href in links_of(response) if href.startswith("/pledges/?")]

    assert pledge_links == [(text, f"/pledges/?event={slug}") for text, slug in expected]


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Pledges from all events"), ("es", "Compromisos de todos los eventos")]
)
def test_the_pledges_of_one_event_link_to_every_events_pledges_saying_so(client, event, language, text):
    url = reverse("events:pledge-list") + f"?event={event.slug}"

    links = links_of(client.get(url, headers={"accept-language": language}))

    assert (text, "/pledges/") in links


@pytest.mark.parametrize("language", ["en", "es"])
def test_all_events_always_means_the_events_page(client, event, language):
    pages = [
        reverse("events:home"),
        reverse("events:event-list"),
        reverse("events:pledge-list"),
        reverse("events:pledge-list") + f"?event={event.slug}",
        event.get_absolute_url(),
    ]
    all_events = {"en": "All events", "es": "Todos los eventos"}[language]

    targets = {
        href
        for page in pages
        for text, href in links_of(client.get(page, headers={"accept-language": language}))
        if text == all_events
    }

    assert targets == {"/events/"}
