from django.apps import apps
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView
from django_countries import countries
from django_countries import sort_key as country_name_key

from safedigital.cache import cache_public_page
from safedigital.countries import country_name
from safedigital.timezones import utc_offset

from .figures import figures_for
from .models import CountryPledge, Event, Participation, Speaker, Theme


def country_filter(request):
    """The ?country= filter as a valid ISO code, or ""."""
    code = request.GET.get("country", "").upper()
    return code if code in countries else ""


def country_choices(codes):
    """
    (code, name) pairs, sorted by the name as shown in the active language (Madagascar before Moldova, whose
    codes MG and MD sort the other way), the way django-countries sorts its own lists.
    """
    return sorted(((code, country_name(code)) for code in set(codes)), key=country_name_key)


def by_country_name(pledges):
    """Pledges sorted by their country's name as shown, then as entered; in Python, for prefetched pledges."""

    def key(pledge):
        country = pledge.country  # a new Country at each read of the field: read once
        return country_name_key((country.code, country_name(country))), pledge.pk

    return sorted(pledges, key=key)


def country_name_order(choices):
    """
    An ordering by country name as shown, for the database: CASE country WHEN 'MG' THEN 0 WHEN 'MD' THEN 1 …
    built from `country_choices`, so pagination slices the list in the order the visitor reads it.
    """
    return Case(
        *(When(country=code, then=Value(position)) for position, (code, _name) in enumerate(choices)),
        default=Value(len(choices)),
        output_field=IntegerField(),
    )


def coverage_for(event):
    """The media coverage sections' data, when that app provides it."""
    if not apps.is_installed("media_coverage"):
        return None
    from media_coverage.models import coverage_for_event

    return coverage_for_event(event)


@method_decorator(cache_public_page, name="dispatch")
class HomeView(TemplateView):
    template_name = "events/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Event.objects.published()
        featured = published.filter(featured=True).with_figures().order_by("-start_date").first()
        if featured is None:
            featured = published.with_figures().order_by("-start_date").first()
        context["featured"] = featured
        context["figures"] = figures_for(featured) if featured else []
        others = published.exclude(pk=featured.pk) if featured else published
        context["upcoming"] = list(others.upcoming()[:6])
        context["past"] = list(others.past()[:6])
        return context


@method_decorator(cache_public_page(query=("year", "country", "page")), name="dispatch")
class EventListView(ListView):
    """Past events, paginated and filterable by year and country; upcoming ones above them."""

    template_name = "events/event_list.html"
    context_object_name = "past_events"
    paginate_by = 12

    @cached_property
    def offered(self):
        """What the filters offer: the years and countries of published events."""
        published = Event.objects.published()
        return {
            "years": [date.year for date in published.dates("start_date", "year", order="DESC")],
            "countries": country_choices(published.exclude(country="").values_list("country", flat=True)),
        }

    @cached_property
    def filters(self):
        """
        The filters asked for, each only when the form offers it: another value would empty the list under a
        form that reads "All years" or "All countries".
        """
        year = self.request.GET.get("year", "")
        country = country_filter(self.request)
        return {
            "year": next((offered for offered in self.offered["years"] if str(offered) == year), None),
            "country": country if country in dict(self.offered["countries"]) else "",
        }

    def filtered(self, queryset):
        if self.filters["year"]:
            queryset = queryset.filter(start_date__year=self.filters["year"])
        if self.filters["country"]:
            queryset = queryset.filter(country=self.filters["country"])
        return queryset

    def get_queryset(self):
        return self.filtered(Event.objects.published().past())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Event.objects.published()
        context["upcoming_events"] = list(self.filtered(published.upcoming()))
        context["filters"] = self.filters
        context["years"] = self.offered["years"]
        context["countries"] = self.offered["countries"]
        return context


