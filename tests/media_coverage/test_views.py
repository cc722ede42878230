import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from media_coverage.demo import load_demo_coverage
from media_coverage.models import Outlet, coverage_for_event
from tests.factories import (
    CoverageFiguresFactory,
    EventFactory,
    MediaMentionFactory,
    OutletFactory,
    PlatformFiguresFactory,
    SocialFiguresFactory,
)

pytestmark = pytest.mark.django_db


def coverage_url(event, **params):
    url = reverse("media_coverage:event-coverage", kwargs={"slug": event.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def headlines(response):
    return [mention.headline for mention in response.context["mentions"]]


@pytest.fixture
def event():
    event = EventFactory(title="Safe Digital Futures for Children", slug="safe-digital-futures")
    el_tiempo = OutletFactory(name="El Tiempo", medium=Outlet.Medium.PRINT)
    caracol = OutletFactory(name="Caracol", medium=Outlet.Medium.TV)
    MediaMentionFactory(
        event=event, outlet=el_tiempo, headline="Colombia se compromete", language="es", reach=1_000_000,
        date=datetime.date(2024, 11, 7), excerpt="Proteger a los niños en línea",
    )  # fmt: skip
    MediaMentionFactory(
        event=event, outlet=caracol, headline="Ministers meet in Bogotá", language="en", reach=400_000,
        date=datetime.date(2024, 11, 6), link="",
    )  # fmt: skip
    CoverageFiguresFactory(event=event, reported_reach=15_712_224, source="Agency report")
    return event


def test_coverage_page_lists_every_mention_with_its_outlet_and_figures(client, event):
    response = client.get(coverage_url(event))

    assert response.status_code == 200
    assert headlines(response) == ["Colombia se compromete", "Ministers meet in Bogotá"]
    content = response.content.decode()
    assert "<title>Media coverage: Safe Digital Futures for Children · Safe Digital</title>" in content
    assert '<dd class="figure-value mb-0">15,712,224</dd>' in content
    assert "people reached (reported total)" in content
    assert "Source: Agency report" in content
    el_tiempo = event.media_mentions.get(outlet__name="El Tiempo")
    assert f'<a href="{el_tiempo.link}" rel="noopener">Colombia se compromete</a>' in content
    assert '<time datetime="2024-11-07">7 November 2024</time>' in content
    assert "Spanish" in content and "reach 1,000,000" in content
    assert (
        '<blockquote class="quote mb-0"><p class="mb-0">Proteger a los niños en línea</p></blockquote>'
        in content
    )
    # A mention without a link is a plain heading.
    assert '<h3 class="h5 mb-1">Ministers meet in Bogotá</h3>' in content


def test_coverage_page_filters_by_medium_and_language_without_javascript(client, event):
    by_medium = client.get(coverage_url(event, medium="tv"))
    by_language = client.get(coverage_url(event, language="es"))
    both = client.get(coverage_url(event, medium="tv", language="es"))

    assert headlines(by_medium) == ["Ministers meet in Bogotá"]
    assert headlines(by_language) == ["Colombia se compromete"]
    assert headlines(both) == []
    assert "No mention matches these filters." in both.content.decode()
    form = by_language.content.decode()
    assert '<form method="get" action=""' in form
    assert '<option value="es" selected>Spanish</option>' in form
    assert '<option value="en">English</option>' in form
    # The summary is the event's, not the filter's.
    assert by_medium.context["coverage"].mention_count == 2


def test_a_filter_value_that_is_not_a_choice_is_ignored_and_explained(client, event):
    response = client.get(coverage_url(event, medium="carrier-pigeon"))

    assert headlines(response) == ["Colombia se compromete", "Ministers meet in Bogotá"]
    assert (
        "Select a valid choice. carrier-pigeon is not one of the available choices."
        in response.content.decode()
    )


def test_coverage_page_draws_its_three_charts_with_their_data(client, event):
    social = SocialFiguresFactory(event=event)
    PlatformFiguresFactory(social=social, platform="x", impressions=60_000)

    content = client.get(coverage_url(event)).content.decode()

    titles = re.findall(r'<title id="chart-[\w-]+-title">([^<]+)</title>', content)
    assert titles == ["Reach by medium", "Mentions over time", "Social-media impressions by platform"]
    assert content.count('role="img"') == 3
    assert '<desc id="chart-reach-by-medium-desc">Print: 1,000,000; Television: 400,000.</desc>' in content
    assert content.count('<table class="table table-sm chart-data">') == 3


def test_placeholder_outlets_are_not_named_in_public(client, event):
    MediaMentionFactory(event=event, outlet=OutletFactory(name="Placeholder radio outlet", medium="radio"))
    Outlet.objects.filter(name="Placeholder radio outlet").update(placeholder=True)

    content = client.get(coverage_url(event)).content.decode()

    assert "Placeholder radio outlet" not in content
    assert "An outlet not named in the source" in content


def test_draft_events_have_no_public_coverage_page(client):
    draft = EventFactory(draft=True)
    MediaMentionFactory(event=draft, headline="Not yet public")

    response = client.get(coverage_url(draft))

    assert response.status_code == 404
    assert "Not yet public" not in response.content.decode()


def test_unknown_event_answers_404(client):
    response = client.get("/events/no-such-event/coverage/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_staff_preview_a_draft_with_a_banner(client, django_user_model):
    draft = EventFactory(draft=True)
    MediaMentionFactory(event=draft, headline="Not yet public")
    editor = django_user_model.objects.create_user("editor", password="x" * 12, is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(editor)

    content = client.get(coverage_url(draft)).content.decode()

    assert "Not yet public" in content
    assert "Preview: this event is not published, so only staff can see this page." in content
    assert '<meta name="robots" content="noindex">' in content


def test_coverage_page_has_no_inline_script_or_style(client, event):
    response = client.get(coverage_url(event))

    content = response.content.decode()
    assert "style-src 'self';" in response["Content-Security-Policy"]
    assert [tag for tag in re.findall(r"<script\b[^>]*>", content) if "src=" not in tag] == []
    assert "<style" not in content
    assert " style=" not in content


def build_event_with(mentions):
    event = EventFactory()
    CoverageFiguresFactory(event=event)
    social = SocialFiguresFactory(event=event)
    for number in range(min(mentions, 4)):
        PlatformFiguresFactory(
            social=social, platform=["x", "linkedin", "instagram", "facebook"][number], impressions=10
        )
    for number in range(mentions):
        MediaMentionFactory(
            event=event,
            outlet=OutletFactory(medium=list(Outlet.Medium.values)[number % 4]),
            language=["es", "en"][number % 2],
            reach=number * 100,
            date=datetime.date(2024, 11, 1) + datetime.timedelta(days=number),
        )
    return event


def test_coverage_page_queries_do_not_grow_with_the_mentions(client):
    counts = []
    for mentions in (3, 30):
        event = build_event_with(mentions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(coverage_url(event))
        assert len(response.context["mentions"]) == mentions
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_mentions_and_figures_are_viewed_on_the_coverage_page(client, event):
    mention = event.media_mentions.get(outlet__name="El Tiempo")

    assert mention.get_absolute_url() == f"/events/safe-digital-futures/coverage/#mention-{mention.pk}"
    assert event.coverage_figures.get_absolute_url() == "/events/safe-digital-futures/coverage/"
    assert (
        f'<li class="border-bottom py-3" id="mention-{mention.pk}">'
        in client.get(mention.get_absolute_url()).content.decode()
    )


# The highlights page's partials -------------------------------------------------------------------------


def test_seed_coverage_and_social_sections(settings):
    event = EventFactory(title="Safe Digital Futures for Children", slug="safe-digital-futures")
    load_demo_coverage(event)
    event.refresh_from_db()

    coverage_html = render_to_string(
        "media_coverage/includes/coverage_section.html", {"coverage": coverage_for_event(event)}
    )
    social_html = render_to_string(
        "media_coverage/includes/social_section.html", {"coverage": coverage_for_event(event)}
    )

    html = " ".join(coverage_html.split())
    assert html.startswith(
        '<section class="section coverage-section" id="media-coverage" aria-labelledby="media-coverage-heading">'
    )
    assert '<h2 id="media-coverage-heading">Media coverage</h2>' in html
    assert '<p class="figure-value mb-0">15,712,224</p>' in html
    assert '<p class="lead">people were reached through media coverage.</p>' in html
    assert "Source: Media monitoring agency report (seed page)" in html
    assert "<p>Covered by 30 outlets.</p>" in html
    media = re.findall(r"<dt [^>]*>([^<]+)</dt> <dd [^>]*> (.*?) </dd>", html)
    assert media == [
        (
            "Print",
            'El Tiempo <span class="text-body-secondary">(Colombia&#x27;s largest national newspaper)</span>',
        ),
        ("Digital", "Publimetro, Semana and 23 outlets not named here"),
        (
            "Television",
            'Capital, Caracol <span class="text-body-secondary">(a leading private television network in '
            "Colombia)</span>, City Television",
        ),
        ("Radio", "1 outlet not named here"),
    ]
    assert (
        '<a class="btn btn-outline-primary" href="/events/safe-digital-futures/coverage/">'
        "See all 30 mentions and charts</a>"
    ) in html
    assert "Placeholder" not in coverage_html

    social_text = " ".join(re.sub(r"<[^>]+>", " ", social_html).split())
    assert '<h2 id="social-media-heading">Social media</h2>' in social_html
    assert "Promoted on LinkedIn, X, Instagram and Facebook." in social_text
    assert "#Act4OnlineSafety #SafeOnline" in social_text
    assert ("Total posts 933 Maximum reach 2,900,000 Impressions 105,000 Countries reached 39") in social_text
    assert "The top post on X had 46,514 impressions and 1,614 engagements." in social_text
    assert "On LinkedIn, compared with usual activity:" in social_text
    assert (
        "<strong>+82\u00a0%</strong> impressions, <strong>+107\u00a0%</strong> reactions.</li>" in social_html
    )
    for html in (coverage_html, social_html):
        assert " style=" not in html and "<script" not in html


def test_sections_are_hidden_when_the_event_has_no_coverage():
    coverage = coverage_for_event(EventFactory())

    assert (
        render_to_string("media_coverage/includes/coverage_section.html", {"coverage": coverage}).strip()
        == ""
    )
    assert (
        render_to_string("media_coverage/includes/social_section.html", {"coverage": coverage}).strip() == ""
    )
