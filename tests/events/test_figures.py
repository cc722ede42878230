import pytest

from events.figures import figures_for
from events.models import Event, HeadlineFigure
from tests.factories import (
    CountryPledgeFactory,
    EventFactory,
    HeadlineFigureFactory,
    ParticipationFactory,
    SessionFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db


def figures(event):
    return {
        figure["source"]: figure["value"]
        for figure in figures_for(Event.objects.with_programme().get(pk=event.pk))
    }


def test_counted_figures_follow_the_records_after_edits():
    event = EventFactory()
    for source in ("speakers", "countries", "pledges"):
        HeadlineFigureFactory(event=event, source=source, label=source)
    session = SessionFactory(event=event)
    ParticipationFactory(session=session, speaker=SpeakerFactory(country="SE"))
    ParticipationFactory(session=session, speaker=SpeakerFactory(country="SE"))
    CountryPledgeFactory(event=event, country="BR")

    assert figures(event) == {"speakers": 2, "countries": 2, "pledges": 1}

    ParticipationFactory(session=SessionFactory(event=event), speaker=SpeakerFactory(country="KE"))
    CountryPledgeFactory(event=event, country="BR")

    assert figures(event) == {"speakers": 3, "countries": 3, "pledges": 2}


def test_typed_figures_come_from_the_event_and_empty_ones_are_left_out():
    event = EventFactory(attendees_in_person=250, global_audience=None)
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.ATTENDEES, label="Attendees", suffix="+")
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.GLOBAL_AUDIENCE, label="Global audience")

    assert figures_for(event) == [{"label": "Attendees", "value": 250, "suffix": "+", "source": "attendees"}]


def test_hidden_figures_are_not_shown():
    event = EventFactory(attendees_in_person=250)
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.ATTENDEES, label="Attendees", hidden=True)

    assert figures(event) == {}
