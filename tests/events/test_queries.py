"""A page's SQL count must not grow with its data: each page is measured at a small and a large size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, EventPartner, HeadlineFigure
from media_coverage.models import Outlet, PlatformFigures
from tests.factories import (
    CountryPledgeFactory,
    CoverageFiguresFactory,
    EventFactory,
    GalleryFactory,
    HeadlineFigureFactory,
    MediaMentionFactory,
    OrganisationFactory,
    OutletFactory,
    ParticipationFactory,
    PhotoFactory,
    PlatformFiguresFactory,
    ResourceFactory,
    SessionFactory,
    SocialFiguresFactory,
    SpeakerFactory,
    ThemeFactory,
    VideoFactory,
)

pytestmark = pytest.mark.django_db


def build_event(size, slug, speaker=None):
    event = EventFactory(slug=slug, featured=True)
    event.pillars.set([ThemeFactory() for _ in range(min(size, 4))])
    for source in HeadlineFigure.Source.values:
        HeadlineFigureFactory(event=event, source=source, label=source)
    for number in range(size):
        session = SessionFactory(event=event)
        ParticipationFactory(session=session, speaker=speaker or SpeakerFactory(), quote="Words.")
        ParticipationFactory(
            session=session,
            speaker=SpeakerFactory(anonymous=True, anonymous_descriptor=f"Survivor {slug}{number}"),
        )
        VideoFactory(event=event, session=session if number % 2 else None)
        pledge = CountryPledgeFactory(event=event)
        pledge.themes.set([ThemeFactory()])
        PhotoFactory(gallery=GalleryFactory(event=event))
        ResourceFactory(event=event)
    return event


def count_queries(client, url):
    client.get(url)  # warm anything cached per process (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["highlights", "home", "event-list", "pledges"])
def test_page_query_count_does_not_grow_with_the_event(client, page):
    def url(event):
        return {
            "highlights": event.get_absolute_url(),
            "home": reverse("events:home"),
            "event-list": reverse("events:event-list"),
            "pledges": reverse("events:pledge-list"),
        }[page]

    small = build_event(2, "small")
    small_count = count_queries(client, url(small))
    if page != "highlights":
        Event.objects.filter(pk=small.pk).update(status=Event.Status.DRAFT)

    large = build_event(20, "large")
    for number in range(10):
        day = datetime.date(2020, 1, number + 1)
        EventFactory(start_date=day, end_date=day)
    assert count_queries(client, url(large)) == small_count


def test_speaker_page_query_count_does_not_grow_with_their_sessions(client):
    few = SpeakerFactory(full_name="Few Sessions")
    many = SpeakerFactory(full_name="Many Sessions")
    build_event(2, "few", speaker=few)
    build_event(20, "many", speaker=many)

    assert count_queries(client, many.get_absolute_url()) == count_queries(client, few.get_absolute_url())


def test_highlights_page_stays_within_its_query_budget(client):
    event = build_event(6, "budget")

    assert count_queries(client, event.get_absolute_url()) <= 16


def test_highlights_page_reads_nothing_more_of_what_it_shows_little_of(client):
    """
    The page loads only what it shows of its public parent event and of the partners' and speakers'
    organisations (Event.objects.with_programme()): showing them asks the database nothing more.
    """
    plain = build_event(2, "plain")
    full = build_event(2, "full")
    Event.objects.filter(pk=full.pk).update(parent=EventFactory(title="The Ministerial Conference"))
    for number in range(3):
        organisation = OrganisationFactory(name=f"Partner {number}", website=f"https://{number}.example.org/")
        EventPartner.objects.create(event=full, organisation=organisation, order=number)
        speaker = SpeakerFactory(
            full_name=f"Speaker {number}", role_title="Director", organisation=organisation
        )
        ParticipationFactory(session=SessionFactory(event=full), speaker=speaker)

    content = client.get(full.get_absolute_url()).content.decode()
    assert "The Ministerial Conference</a>" in content
    assert '<a href="https://2.example.org/" rel="noopener noreferrer">' in content
    assert "Director, Partner 2" in content
    assert count_queries(client, full.get_absolute_url()) == count_queries(client, plain.get_absolute_url())


def build_covered_event(mentions, slug):
    """A published event with `mentions` media mentions (every medium, named and placeholder outlets), its
    coverage figures and its social figures with two platforms."""
    event = build_event(2, slug)
    media = list(Outlet.Medium.values)
    for number in range(mentions):
        medium = media[number % len(media)]
        if number % 3 == 0:
            outlet = OutletFactory(medium=medium, placeholder_outlet=True)
        else:
            outlet = OutletFactory(name=f"{slug} outlet {number}", medium=medium)
        MediaMentionFactory(event=event, outlet=outlet, reach=1_000 * (number + 1))
    CoverageFiguresFactory(event=event)
    social = SocialFiguresFactory(event=event)
    PlatformFiguresFactory(social=social, platform=PlatformFigures.Platform.X, impressions=46_514)
    PlatformFiguresFactory(
        social=social, platform=PlatformFigures.Platform.LINKEDIN, impressions_uplift_percent=82
    )
    return event


def test_highlights_page_query_count_does_not_grow_with_the_media_mentions(client):
    few = build_covered_event(3, "few-mentions")
    many = build_covered_event(30, "many-mentions")

    few_page = client.get(few.get_absolute_url())
    many_page = client.get(many.get_absolute_url())
    # Both pages show their coverage and social sections, so the count covers them.
    for page, outlets in ((few_page, "3 outlets"), (many_page, "30 outlets")):
        content = page.content.decode()
        assert f"<p>Covered by {outlets}.</p>" in content
        assert '<h2 id="social-media-heading">Social media</h2>' in content

    assert count_queries(client, many.get_absolute_url()) == count_queries(client, few.get_absolute_url())
