import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from events.models import CountryPledge, EventPartner, HeadlineFigure, Speaker
from tests.factories import (
    CountryPledgeFactory,
    EventFactory,
    GalleryFactory,
    HeadlineFigureFactory,
    OrganisationFactory,
    ParticipationFactory,
    PhotoFactory,
    ResourceFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    return user


def public_urls(event, speaker):
    return [
        event.get_absolute_url(),
        reverse("events:pledge-list") + f"?event={event.slug}",
        speaker.get_absolute_url(),
    ]


@pytest.mark.parametrize(
    "hidden",
    [
        {"draft": True},
        {"publish_at": timezone.now() + datetime.timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_every_public_url_of_an_unpublished_event_answers_404(client, hidden):
    event = EventFactory(title="Secret summit", **hidden)
    speaker = SpeakerFactory()
    ParticipationFactory(session=SessionFactory(event=event), speaker=speaker)

    for url in public_urls(event, speaker):
        response = client.get(url)
        assert response.status_code == 404, url
    for url in [reverse("events:home"), reverse("events:event-list"), reverse("events:pledge-list")]:
        assert "Secret summit" not in client.get(url).content.decode()


def test_staff_preview_a_draft_with_a_banner(client, staff):
    event = EventFactory(draft=True, title="Work in progress")
    client.force_login(staff)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>Draft preview</strong>" in content
    assert '<meta name="robots" content="noindex">' in content


def test_published_page_has_no_preview_banner(client, staff):
    event = EventFactory()
    client.force_login(staff)

    assert "Draft preview" not in client.get(event.get_absolute_url()).content.decode()


def test_highlights_page_shows_every_section_in_order(client):
    event = EventFactory(
        title="Safe Digital Futures",
        summary="A satellite event in Bogotá.",
        body="<p>Read the call to action.</p>",
        pillars_heading="Concrete actions through",
        outcomes="<p>20 countries pledged.</p>",
        closing="<p>Share it with #Act4OnlineSafety.</p>",
    )
    event.pillars.set([ThemeFactory(name="Safety by design")])
    EventPartner.objects.create(
        event=event, organisation=OrganisationFactory(name="Safe Online"), role="co_host"
    )
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.SPEAKERS, label="Speakers")
    opening = SessionFactory(event=event, kind="opening", title="Opening", order=1)
    ParticipationFactory(
        session=opening,
        speaker=SpeakerFactory(full_name="Marija Manojlovic", role_title="Executive Director"),
        role="opening",
        quote="We stand united.",
    )
    film_session = SessionFactory(event=event, kind="film", title="Film screening", order=2)
    VideoFactory(
        event=event, session=film_session, title="Beyond the Screen", content_warning="Survivors speak."
    )
    VideoFactory(event=event, kind="interview", title="Expert interview")
    CountryPledgeFactory(event=event, country="SE", commitment="Fund helplines.")
    PhotoFactory(gallery=GalleryFactory(event=event, title="Networking Reception"), alt_text="Guests talking")
    ResourceFactory(event=event, kind="call_to_action", title="Call to Action")
    ResourceFactory(event=event, kind="press_release", title="Press release")

    response = client.get(event.get_absolute_url())

    content = response.content.decode()
    # The seed page's order: its supporting partners before its figures, the press release and open letter
    # after what came of the event, before the programme, and its closing words after the photos.
    headings = [
        "Safe Digital Futures",
        "Hosts and supporting partners",
        "In figures",
        "About the event",
        "Concrete actions through",
        "What came of it",
        "Resources",
        "The programme",
        "Interviews",
        "Country pledges",
        "Captured memories",
        "<p>Share it with #Act4OnlineSafety.</p>",
        "We'd love to have a chat",
    ]
    positions = [content.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "“We stand united.”" in content
    assert (
        '<a class="btn btn-outline-primary" href="https://example.org/press-release">Read the Call to Action</a>'
        in content
    )
    assert "<strong>Content warning:</strong> Survivors speak." in content
    assert 'alt="Guests talking"' in content
    assert "Fund helplines." in content
    assert "<title>Safe Digital Futures · Safe Digital</title>" in content
    assert '<meta property="og:type" content="article">' in content


def test_films_are_shown_in_their_session_and_the_others_under_films(client):
    event = EventFactory()
    screening = SessionFactory(event=event, kind="film", title="Film screening", order=1)
    SessionFactory(event=event, kind="closing", title="Closing remarks", order=2)
    # The session's film comes first in the event's order, the film of no session after it.
    VideoFactory(event=event, session=screening, title="Beyond the Screen", order=1)
    VideoFactory(event=event, title="A film on its own", order=2)

    content = client.get(event.get_absolute_url()).content.decode()

    sections = re.split(r'<section class="(?:section |session )', content)
    (screening_html,) = [part for part in sections if "Film screening</h3>" in part]
    (closing_html,) = [part for part in sections if "Closing remarks</h3>" in part]
    (films_html,) = [part for part in sections if part.startswith("films")]
    assert "Beyond the Screen" in screening_html
    assert "Beyond the Screen" not in closing_html + films_html
    assert '<h2 id="films-heading">Films</h2>' in films_html
    assert "A film on its own" in films_html
    assert content.count('<figure class="video') == 2  # each film once


def test_highlight_reels_come_after_the_closing_words(client):
    # The seed page ends "Here are some of the videos that summarize the highlights of the event", then the videos.
    event = EventFactory(closing="<p>Here are some of the videos that summarize the highlights.</p>")
    VideoFactory(event=event, kind="highlights", title="The day in three minutes", order=1)
    VideoFactory(event=event, title="A film on its own", order=2)

    content = client.get(event.get_absolute_url()).content.decode()

    sections = re.split(r'<section class="section ', content)
    (films_html,) = [part for part in sections if part.startswith("films")]
    (reels_html,) = [part for part in sections if part.startswith("highlight-reels")]
    assert "The day in three minutes" not in films_html
    assert '<h2 id="highlight-reels-heading">Highlights on video</h2>' in reels_html
    assert "The day in three minutes" in reels_html
    assert (
        content.index("summarize the highlights.</p>")
        < content.index("highlight-reels-heading")
        < content.index('id="donate-cta-title"')
    )
    assert content.count('<figure class="video') == 2


def test_empty_sections_are_hidden(client):
    event = EventFactory()

    content = client.get(event.get_absolute_url()).content.decode()

    for heading in [
        "In figures",
        "The programme",
        "Interviews",
        "Country pledges",
        "Captured memories",
        "Resources",
        "Highlights on video",
    ]:
        assert heading not in content


def test_headline_figures_are_real_numbers_in_the_html(client):
    event = EventFactory(attendees_in_person=350)
    HeadlineFigureFactory(
        event=event, source=HeadlineFigure.Source.ATTENDEES, label="Attendees in person", suffix="+"
    )

    content = client.get(event.get_absolute_url()).content.decode()

    assert '<dd class="figure-value mb-0" data-count="350" data-suffix="+">350+</dd>' in content


def test_video_loads_nothing_from_the_provider_before_a_click(client):
    event = EventFactory()
    VideoFactory(event=event, provider_url="https://www.youtube.com/watch?v=abcdefghijk")

    content = client.get(event.get_absolute_url()).content.decode()

    assert "<iframe" not in content
    assert (
        'data-embed-url="https://www.youtube-nocookie.com/embed/abcdefghijk?autoplay=1&amp;rel=0"' in content
    )


def test_anonymous_speakers_real_name_reaches_no_public_page(client):
    event = EventFactory()
    survivor = SpeakerFactory(full_name="Grace Wanjiru Secretname", anonymous=True)
    named = SpeakerFactory(full_name="Open Person")
    session = SessionFactory(event=event)
    ParticipationFactory(session=session, speaker=survivor, quote="I was not believed.")
    ParticipationFactory(session=session, speaker=named)
    CountryPledgeFactory(event=event)

    responses = [
        client.get(url)
        for url in [
            reverse("events:home"),
            reverse("events:event-list"),
            event.get_absolute_url(),
            reverse("events:pledge-list"),
            named.get_absolute_url(),
        ]
    ]

    for response in responses:
        assert response.status_code == 200
        content = response.content.decode()
        assert "Secretname" not in content
        assert "Grace" not in content
    highlights = responses[2].content.decode()
    assert "Survivor, Kenya" in highlights
    assert "I was not believed." in highlights
    assert client.get(reverse("events:speaker-detail", kwargs={"slug": survivor.slug})).status_code == 404


def test_speaker_page_lists_sessions_and_quotes(client):
    speaker = SpeakerFactory(full_name="Camilla Waltersson Grönwall", role_title="Minister of Social Affairs")
    event = EventFactory(title="Bogotá satellite")
    ParticipationFactory(
        session=SessionFactory(event=event, title="Opening"),
        speaker=speaker,
        role="opening",
        quote="Collaborate.",
    )
    ParticipationFactory(
        session=SessionFactory(event=EventFactory(draft=True), title="Hidden"), speaker=speaker
    )

    content = client.get(speaker.get_absolute_url()).content.decode()

    assert "<h1>Camilla Waltersson Grönwall</h1>" in content
    assert "“Collaborate.”" in content
    assert "Opening</a>" in content
    assert "Hidden" not in content
    assert (
        '<meta property="og:description" content="Camilla Waltersson Grönwall: sessions and words at Safe Digital '
        'events.">'
    ) in content


def test_event_list_filters_by_year_and_country(client):
    EventFactory(
        title="Bogotá 2024", start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6)
    )
    EventFactory(
        title="Stockholm 2023",
        country="SE",
        start_date=datetime.date(2023, 5, 1),
        end_date=datetime.date(2023, 5, 1),
    )
    future = timezone.localdate() + datetime.timedelta(days=30)
    EventFactory(title="Next summit", start_date=future, end_date=future)

    def titles(query):
        response = client.get(reverse("events:event-list") + query)
        return [e.title for e in response.context["past_events"]], [
            e.title for e in response.context["upcoming_events"]
        ]

    assert titles("") == (["Bogotá 2024", "Stockholm 2023"], ["Next summit"])
    assert titles("?year=2023") == (["Stockholm 2023"], [])
    assert titles("?country=co") == (["Bogotá 2024"], ["Next summit"])
    assert titles("?year=nonsense&country=<script>") == (["Bogotá 2024", "Stockholm 2023"], ["Next summit"])


@pytest.mark.parametrize(
    "query", ["?year=²", "?year=2024²", "?year=2019", "?country=FR", "?year=2019&country=fr"]
)
def test_event_list_ignores_a_filter_its_form_does_not_offer(client, query):
    """Neither a server error nor an empty list under a form that reads "All years" and "All countries"."""
    EventFactory(
        title="Bogotá 2024", start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6)
    )

    response = client.get(reverse("events:event-list") + query)

    assert response.status_code == 200
    assert [event.title for event in response.context["past_events"]] == ["Bogotá 2024"]
    assert re.findall(r'<option value="([^"]*)" selected>', response.content.decode()) == []


def test_event_list_is_paginated(client):
    for number in range(14):
        EventFactory(
            title=f"Past {number:02}",
            start_date=datetime.date(2020, 1, number + 1),
            end_date=datetime.date(2020, 1, number + 1),
        )

    first = client.get(reverse("events:event-list"))
    second = client.get(reverse("events:event-list") + "?page=2")

    assert len(first.context["past_events"]) == 12
    assert [e.title for e in second.context["past_events"]] == ["Past 01", "Past 00"]
    assert "Page 2 of 2" in second.content.decode()


def test_pledges_page_filters_by_country_status_and_theme(client):
    legislation = ThemeFactory(name="Robust legislation", slug="robust-legislation")
    event = EventFactory()
    brazil = CountryPledgeFactory(event=event, country="BR", status=CountryPledge.Status.IN_PROGRESS)
    brazil.themes.set([legislation])
    CountryPledgeFactory(event=event, country="KE")
    CountryPledgeFactory(event=EventFactory(draft=True), country="SE")

    def countries(query):
        return [p.country.code for p in client.get(reverse("events:pledge-list") + query).context["pledges"]]

    assert countries("") == ["BR", "KE"]
    assert countries("?country=KE") == ["KE"]
    assert countries("?status=in_progress") == ["BR"]
    assert countries("?theme=robust-legislation") == ["BR"]
    assert countries("?status=bogus") == ["BR", "KE"]
    assert countries("?theme=no-such-theme") == ["BR", "KE"]
    assert countries("?country=SE") == ["BR", "KE"]  # only a draft event's pledge is Swedish
    content = client.get(reverse("events:pledge-list")).content.decode()
    assert '<p role="status">2 pledges</p>' in content


@pytest.mark.parametrize("slug", ["no-such-event", "%FF", "a%20b"])
def test_pledges_of_an_event_that_is_not_one_answer_404(client, slug):
    # (A NUL, which PostgreSQL refuses in a query, is a bad request: safedigital.middleware.NulCharacterMiddleware.)
    CountryPledgeFactory(event=EventFactory(slug="bogota-2024"))

    response = client.get(reverse("events:pledge-list") + f"?event={slug}")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_pledges_page_says_when_none_is_published_yet(client):
    CountryPledgeFactory(event=EventFactory(draft=True), country="SE")

    english = client.get(reverse("events:pledge-list")).content.decode()
    spanish = client.get(reverse("events:pledge-list"), headers={"accept-language": "es"}).content.decode()

    assert "No pledges are published yet." in english
    assert f'<a href="{reverse("events:event-list")}">See the events</a>' in english
    assert "Show pledges" not in english  # no filters that offer nothing
    assert "Aún no hay compromisos publicados." in spanish


def test_pledges_page_says_when_its_filters_match_none(client):
    CountryPledgeFactory(event=EventFactory(), country="KE", status=CountryPledge.Status.PLEDGED)

    content = client.get(reverse("events:pledge-list") + "?status=delivered").content.decode()
    everything = client.get(reverse("events:pledge-list")).content.decode()

    assert (
        '<p role="status">No pledge matches these filters. '
        f'<a href="{reverse("events:pledge-list")}">Show every pledge</a></p>'
    ) in content
    assert "No pledge matches" not in everything
    assert "No pledges are published yet." not in everything


def test_home_features_an_event_with_its_figures_and_a_donation_call(client):
    event = EventFactory(title="Featured summit", featured=True, attendees_in_person=120)
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.ATTENDEES, label="Attendees")
    EventFactory(
        title="Older event", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 1, 1)
    )

    content = client.get(reverse("events:home")).content.decode()

    assert "Featured summit" in content
    assert ">120</dd>" in content
    assert "Older event" in content
    assert "We'd love to have a chat" in content


