"""Headline figures: what staff typed on the event, and what is counted from the records, in one place."""

from django.apps import apps

from .models import CountryPledge, Event, HeadlineFigure, Speaker


def _countries(event):
    speaker_countries = (
        Speaker.objects.filter(sessions__event=event).exclude(country="").values_list("country", flat=True)
    )
    pledge_countries = CountryPledge.objects.filter(event=event).values_list("country", flat=True)
    return len(set(speaker_countries) | set(pledge_countries))


def media_reach(event):
    """The reach shown for the event's media coverage, or None when the media coverage app has none."""
    if not apps.is_installed("media_coverage"):
        return None
    from media_coverage.models import reach_for_event  # noqa: PLC0415 (the app depends on events, not back)

    return reach_for_event(event)


COMPUTED = {
    HeadlineFigure.Source.ATTENDEES: lambda event: event.attendees_in_person,
    HeadlineFigure.Source.GLOBAL_AUDIENCE: lambda event: event.global_audience,
    HeadlineFigure.Source.COUNTRIES: _countries,
    HeadlineFigure.Source.SPEAKERS: lambda event: (
        Speaker.objects.filter(sessions__event=event).distinct().count()
    ),
    HeadlineFigure.Source.SESSIONS: lambda event: event.sessions.count(),
    HeadlineFigure.Source.PLEDGES: lambda event: CountryPledge.objects.filter(event=event).count(),
    HeadlineFigure.Source.MEDIA_REACH: media_reach,
}


def figures_for(event):
    """The event's visible figures as (label, value, suffix), in order; a figure with no value is left out."""
    result = []
    for figure in event.figures.filter(hidden=False):
        value = COMPUTED[figure.source](event)
        if value:
            result.append(
                {"label": figure.label, "value": value, "suffix": figure.suffix, "source": figure.source}
            )
    return result


def site_totals():
    """Totals across every published event, for the home page."""
    published = Event.objects.published()
    return {
        "events": published.count(),
        "speakers": Speaker.objects.filter(sessions__event__in=published).distinct().count(),
        "pledges": CountryPledge.objects.filter(event__in=published).count(),
        "countries": len(
            set(
                Speaker.objects.filter(sessions__event__in=published)
                .exclude(country="")
                .values_list("country", flat=True)
            )
            | set(CountryPledge.objects.filter(event__in=published).values_list("country", flat=True))
        ),
    }
