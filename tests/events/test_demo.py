import io

import pytest
from django.apps import apps
from django.core.management import call_command

from events.demo import EVENT_SLUG
from events.models import Event

pytestmark = pytest.mark.django_db


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


def test_demo_command_builds_the_bogota_event(client, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())

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
    assert speaker_countries == {"SE", "BR", "ZA", "US", "EC", "JO", "KE", "MG", "MD", "UG"}
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
    assert '<dd class="figure-value mb-0" data-count="10" data-suffix="">10</dd>' in content
    assert "Name to be entered" not in content
    assert "Placeholder: this country&#x27;s published pledge is to be entered." in content


def test_demo_command_twice_gives_the_same_database(settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    first = snapshot()

    call_command("load_demo_data", stdout=io.StringIO())

    assert snapshot() == first


def test_demo_staff_logins_are_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False

    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_data", stdout=io.StringIO())
    call_command("load_demo_data", "--no-staff", stdout=io.StringIO())
    assert Event.objects.filter(slug=EVENT_SLUG).exists()