def test_a_speaker_who_withdraws_their_name_leaves_no_trace_of_it_in_public(client):
    event = EventFactory()
    named = SpeakerFactory(full_name="Open Person")
    speaker = SpeakerFactory(full_name="Jane Doe-Secret", role_title="Youth advocate")
    session = SessionFactory(event=event)
    ParticipationFactory(session=session, speaker=speaker, quote="We were not heard.")
    ParticipationFactory(session=session, speaker=named)
    old_url = speaker.get_absolute_url()
    assert old_url == "/speakers/jane-doe-secret/"

    speaker.identity, speaker.first_name = Speaker.Identity.FIRST_NAME, "Jane"
    speaker.save()

    assert client.get(old_url).status_code == 404
    assert speaker.get_absolute_url() == "/speakers/jane/"
    page = client.get(speaker.get_absolute_url())
    assert page.status_code == 200
    assert "<h1>Jane</h1>" in page.content.decode()
    assert "Doe" not in page.content.decode()

    speaker.identity, speaker.anonymous_descriptor = Speaker.Identity.ANONYMOUS, "Survivor, Kenya"
    speaker.save()

    assert client.get("/speakers/jane/").status_code == 404
    assert client.get(f"/speakers/{speaker.slug}/").status_code == 404
    for url in [
        reverse("events:home"),
        reverse("events:event-list"),
        event.get_absolute_url(),
        reverse("events:pledge-list"),
        named.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for trace in ["Doe", "Secret", "jane-doe", "/speakers/jane/", f"/speakers/{speaker.slug}/", ">Jane<"]:
            assert trace not in content, (url, trace)
    highlights = client.get(event.get_absolute_url()).content.decode()
    assert "“We were not heard.”" in highlights
    assert "Survivor, Kenya" in highlights


@pytest.mark.parametrize(
    "hidden",
    [{"draft": True}, {"publish_at": timezone.now() + datetime.timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_an_unpublished_parent_event_is_not_named_on_the_page(client, hidden):
    parent = EventFactory(title="Unannounced Ministerial", slug="unannounced", **hidden)
    CountryPledgeFactory(event=parent, country="BR", commitment="Secret commitment.")
    event = EventFactory(parent=parent)

    content = client.get(event.get_absolute_url()).content.decode()

    assert "Unannounced Ministerial" not in content
    assert "Part of:" not in content
    assert "Secret commitment." not in content
    assert "unannounced" not in content


def test_a_public_parent_event_is_linked_with_its_pledges(client):
    parent = EventFactory(title="Global Ministerial Conference", slug="ministerial")
    CountryPledgeFactory(event=parent, country="BR", commitment="Pass a law.")
    event = EventFactory(parent=parent)

    content = client.get(event.get_absolute_url()).content.decode()

    assert (
        '<p class="mb-0">Part of: <a href="/events/ministerial/">Global Ministerial Conference</a></p>'
        in content
    )
    assert '<h3 class="h4">Pledges made at the Global Ministerial Conference</h3>' in content
    assert "Pass a law." in content


def pledge_countries(response):
    """The country of each row of the pledge tables, top to bottom, as the visitor reads them."""
    return re.findall(r'<th scope="row">([^<]+)</th>', response.content.decode())


ENGLISH_ORDER = ["Madagascar", "Moldova", "South Africa", "United States of America"]
SPANISH_ORDER = ["Estados Unidos", "Madagascar", "Moldavia", "Sudáfrica"]


@pytest.mark.parametrize(
    ("language", "expected"), [("en", ENGLISH_ORDER), ("es", SPANISH_ORDER)], ids=["english", "spanish"]
)
def test_highlights_page_lists_pledges_by_country_name_as_shown(client, language, expected):
    parent = EventFactory(title="Ministerial")
    event = EventFactory(parent=parent)
    for code in ["US", "MD", "ZA", "MG"]:  # ISO order would be MD, MG, US, ZA
        CountryPledgeFactory(event=event, country=code)
        CountryPledgeFactory(event=parent, country=code)

    response = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)

    assert pledge_countries(response) == expected * 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Madagascar", "Moldova", "Moldova", "South Africa", "United States of America"]),
        ("es", ["Estados Unidos", "Madagascar", "Moldavia", "Moldavia", "Sudáfrica"]),
    ],
    ids=["english", "spanish"],
)
def test_pledges_page_lists_pledges_by_country_name_across_its_pages(client, monkeypatch, language, expected):
    from events.views import PledgeListView

    monkeypatch.setattr(PledgeListView, "paginate_by", 3)
    event = EventFactory()
    for code in ["US", "MD", "ZA", "MG", "MD"]:
        CountryPledgeFactory(event=event, country=code)
    url = reverse("events:pledge-list")

    first = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    second = client.get(url + "?page=2", HTTP_ACCEPT_LANGUAGE=language)

    assert (pledge_countries(first), pledge_countries(second)) == (expected[:3], expected[3:])
    filter_options = re.findall(r'<option value="[A-Z]{2}">([^<]+)</option>', first.content.decode())
    assert filter_options == sorted(set(expected), key=expected.index)


def test_the_programme_is_in_the_events_own_time_and_says_so(client):
    event = EventFactory(
        start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6), time_zone="America/Bogota"
    )
    SessionFactory(
        event=event, title="Opening", starts_at=datetime.datetime(2024, 11, 6, 14, 0, tzinfo=datetime.UTC)
    )

    english = client.get(event.get_absolute_url()).content.decode()
    spanish = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<time datetime="2024-11-06T09:00:00-05:00">09:00</time>' in english
    assert "Times are the event's local time (UTC\u221205:00)." in english
    assert "Las horas son las del lugar del evento (UTC\u221205:00)." in spanish


