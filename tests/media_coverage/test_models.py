import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.figures import figures_for
from events.models import HeadlineFigure
from media_coverage.models import CoverageFigures, MediaMention, Outlet, coverage_for_event, reach_for_event
from tests.factories import (
    CoverageFiguresFactory,
    EventFactory,
    HeadlineFigureFactory,
    MediaMentionFactory,
    OutletFactory,
    PlatformFiguresFactory,
    SocialFiguresFactory,
)

pytestmark = pytest.mark.django_db


def test_reach_is_none_without_figures_or_mention_reach():
    event = EventFactory()
    MediaMentionFactory(event=event, reach=None)

    assert reach_for_event(event) is None


def test_reach_is_the_sum_of_the_mentions_without_a_reported_total():
    event = EventFactory()
    MediaMentionFactory(event=event, reach=1_000)
    MediaMentionFactory(event=event, reach=2_500)
    MediaMentionFactory(event=event, reach=None)
    MediaMentionFactory(reach=99_999)  # another event's

    assert reach_for_event(event) == 3_500


def test_reported_total_is_shown_rather_than_the_sum():
    event = EventFactory()
    MediaMentionFactory(event=event, reach=1_000)
    CoverageFiguresFactory(event=event, reported_reach=15_712_224)

    assert reach_for_event(event) == 15_712_224


def test_staff_may_choose_to_show_the_sum_of_the_mentions():
    event = EventFactory()
    MediaMentionFactory(event=event, reach=1_000)
    CoverageFiguresFactory(
        event=event, reported_reach=15_712_224, reach_shown=CoverageFigures.ReachShown.MENTIONS
    )

    assert reach_for_event(event) == 1_000
    coverage = coverage_for_event(event)
    assert (coverage.reach, coverage.reach_kind) == (1_000, "mentions")
    assert (coverage.reported_reach, coverage.mentions_reach) == (15_712_224, 1_000)


def test_media_reach_headline_figure_comes_from_the_coverage():
    event = EventFactory()
    CoverageFiguresFactory(event=event, reported_reach=15_712_224)
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.MEDIA_REACH, label="People reached")

    assert figures_for(event) == [
        {"label": "People reached", "value": 15_712_224, "suffix": "", "source": "media_reach"}
    ]


def test_outlet_count_is_computed_from_distinct_outlets_unless_overridden():
    event = EventFactory()
    el_tiempo = OutletFactory(name="El Tiempo", medium=Outlet.Medium.PRINT)
    MediaMentionFactory(event=event, outlet=el_tiempo)
    MediaMentionFactory(event=event, outlet=el_tiempo)
    MediaMentionFactory(event=event, outlet=OutletFactory(name="Semana"))

    assert coverage_for_event(event).outlet_count == 2
    assert coverage_for_event(event).mention_count == 3

    figures = CoverageFiguresFactory(event=event, outlet_count_override=30)
    event.refresh_from_db()
    coverage = coverage_for_event(event)
    assert (coverage.outlet_count, coverage.outlet_count_is_override) == (30, True)

    figures.outlet_count_override = None
    figures.save()
    event.refresh_from_db()
    assert coverage_for_event(event).outlet_count == 2


def test_coverage_groups_outlets_by_medium_with_placeholders_counted_not_named():
    event = EventFactory()
    for name, medium in [
        ("Semana", Outlet.Medium.DIGITAL),
        ("El Tiempo", Outlet.Medium.PRINT),
        ("Caracol", Outlet.Medium.TV),
        ("Publimetro", Outlet.Medium.DIGITAL),
    ]:
        MediaMentionFactory(event=event, outlet=OutletFactory(name=name, medium=medium))
    MediaMentionFactory(
        event=event, outlet=OutletFactory(placeholder_outlet=True, medium=Outlet.Medium.RADIO)
    )

    media = coverage_for_event(event).media

    assert [(group.label, [o.name for o in group.outlets], group.placeholder_count) for group in media] == [
        ("Print", ["El Tiempo"], 0),
        ("Digital", ["Publimetro", "Semana"], 0),
        ("Television", ["Caracol"], 0),
        ("Radio", [], 1),
    ]


def test_coverage_top_post_and_uplifts():
    event = EventFactory()
    social = SocialFiguresFactory(event=event)
    PlatformFiguresFactory(
        social=social, platform="linkedin", impressions_uplift_percent=82, reactions_uplift_percent=107
    )
    PlatformFiguresFactory(
        social=social, platform="x", top_post_impressions=46_514, top_post_engagements=1_614
    )
    PlatformFiguresFactory(social=social, platform="instagram", top_post_impressions=100)

    coverage = coverage_for_event(event)

    assert coverage.has_social
    assert coverage.top_post.platform == "x"
    assert [platform.platform for platform in coverage.uplifts] == ["linkedin"]


def test_coverage_of_an_event_without_any_is_empty():
    coverage = coverage_for_event(EventFactory())

    assert not coverage.has_coverage
    assert not coverage.has_social
    assert (coverage.reach, coverage.outlet_count, coverage.media, coverage.platforms) == (None, 0, [], [])


