import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command

from events.demo import CONFERENCE_SLUG, EVENT_SLUG, VIDEOS_AND_HASHTAG, placeholder_image
from events.models import CountryPledge, Event, HeadlineFigure, Speaker, Theme

pytestmark = pytest.mark.django_db

# The countries whose representatives the seed page names: Sweden's minister opened the event; panels came
# from Brazil, South Africa and the USA, then Ecuador, Jordan, Kenya, Madagascar, Moldova and Uganda.
SEED_COUNTRIES = {"SE", "BR", "ZA", "US", "EC", "JO", "KE", "MG", "MD", "UG"}


def snapshot():
    """Every row of every project model, as plain values (file names included)."""
    rows = {}
    for app_label in ("events", "media_coverage", "donations", "auth"):
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            rows[model.__name__] = sorted(
                (tuple(sorted((k, str(v)) for k, v in row.items() if k not in {"updated_at", "last_login"}))
                 for row in model.objects.values()),
            )  # fmt: skip
    return rows


def load_demo():
    call_command("load_demo_data", stdout=io.StringIO())


def shown_figures(content):
    """The headline figures as the page shows them: label -> value with its suffix."""
    return dict(
        re.findall(
            r'<dt class="fw-normal">([^<]+)</dt>\s*<dd class="figure-value mb-0"[^>]*>([^<]+)</dd>', content
        )
    )


def test_demo_command_builds_the_bogota_event(client, settings):
    settings.DEBUG = True
    load_demo()

    event = Event.objects.get(slug=EVENT_SLUG)
    assert (
        event.title == "Safe Digital Futures for Children: Tackling Online Harms through Joint Global Action"
    )
    assert event.parent.title == "Global Ministerial Conference on Ending Violence Against Children"
    assert str(event.start_date) == "2024-11-06"
    assert [pillar.name for pillar in event.pillars.all()] == [
        "Robust legislation",
        "Safety by design",
        "Children and survivors’ centred efforts",
        "Sustainable financing, nationally and internationally",
    ]
    speaker_countries = set(event.sessions.values_list("participations__speaker__country", flat=True)) - {
        "",
        None,
    }
    assert speaker_countries == SEED_COUNTRIES
    assert [g.title for g in event.galleries.all()] == [
        "Safe Digital Futures for Children: Tackling Online Harms Through Joint Global Action",
        "Moments of Connection - Safe Digital Futures for Children: Tackling Online Harms",
        "Networking Reception",
        "Breakfast Meet with media",
    ]

    content = client.get(event.get_absolute_url()).content.decode()
    assert "Marija Manojlovic" in content
    assert "As technology evolves, so must our efforts to protect them." in content
    assert "Beyond the Screen: Hidden voices of online abuse" in content
    # The seed's closing paragraph is where the seed has it: after the photo albums, not among the outcomes.
    assert content.count(VIDEOS_AND_HASHTAG) == 1
    closing = content.index(f"<p>{VIDEOS_AND_HASHTAG}</p>")
    assert content.index('id="galleries-heading"') < closing < content.index('id="donate-cta-title"')
    # The videos it speaks of come after it.
    assert closing < content.index('id="highlight-reels-heading"') < content.index('id="donate-cta-title"')
    assert "Name to be entered" not in content

    # "High-level representatives from over 10 countries": counted from the speakers, shown as "10+".
    figures = shown_figures(content)
    assert figures["Countries represented"] == f"{len(SEED_COUNTRIES)}+"
    assert (
        f'<dd class="figure-value mb-0" data-count="{len(SEED_COUNTRIES)}" data-suffix="+">'
        f"{len(SEED_COUNTRIES)}+</dd>" in content
    )
    # The seed gives no number of speakers: the figure exists for editors but is hidden.
    assert "Speakers and panellists" not in figures
    assert event.figures.get(source=HeadlineFigure.Source.SPEAKERS).hidden

    # The seed names no pledging country: no pledge rows, so the section is hidden; what it does say is kept in
    # the text. Nor does it say where the conference was held.
    assert not CountryPledge.objects.exists()
    assert "Country pledges" not in content
    assert "20 countries submitted pledges" in content
    conference = event.parent
    assert "20 countries submitted pledges" in conference.summary
    assert (conference.city, conference.country.code) == ("", "")
    # Where each was held: Bogotá for the satellite event; the seed does not say for the conference.
    assert (event.time_zone, conference.time_zone) == ("America/Bogota", "UTC")
    conference_page = client.get(conference.get_absolute_url()).content.decode()
    start = conference_page.index('<header class="hero')
    hero = conference_page[start : conference_page.index("</header>", start)]
    assert "Bogotá" not in hero
    # Its page leads to the satellite event, which was held in Bogotá.
    assert f'<a href="{event.get_absolute_url()}">{event.title}</a>' in conference_page
    assert "6 November 2024</time>, Bogotá)" in conference_page


