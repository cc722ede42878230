import re

import pytest

from media_coverage.demo import load_demo_coverage
from media_coverage.models import (
    CoverageFigures,
    MediaMention,
    Outlet,
    PlatformFigures,
    SocialFigures,
    coverage_for_event,
    reach_for_event,
)
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def stored():
    """Every stored row of the app but its timestamps."""
    tables = {}
    for model in (Outlet, MediaMention, CoverageFigures, SocialFigures, PlatformFigures):
        names = [f.attname for f in model._meta.concrete_fields if f.name not in {"created_at", "updated_at"}]
        tables[model.__name__] = sorted(map(str, model.objects.values_list(*names)))
    return tables


@pytest.fixture
def event():
    return EventFactory(title="Safe Digital Futures for Children", slug="safe-digital-futures")


def test_demo_coverage_is_the_seeds(event):
    load_demo_coverage(event)

    named = dict(Outlet.objects.named().values_list("name", "medium"))
    assert named == {
        "El Tiempo": "print",
        "Publimetro": "digital",
        "Semana": "digital",
        "Caracol": "tv",
        "Capital": "tv",
        "City Television": "tv",
    }
    assert set(Outlet.objects.named().values_list("country", flat=True)) == {"CO"}
    assert Outlet.objects.get(name="El Tiempo").description == "Colombia's largest national newspaper"
    placeholders = Outlet.objects.placeholders()
    assert placeholders.count() == 24
    assert all("Placeholder" in name for name in placeholders.values_list("name", flat=True))
    assert placeholders.get(medium="radio").name == "Placeholder radio outlet (the seed names no station)"
    assert "Placeholder print/digital outlet 7" in placeholders.values_list("name", flat=True)

    mentions = MediaMention.objects.filter(event=event)
    assert mentions.count() == 30
    assert mentions.values("outlet").distinct().count() == 30
    assert all(
        headline.startswith("Placeholder headline:")
        for headline in mentions.values_list("headline", flat=True)
    )
    assert set(mentions.values_list("reach", "date", "link")) == {(None, None, "")}

    coverage = coverage_for_event(event)
    assert (coverage.reach, coverage.reach_kind, coverage.source) == (
        15_712_224,
        "reported",
        "Media monitoring agency report (seed page)",
    )
    assert coverage.outlet_count == 30
    assert reach_for_event(event) == 15_712_224

    social = SocialFigures.objects.get(event=event)
    assert (social.hashtag_list, social.total_posts, social.maximum_reach, social.impressions) == (
        ["#Act4OnlineSafety", "#SafeOnline"],
        933,
        2_900_000,
        105_000,
    )
    assert social.countries_reached == 39
    x = social.platforms.get(platform="x")
    assert (x.top_post_impressions, x.top_post_engagements, x.top_post_link) == (46_514, 1_614, "")
    linkedin = social.platforms.get(platform="linkedin")
    assert (linkedin.impressions_uplift_percent, linkedin.reactions_uplift_percent) == (82, 107)
    assert list(social.platforms.values_list("platform", flat=True)) == [
        "linkedin",
        "x",
        "instagram",
        "facebook",
    ]


def test_demo_coverage_is_idempotent(event):
    load_demo_coverage(event)
    first = stored()

    load_demo_coverage(event)

    assert stored() == first


def test_demo_coverage_restores_what_was_deleted_and_keeps_what_staff_added(event):
    load_demo_coverage(event)
    MediaMention.objects.filter(outlet__name="Semana").delete()
    SocialFigures.objects.all().delete()
    extra = MediaMention.objects.create(
        event=event, outlet=Outlet.objects.get(name="Semana"), headline="A real headline added by an editor"
    )

    load_demo_coverage(event)

    assert MediaMention.objects.filter(event=event).count() == 31
    assert MediaMention.objects.filter(pk=extra.pk).exists()
    assert PlatformFigures.objects.count() == 4


def test_the_demos_placeholder_headlines_are_not_marked_as_spanish(client, event):
    """
    They are English text written for the demo (the seed gives no headline, nor the language of any article):
    marked lang="es", a screen reader would read them in a Spanish voice.
    """
    event.status, event.publish_at = event.Status.PUBLISHED, event.created_at
    event.save()
    load_demo_coverage(event)

    page = client.get(f"/events/{event.slug}/coverage/").content.decode()

    headlines = re.findall(r"<h3[^>]*>[^<]*Placeholder headline", page)
    assert len(headlines) == 30
    assert not [headline for headline in headlines if "lang=" in headline]