@pytest.mark.parametrize("mentions", [3, 30])
def test_coverage_for_event_takes_four_queries_whatever_the_number_of_mentions(
    mentions, django_assert_num_queries
):
    event = EventFactory()
    CoverageFiguresFactory(event=event)
    social = SocialFiguresFactory(event=event)
    for platform in ("x", "linkedin", "facebook")[: 1 if mentions == 3 else 3]:
        PlatformFiguresFactory(social=social, platform=platform)
    MediaMentionFactory.create_batch(mentions, event=event, reach=10)
    event.refresh_from_db()

    with django_assert_num_queries(4):
        coverage = coverage_for_event(event)
        [(group.label, [outlet.name for outlet in group.outlets]) for group in coverage.media]
        [platform.platform for platform in coverage.platforms]

    assert coverage.mention_count == mentions


# Rules, in the database and in clean() ------------------------------------------------------------------------


def test_outlet_names_are_unique_ignoring_case():
    OutletFactory(name="El Tiempo")

    with pytest.raises(ValidationError, match="An outlet with this name already exists"):
        Outlet(name="EL TIEMPO", medium=Outlet.Medium.PRINT).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Outlet.objects.create(name="el tiempo", medium=Outlet.Medium.PRINT)


def test_placeholder_outlet_must_say_so_in_its_name():
    outlet = Outlet(name="Radio Nacional", medium=Outlet.Medium.RADIO, placeholder=True)

    with pytest.raises(ValidationError) as error:
        outlet.full_clean()
    assert error.value.message_dict["name"] == [
        "A placeholder outlet's name must contain the word “placeholder”."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        outlet.save()


def test_a_link_is_recorded_once_per_event():
    mention = MediaMentionFactory(link="https://news.example/a")
    duplicate = MediaMentionFactory.build(
        event=mention.event, outlet=mention.outlet, link="https://news.example/a"
    )

    with pytest.raises(ValidationError, match="This event already has a mention with this link"):
        duplicate.full_clean()
    # Mentions without a link do not clash.
    MediaMentionFactory(event=mention.event, link="")
    MediaMentionFactory(event=mention.event, link="")
    assert MediaMention.objects.filter(event=mention.event, link="").count() == 2


@pytest.mark.parametrize(
    ("headline", "message"), [("", "This field cannot be blank."), ("   ", "A mention needs its headline.")]
)
def test_a_mention_without_a_headline_is_told_so_once(headline, message):
    mention = MediaMentionFactory.build(event=EventFactory(), outlet=OutletFactory(), headline=headline)

    with pytest.raises(ValidationError) as error:
        mention.full_clean()
    assert error.value.message_dict == {"headline": [message]}


def test_a_headline_is_recorded_once_per_outlet_and_event_ignoring_case():
    mention = MediaMentionFactory(headline="Colombia pledges action")

    with pytest.raises(IntegrityError), transaction.atomic():
        MediaMentionFactory(event=mention.event, outlet=mention.outlet, headline="COLOMBIA PLEDGES ACTION")


def test_reported_reach_is_required_when_it_is_the_reach_shown():
    figures = CoverageFigures(event=EventFactory(), reported_reach=None)

    with pytest.raises(ValidationError) as error:
        figures.full_clean()
    assert error.value.message_dict["reported_reach"] == [
        "Give the reported total reach, or choose to show the mentions' sum."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        figures.save()
    CoverageFigures(event=figures.event, reach_shown=CoverageFigures.ReachShown.MENTIONS).full_clean()


def test_social_figures_rules():
    social = SocialFiguresFactory.build(
        event=EventFactory(), hashtags="#SafeOnline Act4OnlineSafety", countries_reached=300
    )

    with pytest.raises(ValidationError) as error:
        social.full_clean()
    assert error.value.message_dict["hashtags"] == ["Each hashtag starts with #: Act4OnlineSafety."]
    assert "There are fewer than 250 countries." in error.value.message_dict["countries_reached"]


def test_uplift_cannot_fall_below_minus_100_percent():
    platform = PlatformFiguresFactory.build(social=SocialFiguresFactory(), impressions_uplift_percent=-120)

    with pytest.raises(ValidationError) as error:
        platform.full_clean()
    assert error.value.message_dict["impressions_uplift_percent"] == ["An uplift cannot be below −100 %."]
    with pytest.raises(IntegrityError), transaction.atomic():
        platform.save()


def test_mentions_keep_their_history():
    mention = MediaMentionFactory(headline="First headline")
    mention.headline = "Corrected headline"
    mention.save()

    assert [record.headline for record in mention.history.all()] == ["Corrected headline", "First headline"]


def test_public_mentions_are_those_of_published_events():
    shown = MediaMentionFactory()
    MediaMentionFactory(event=EventFactory(draft=True))

    assert list(MediaMention.objects.public()) == [shown]


def test_str():
    mention = MediaMentionFactory(outlet=OutletFactory(name="Semana"), headline="A headline")

    assert str(mention) == "Semana: A headline"
    assert str(CoverageFiguresFactory(event=mention.event)) == f"Coverage figures: {mention.event.title}"