def test_a_programme_without_times_says_nothing_of_them(client):
    event = EventFactory(time_zone="America/Bogota")
    SessionFactory(event=event, starts_at=None, ends_at=None)

    assert "local time" not in client.get(event.get_absolute_url()).content.decode()


def test_a_scheduled_events_preview_says_when_it_goes_public_in_the_events_own_time(client, staff):
    event = EventFactory(
        time_zone="Africa/Nairobi", publish_at=datetime.datetime(2099, 3, 1, 6, 0, tzinfo=datetime.UTC)
    )
    client.force_login(staff)

    content = client.get(event.get_absolute_url()).content.decode()

    assert "It will be public from 1 March 2099, 09:00 (UTC+03:00)." in content


def test_a_programme_across_a_change_of_clocks_gives_each_days_offset(client):
    # Summer time ends in London at 02:00 on 27 October 2024: the first day is UTC+01:00, the second UTC.
    event = EventFactory(
        start_date=datetime.date(2024, 10, 26),
        end_date=datetime.date(2024, 10, 27),
        time_zone="Europe/London",
    )
    SessionFactory(event=event, order=1, starts_at=datetime.datetime(2024, 10, 26, 8, 0, tzinfo=datetime.UTC))
    SessionFactory(event=event, order=2, starts_at=datetime.datetime(2024, 10, 27, 9, 0, tzinfo=datetime.UTC))

    content = client.get(event.get_absolute_url()).content.decode()

    assert '<time datetime="2024-10-26T09:00:00+01:00">09:00</time> (UTC+01:00)' in content
    assert '<time datetime="2024-10-27T09:00:00+00:00">09:00</time> (UTC)' in content
    # Not one offset for the whole programme (before: the first day's, "UTC+01:00", for both sessions).
    assert "Times are the event's local time, each with its offset from UTC" in content
    assert "local time (UTC" not in content
    spanish = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "cada una con su diferencia respecto de UTC: los relojes cambian durante el evento." in spanish


