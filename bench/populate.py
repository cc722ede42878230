"""
The benchmark's event: as full as a real one gets (6 sessions, 25 speakers with photos, 20 pledges,
30 media mentions, 3 galleries of 12 photos, partners, every headline figure, resources, videos, coverage
and social figures). Its records are made up for measuring and say so; it lives only in the benchmark's
own database. Photos are Pillow images with noise, so their renditions weigh what photographs weigh.
"""

import datetime
import io
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from events.models import (
    CountryPledge,
    Event,
    EventPartner,
    Gallery,
    HeadlineFigure,
    Organisation,
    Participation,
    Photo,
    Resource,
    Session,
    Speaker,
    Theme,
    Video,
)
from media_coverage.models import CoverageFigures, MediaMention, Outlet, PlatformFigures, SocialFigures

SLUG = "benchmark-event"
COUNTRIES = ["SE", "BR", "ZA", "US", "EC", "JO", "KE", "MG", "MD", "UG", "CO", "PH", "GH", "IN", "MX"]
SESSIONS, SPEAKERS, PLEDGES, MENTIONS, GALLERIES, PHOTOS_PER_GALLERY = 6, 25, 20, 30, 3, 12


def photo(seed, size=(1600, 1067)):
    """A JPEG that compresses like a photograph (noise over a colour), not like a flat test card."""
    rng = random.Random(seed)
    base = Image.new("RGB", size, tuple(rng.randrange(40, 200) for _ in range(3)))
    noise = Image.effect_noise(size, 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, noise, 0.35).save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="bench.jpg")


def pdf(title):
    return ContentFile(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n", name="bench.pdf"
    )


