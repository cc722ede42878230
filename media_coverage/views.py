from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.generic import DetailView

from events.models import Event
from safedigital.cache import cache_public_page
from safedigital.models import LANGUAGES

from . import charts
from .forms import CoverageFilterForm
from .models import MediaMention, coverage_for_event

LANGUAGE_NAMES = dict(LANGUAGES)


@method_decorator(cache_public_page(query=("medium", "language")), name="dispatch")
class EventCoverageView(DetailView):
    """Every mention of a published event (staff may preview drafts), filterable, with charts."""

    template_name = "media_coverage/event_coverage.html"
    context_object_name = "event"

    @cached_property
    def filters(self):
        """The chosen medium and language, checked against every possible value; a wrong one is ignored."""
        form = CoverageFilterForm(self.request.GET or None, languages=LANGUAGES)
        return form.filters()

    def get_queryset(self):
        mentions = MediaMention.objects.with_outlet()
        if medium := self.filters.get("medium"):
            mentions = mentions.in_medium(medium)
        if language := self.filters.get("language"):
            mentions = mentions.in_language(language)
        return (
            Event.objects.visible_to(self.request.user)
            .select_related("coverage_figures", "social_figures")
            .prefetch_related(
                Prefetch("media_mentions", queryset=mentions, to_attr="shown_mentions"),
                "social_figures__platforms",
            )
        )

    def get_context_data(self, **kwargs):
        event = self.object
        coverage = coverage_for_event(event)
        mentions = event.shown_mentions
        languages = set(
            event.media_mentions.exclude(language="").order_by().values_list("language", flat=True).distinct()
        )
        languages.update(filter(None, [self.filters.get("language")]))
        filter_form = CoverageFilterForm(
            self.request.GET or None,
            languages=sorted(
                ((code, str(LANGUAGE_NAMES[code])) for code in languages), key=lambda item: item[1]
            ),
        )
        return super().get_context_data(
            coverage=coverage,
            mentions=mentions,
            filter_form=filter_form,
            filtered=bool(self.filters),
            charts=[
                charts.reach_by_medium(mentions),
                charts.mentions_over_time(mentions),
                charts.impressions_by_platform(coverage.platforms),
            ],
            **kwargs,
        )
