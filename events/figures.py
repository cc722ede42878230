"""
Headline figures: what staff typed on the event, and what is counted from the records, in one place.

The counts read the event's sessions and their participations as the lists that `Event.objects.with_programme()`
and `with_figures()` load (`event.programme`, `session.participants`), and its pledges through their related
manager unless the caller passes the list it already has, so such an event is counted without another query.
"""

from django.apps import apps

from .models import HeadlineFigure


def speakers_of(event):
    """The distinct speakers of the event's sessions, in programme order."""
    speakers = {}
    for session in event.programme:
        for participation in session.participants:
            speakers.setdefault(participation.speaker_id, participation.speaker)
    return list(speakers.values())


def countries_of(event, pledges):
    """Countries represented: those of the event's speakers and of the pledges made there."""
    codes = {speaker.country.code for speaker in speakers_of(event)}
    codes |= {pledge.country.code for pledge in pledges}
    codes.discard("")  # a speaker without a country
    return codes


def media_reach(event, pledges):
    """The reach shown for the event's media coverage, or None when there is none."""
    if not apps.is_installed("media_coverage"):
        return None
    from media_coverage.models import reach_for_event

    return reach_for_event(event)


COMPUTED = {
    HeadlineFigure.Source.ATTENDEES: lambda event, pledges: event.attendees_in_person,
    HeadlineFigure.Source.GLOBAL_AUDIENCE: lambda event, pledges: event.global_audience,
    HeadlineFigure.Source.COUNTRIES: lambda event, pledges: len(countries_of(event, pledges)),
    HeadlineFigure.Source.SPEAKERS: lambda event, pledges: len(speakers_of(event)),
    HeadlineFigure.Source.SESSIONS: lambda event, pledges: len(event.programme),
    HeadlineFigure.Source.PLEDGES: lambda event, pledges: len(pledges),
    HeadlineFigure.Source.MEDIA_REACH: media_reach,
}


def figures_for(event, coverage=None, pledges=None):
    """
    The event's visible figures, in order, as dicts of label, value, suffix and source; empty ones left out.
    `coverage`, when the caller already has the event's media coverage, gives the media reach without a query;
    `pledges`, the pledges made at the event when the caller has them (else `event.pledges.all()`).
    """
    if pledges is None:
        pledges = event.pledges.all()
    result = []
    for figure in event.figures.all():
        if figure.hidden:
            continue
        if figure.source == HeadlineFigure.Source.MEDIA_REACH and coverage is not None:
            value = coverage.reach
        else:
            value = COMPUTED[figure.source](event, pledges)
        if value:
            result.append(
                {"label": figure.label, "value": value, "suffix": figure.suffix, "source": figure.source}
            )
    return result