@method_decorator(cache_public_page, name="dispatch")
class EventDetailView(DetailView):
    """The event highlights page. Staff may preview drafts; everyone else sees published events only."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        queryset = Event.objects.visible_to(self.request.user).with_programme()
        if apps.is_installed("media_coverage"):
            queryset = queryset.select_related("coverage_figures", "social_figures").prefetch_related(
                "social_figures__platforms"
            )
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        sessions = event.programme
        pledges, parent_pledges, galleries = event.pledges_and_galleries()
        context["coverage"] = coverage_for(event)
        context["figures"] = figures_for(event, coverage=context["coverage"], pledges=pledges)
        context["sessions"] = sessions
        # The offsets of the programme's times where the event is: one, unless the clocks change during it.
        context["programme_offsets"] = list(
            dict.fromkeys(
                utc_offset(timezone.localtime(session.starts_at, event.zone))
                for session in sessions
                if session.starts_at
            )
        )
        context["call_to_action"] = next(
            (resource for resource in event.resources.all() if resource.kind == resource.Kind.CALL_TO_ACTION),
            None,
        )
        films = [video for video in event.videos.all() if video.kind != video.Kind.INTERVIEW]
        for session in sessions:  # each session shows the films screened in it
            session.films = [video for video in films if video.session_id == session.pk]
        # Of the others, a highlight reel comes last, after the closing words, where the seed page has its
        # "videos that summarize the highlights of the event".
        unscreened = [video for video in films if video.session_id is None]
        context["films"] = [video for video in unscreened if video.kind != video.Kind.HIGHLIGHTS]
        context["highlight_reels"] = [video for video in unscreened if video.kind == video.Kind.HIGHLIGHTS]
        context["interviews"] = [video for video in event.videos.all() if video.kind == video.Kind.INTERVIEW]
        context["galleries"] = galleries
        context["public_parent"] = event.public_parent
        context["satellites"] = event.public_satellites()
        context["pledges"] = by_country_name(pledges)
        context["parent_pledges"] = by_country_name(parent_pledges)
        context["is_preview"] = not event.is_public
        return context


@method_decorator(cache_public_page, name="dispatch")
class SpeakerDetailView(DetailView):
    """A speaker's page: their sessions and quotes at published events. Anonymous speakers have none."""

    template_name = "events/speaker_detail.html"
    context_object_name = "speaker"

    def get_queryset(self):
        return Speaker.objects.with_public_page().select_related("organisation")

    def get_object(self, queryset=None):
        speaker = super().get_object(queryset)
        events = Event.objects.visible_to(self.request.user)
        self.participations = list(
            Participation.objects.filter(speaker=speaker, session__event__in=events)
            .select_related("session__event", "speaker__organisation")
            .order_by("-session__event__start_date", "session__order")
        )
        if not self.participations:
            raise Http404(_("No published event shows this speaker."))
        return speaker

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participations"] = self.participations
        context["quotes"] = [participation for participation in self.participations if participation.quote]
        return context


@method_decorator(cache_public_page(query=("event", "country", "status", "theme", "page")), name="dispatch")
class PledgeListView(ListView):
    """Country pledges made at published events, filterable by event, country, status and theme."""

    template_name = "events/pledge_list.html"
    context_object_name = "pledges"
    paginate_by = 50

    @cached_property
    def filters(self):
        """The filters asked for, each only when the form offers it (see EventListView.filters)."""
        get = self.request.GET
        country = country_filter(self.request)
        theme = get.get("theme", "")
        return {
            "event": get.get("event", ""),
            "country": country if country in dict(self.countries) else "",
            "status": get.get("status", "") if get.get("status", "") in CountryPledge.Status.values else "",
            "theme": theme if any(offered.slug == theme for offered in self.themes) else "",
        }

    @cached_property
    def themes(self):
        """The themes of all public pledges: the filter's choices."""
        return list(Theme.objects.filter(pledges__in=CountryPledge.objects.public()).distinct())

    @cached_property
    def countries(self):
        """The countries of all public pledges, sorted by name: the filter's choices and the table's order."""
        return country_choices(CountryPledge.objects.public().values_list("country", flat=True))

    @cached_property
    def event(self):
        if not self.filters["event"]:
            return None
        return get_object_or_404(Event.objects.published(), slug=self.filters["event"])

    def get_queryset(self):
        queryset = (
            CountryPledge.objects.public()
            .select_related("event")
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order")))
        )
        if self.event:
            queryset = queryset.filter(event=self.event)
        if self.filters["country"]:
            queryset = queryset.filter(country=self.filters["country"])
        if self.filters["status"]:
            queryset = queryset.filter(status=self.filters["status"])
        if self.filters["theme"]:
            queryset = queryset.filter(themes__slug=self.filters["theme"])
        if not self.countries:
            return queryset.order_by("pk")
        # By country name as shown, in the database so that each page of the paginated list is in order.
        return queryset.order_by(country_name_order(self.countries), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["event"] = self.event
        context["statuses"] = CountryPledge.Status.choices
        context["themes"] = self.themes
        context["countries"] = self.countries
        return context