def test_an_event_lists_the_public_satellite_events_that_fed_into_it(client):
    """The satellite's page says what it was part of; the larger event's page leads back to it."""
    conference = EventFactory(title="Global Ministerial Conference")
    satellite = EventFactory(
        title="Safe Digital Futures for Children",
        parent=conference,
        start_date=datetime.date(2024, 11, 6),
        end_date=datetime.date(2024, 11, 6),
        city="Bogotá",
    )
    EventFactory(title="A satellite still being written", parent=conference, status="draft")

    content = client.get(conference.get_absolute_url()).content.decode()

    assertInHTML(
        '<section class="section satellites" aria-labelledby="satellites-heading"><div class="container">'
        '<h2 id="satellites-heading">Satellite events</h2><ul><li>'
        f'<a href="{satellite.get_absolute_url()}">Safe Digital Futures for Children</a> '
        '<span class="small">(<time datetime="2024-11-06">6 November 2024</time>, Bogotá)</span>'
        "</li></ul></div></section>",
        content,
    )
    assert "A satellite still being written" not in content


def test_an_event_without_public_satellites_asks_for_none(client):
    event = EventFactory()
    EventFactory(parent=event, status="draft")

    client.get(event.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        content = client.get(event.get_absolute_url()).content.decode()

    assert "Satellite events" not in content
    assert not [query for query in queries if 'WHERE "events_event"."parent_id"' in query["sql"]]