def test_demo_placeholders_say_so_where_the_public_sees_them(client, settings):
    settings.DEBUG = True
    load_demo()
    event = Event.objects.get(slug=EVENT_SLUG)
    content = client.get(event.get_absolute_url()).content.decode()

    # Unnamed people: their descriptor, the only thing shown, says the name is a placeholder.
    unnamed = Speaker.objects.filter(full_name__startswith="Name to be entered")
    assert unnamed.exists()
    for speaker in unnamed:
        assert speaker.public_name.endswith("(placeholder: name to be added)"), speaker.public_name
        # Not people who chose anonymity, so no consent is recorded (events.demo.placeholder_speaker).
        assert speaker.consent_date is None
        assert f'<p class="mb-0 fw-bold">{speaker.public_name}</p>' in content
    assert '<p class="mb-0 fw-bold">Expert, United Nations (placeholder: name to be added)</p>' in content
    assert '<p class="mb-0 fw-bold">Director, Brave Movement (placeholder: name to be added)</p>' in content

    # Documents: the link text says the PDF is a placeholder.
    links = re.findall(r'<li><a href="/media/[^"]+\.pdf">([^<]+)</a>', content)
    assert links and len(links) == event.resources.count()
    assert all(link.endswith("(placeholder: the published document is to be uploaded)") for link in links)
    assert (
        ">Read the Call to Action from survivors and allies "
        "(placeholder: the published document is to be uploaded)</a>" in content
    )

    # The film keeps a playable placeholder address, and says the real one is to be entered.
    assert "Placeholder: the real film&#x27;s address is to be entered" in content
    assert (
        content.count("Placeholder: the real video&#x27;s address is to be entered") == 2
    )  # interviews, reel
    assert 'href="https://www.youtube.com/watch?v=PLACEHOLDER"' in content


def test_demo_command_twice_gives_the_same_database(settings):
    settings.DEBUG = True
    load_demo()
    first = snapshot()

    load_demo()

    assert snapshot() == first


def test_demo_command_brings_an_earlier_demo_up_to_date(settings):
    """
    A database loaded by an earlier demo (placeholder pledges, placeholder-free descriptors) converges to what a
    fresh load gives; a pledge an editor entered is kept.
    """
    settings.DEBUG = True
    load_demo()
    conference = Event.objects.get(slug=CONFERENCE_SLUG)
    CountryPledge.objects.create(
        event=conference,
        country="SE",
        pledging_body="Ministry of Social Affairs",
        commitment="Fund helplines.",
    )
    expected = snapshot()
    Event.objects.filter(pk=conference.pk).update(city="Bogotá", country="CO")
    for code in sorted(SEED_COUNTRIES):
        pledge = CountryPledge.objects.create(
            event=conference,
            country=code,
            pledging_body="Placeholder",
            commitment="Placeholder: this country's published pledge is to be entered.",
        )
        pledge.themes.set([Theme.objects.first()])
    HeadlineFigure.objects.filter(source__in=["countries", "speakers"]).update(suffix="", hidden=False)
    un_expert = Speaker.objects.get(full_name="Name to be entered — Expert, United Nations")
    Speaker.objects.filter(pk=un_expert.pk).update(
        anonymous_descriptor="Expert, United Nations", slug="expert-united-nations"
    )

    load_demo()

    assert snapshot() == expected
    assert list(CountryPledge.objects.values_list("country", "pledging_body")) == [
        ("SE", "Ministry of Social Affairs")
    ]


def test_demo_staff_logins_are_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False

    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_data", stdout=io.StringIO())
    call_command("load_demo_data", "--no-staff", stdout=io.StringIO())
    assert Event.objects.filter(slug=EVENT_SLUG).exists()


@pytest.mark.django_db(False)
def test_placeholder_images_draw_no_empty_boxes():
    # Pillow's default font has no dashes and no accented letters: drawn as they are, they came out as empty
    # boxes on every gallery photo ("Global Action ▯ photo 1"). They are drawn as their plain forms instead.
    assert (
        placeholder_image("Breakfast in Bogotá — photo 1").read()
        == placeholder_image("Breakfast in Bogota - photo 1").read()
    )


def test_demo_command_prints_each_login_with_its_role(settings):
    # The admin is a superuser as well as an Administrator: it sees more than that role does, and says so.
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_demo_data", stdout=out)

    logins = [line.split() for line in out.getvalue().splitlines() if "password" in line]
    assert logins == [
        ["editor", "password", "safedigital-demo", "(Editors)"],
        ["fundraiser", "password", "safedigital-demo", "(Fundraising)"],
        ["admin", "password", "safedigital-demo", "(Administrators,", "superuser)"],
    ]