@transaction.atomic
def build_bench_event():
    """Creates the benchmark event (once; the benchmark's database is new each run) and returns it."""
    themes = [
        Theme.objects.get_or_create(slug=f"bench-pillar-{n}", defaults={"name": f"Benchmark pillar {n}"})[0]
        for n in range(1, 5)
    ]
    organisations = []
    for n in range(1, 9):
        organisation = Organisation(name=f"Benchmark organisation {n}", short_name=f"Org {n}")
        organisation.logo.save("logo.jpg", photo(1000 + n, (400, 200)), save=False)
        organisation.save()
        organisations.append(organisation)

    event = Event(
        slug=SLUG,
        title="Benchmark event: a fully populated highlights page",
        strapline="Made-up records for measuring speed; not a real event",
        summary="A made-up event with as many sessions, speakers, pledges, mentions and photos as a real one.",
        body="<p>Made up for the benchmark. "
        + "Every section of the highlights page is filled. " * 20
        + "</p>",
        pillars_heading="Four pillars",
        outcomes="<p>" + "What the event achieved, in a few paragraphs of text. " * 30 + "</p>",
        start_date=datetime.date(2024, 11, 6),
        end_date=datetime.date(2024, 11, 6),
        city="Bogotá",
        country="CO",
        venue="Benchmark venue",
        hero_image_alt="Benchmark hero image (noise)",
        status=Event.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
        featured=True,
        attendees_in_person=350,
        global_audience=12000,
    )
    event.hero_image.save("hero.jpg", photo(1), save=False)
    event.save()
    event.pillars.set(themes)

    for order, organisation in enumerate(organisations, start=1):
        role = EventPartner.Role.CO_HOST if order <= 3 else EventPartner.Role.SUPPORTING
        EventPartner.objects.create(event=event, organisation=organisation, role=role, order=order)
    for order, source in enumerate(HeadlineFigure.Source.values, start=1):
        HeadlineFigure.objects.create(
            event=event, source=source, label=HeadlineFigure.Source(source).label.split(" (")[0], order=order
        )

    speakers = []
    for n in range(SPEAKERS):
        speaker = Speaker(
            full_name=f"Benchmark Speaker {n + 1}",
            role_title="Minister of Digital Affairs" if n % 3 == 0 else "Director of Programmes",
            organisation=organisations[n % len(organisations)],
            country=COUNTRIES[n % len(COUNTRIES)],
            photo_alt=f"Portrait of benchmark speaker {n + 1}",
            bio="A made-up biography for the benchmark. " * 5,
        )
        if n == SPEAKERS - 1:
            speaker.identity = Speaker.Identity.ANONYMOUS
            speaker.anonymous_descriptor = "Survivor, Kenya"
        speaker.photo.save("speaker.jpg", photo(100 + n, (800, 800)), save=False)
        speaker.save()
        speakers.append(speaker)

    kinds = [
        Session.Kind.OPENING,
        *[Session.Kind.PANEL] * 3,
        Session.Kind.FILM_SCREENING,
        Session.Kind.CLOSING,
    ]
    start = timezone.make_aware(datetime.datetime(2024, 11, 6, 9))
    sessions = []
    for order, kind in enumerate(kinds, start=1):
        session = Session.objects.create(
            event=event,
            kind=kind,
            title=f"Benchmark session {order}",
            summary="<p>" + "What was said and decided in this session. " * 8 + "</p>",
            starts_at=start + datetime.timedelta(hours=order),
            ends_at=start + datetime.timedelta(hours=order, minutes=50),
            order=order,
        )
        sessions.append(session)
    for n, speaker in enumerate(speakers):
        Participation.objects.create(
            session=sessions[n % len(sessions)],
            speaker=speaker,
            role=Participation.Role.PANELLIST,
            order=n,
            quote="A made-up quote for the benchmark, about as long as the real ones on the seed page. " * 2,
        )

    Video.objects.create(
        event=event,
        session=sessions[4],
        kind=Video.Kind.FILM,
        title="Benchmark film",
        provider_url="https://www.youtube.com/watch?v=BENCHMARK01",
        content_warning="Made-up content warning for the benchmark.",
        duration=datetime.timedelta(minutes=4),
        transcript="A made-up transcript. " * 40,
    )
    for n in range(2):
        Video.objects.create(
            event=event,
            kind=Video.Kind.INTERVIEW,
            title=f"Benchmark interview {n + 1}",
            provider_url=f"https://vimeo.com/10000000{n}",
            order=n + 1,
        )

    for number in range(PLEDGES):
        pledge = CountryPledge.objects.create(
            event=event,
            country=COUNTRIES[number % len(COUNTRIES)],
            pledging_body=f"Benchmark ministry {number + 1}",
            commitment="A made-up commitment for the benchmark. " * 4,
            status=CountryPledge.Status.values[number % 3],
            pledged_on=datetime.date(2024, 11, 8),
        )
        pledge.themes.set(themes[: 1 + number % 4])

    for order in range(1, GALLERIES + 1):
        gallery = Gallery.objects.create(event=event, title=f"Benchmark album {order}", order=order)
        for number in range(1, PHOTOS_PER_GALLERY + 1):
            item = Photo(
                gallery=gallery,
                order=number,
                alt_text=f"Benchmark photo {number} of album {order} (noise)",
                caption="Made up for the benchmark.",
                credit="Benchmark",
            )
            item.image.save("photo.jpg", photo(order * 100 + number), save=False)
            item.save()

    for order, kind in enumerate(
        [Resource.Kind.CALL_TO_ACTION, Resource.Kind.PRESS_RELEASE, Resource.Kind.OPEN_LETTER], start=1
    ):
        resource = Resource(event=event, kind=kind, title=f"Benchmark {kind.label.lower()}", order=order)
        resource.file.save("resource.pdf", pdf(resource.title), save=False)
        resource.save()

    media = Outlet.Medium.values
    outlets = [
        Outlet.objects.create(name=f"Benchmark outlet {n + 1}", medium=media[n % len(media)], country="CO")
        for n in range(12)
    ]
    for n in range(MENTIONS):
        MediaMention.objects.create(
            event=event,
            outlet=outlets[n % len(outlets)],
            headline=f"Benchmark headline {n + 1} about online harms to children",
            link=f"https://news.example/benchmark-{n + 1}",
            date=datetime.date(2024, 11, 1) + datetime.timedelta(days=n % 12),
            language="es" if n % 3 else "en",
            reach=10_000 * (n + 1),
            excerpt="A made-up excerpt for the benchmark.",
        )
    CoverageFigures.objects.create(event=event, reported_reach=15_712_224, source="Benchmark")
    social = SocialFigures.objects.create(
        event=event,
        hashtags="#Benchmark #SafeOnline",
        total_posts=933,
        maximum_reach=2_900_000,
        impressions=105_000,
        countries_reached=39,
    )
    for order, platform in enumerate(PlatformFigures.Platform.values[:4], start=1):
        PlatformFigures.objects.create(
            social=social,
            platform=platform,
            posts=100 * order,
            impressions=20_000 * order,
            engagements=700 * order,
            top_post_link=f"https://social.example/benchmark/{platform}",
            top_post_impressions=5_000 * order,
            top_post_engagements=100 * order,
            impressions_uplift_percent=20 * order,
            reactions_uplift_percent=30 * order,
            order=order,
        )
    return event


def public_speaker(event):
    """A speaker of the event with a public page."""
    return Speaker.objects.with_public_page().filter(sessions__event=event).order_by("pk").first()
