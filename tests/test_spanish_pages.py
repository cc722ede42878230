"""
The site in Spanish. A visitor whose browser asks for Spanish gets every page as <html lang="es">, so the page's
own words must be Spanish too: a screen reader reads them with a Spanish voice (WCAG 3.1.1). The donations app
keeps its own catalogue (donations/locale/es); everything else is in the project's (locale/es).
"""

import ast
import datetime
import re
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from events.models import HeadlineFigure
from media_coverage.models import Outlet
from safedigital.ratelimit import too_many_requests
from tests.factories import (
    CountryPledgeFactory,
    CoverageFiguresFactory,
    EventFactory,
    GalleryFactory,
    HeadlineFigureFactory,
    MediaMentionFactory,
    OrganisationFactory,
    OutletFactory,
    ParticipationFactory,
    PhotoFactory,
    PlatformFiguresFactory,
    ResourceFactory,
    SessionFactory,
    SocialFiguresFactory,
    SpeakerFactory,
    ThemeFactory,
    VideoFactory,
)

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_CATALOGUE = BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
DONATIONS_CATALOGUE = BASE_DIR / "donations" / "locale" / "es" / "LC_MESSAGES" / "django.po"


# --- the catalogues ----------------------------------------------------------------------------------------


def _unquote(line):
    """The text of a quoted .po string ("…" with C escapes), which a Python string literal reads the same way."""
    return ast.literal_eval(line[line.index('"') :])


def read_po(path):
    """The entries of a .po file as dicts: msgid, msgid_plural, msgstr (a list), comments; the header left out."""
    entries, entry, field = [], None, None
    for line in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None and entry["msgid"]:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgid_plural": "", "msgstr": [], "comments": []}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            entry["comments"].append(line)
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            entry[field] = _unquote(line)
        elif line.startswith("msgid "):
            field = "msgid"
            entry[field] = _unquote(line)
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(_unquote(line))
        elif line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    return [entry for entry in entries if not entry.get("obsolete")]


def is_translated(entry):
    return all(entry["msgstr"]) and not any("fuzzy" in comment for comment in entry["comments"])


def translated_by_donations():
    return {entry["msgid"]: entry for entry in read_po(DONATIONS_CATALOGUE) if is_translated(entry)}


def placeholders(text):
    return sorted(re.findall(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}|\{\w+\}|</?\w+[^>]*>", text))


def test_every_string_of_the_project_catalogue_is_translated_or_left_to_donations():
    donations = translated_by_donations()
    entries = read_po(PROJECT_CATALOGUE)

    untranslated = [e["msgid"] for e in entries if not is_translated(e) and e["msgid"] not in donations]
    shadowing = [e["msgid"] for e in entries if is_translated(e) and e["msgid"] in donations]

    assert len(entries) > 300
    assert untranslated == []
    # A project translation of a donations string would win over the donations app's own (LOCALE_PATHS first).
    assert shadowing == []


def test_translations_keep_their_placeholders_and_markup():
    for entry in read_po(PROJECT_CATALOGUE):
        if not is_translated(entry):
            continue
        for number, msgstr in enumerate(entry["msgstr"]):
            source = entry["msgid_plural"] if entry["msgid_plural"] and number else entry["msgid"]
            assert placeholders(msgstr) == placeholders(source), entry["msgid"]


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (the site needs no gettext tools): it must say what the .po says."""
    with translation.override("es"):
        for entry in read_po(PROJECT_CATALOGUE):
            if not is_translated(entry):
                continue
            if entry["msgid_plural"]:
                assert translation.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
                assert translation.ngettext(entry["msgid"], entry["msgid_plural"], 5) == entry["msgstr"][2]
            else:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def spanish_of(entries):
    with translation.override("es"):
        return {
            entry["msgid"]: translation.ngettext(entry["msgid"], entry["msgid_plural"], 5)
            if entry["msgid_plural"]
            else translation.gettext(entry["msgid"])
            for entry in entries
        }


def test_the_enquiry_forms_spanish_is_still_the_donations_apps_own(settings):
    donations = list(translated_by_donations().values())
    assert len(donations) > 80

    with_project_catalogue = spanish_of(donations)
    settings.LOCALE_PATHS = []
    without_project_catalogue = spanish_of(donations)

    assert with_project_catalogue == without_project_catalogue
    # What the donations app says, except where an app listed before it in INSTALLED_APPS translates the same
    # words (Django lets the earlier app win): phonenumber_field says "Número de teléfono".
    differ = {e["msgid"] for e in donations if with_project_catalogue[e["msgid"]] != e["msgstr"][-1]}
    assert differ <= {"Phone number"}


# --- the pages ---------------------------------------------------------------------------------------------


class PageTexts(HTMLParser):
    """Every piece of text a person or a screen reader meets: text nodes, and the labels held in attributes."""

    ATTRIBUTES = {"aria-label", "title", "placeholder"}
    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = set()
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # The coverage filter names languages as Django's settings list them, in English whatever the page's
        # language: media_coverage/views.py never translates them (see the expected failure below).
        # A link to a page in another language is named in that language (the header's language switch says
        # "English" on a Spanish page), and marked so with lang and hreflang.
        if (
            tag in self.SKIP
            or (tag == "select" and attrs.get("name") == "language")
            or (tag == "a" and "hreflang" in attrs)
        ):
            self.skipping += 1
        for name in self.ATTRIBUTES & attrs.keys():
            self.add(attrs[name])
        if tag == "meta" and attrs.get("name") == "description":
            self.add(attrs.get("content", ""))

    def handle_endtag(self, tag):
        if tag in self.SKIP or (tag in {"select", "a"} and self.skipping):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.add(data)

    def add(self, text):
        # "Title · Safe Digital", "Title | Safe Digital", "Source: Agency report", "Print: 1,000; Radio: 2,000":
        # each part on its own.
        for part in re.split(r" · | \| |: |; ", " ".join(text.split())):
            part = part.strip(" ·,.:;()–—|“”▶")
            # Numbers and punctuation are the same in both languages.
            if re.search(r"[A-Za-z]{2}", part):
                self.texts.add(part)


def texts(response):
    parser = PageTexts()
    parser.feed(response.content.decode())
    return parser.texts


# What the records say (titles, names, places) and words that are the same in both languages.
SAME_IN_BOTH = {
    "Safe Digital",
    "Safe Digital Futures for Children",
    "Safe Digital Futures for Children — Media coverage",
    "Global Ministerial Conference",
    "Bogotá",
    "Bogotá, Colombia",
    "Colombia",
    "Marija Manojlovic",
    "Marija Manojlovic, Executive Director",
    "Executive Director",
    "Opening of the satellite event",
    "We stand united",
    "Beyond the Screen",
    "Expert interview",
    "Survivors speak",
    "Networking Reception",
    "Guests talking",
    "Call to Action",
    "Read the call to action",
    "What the panel discussed",
    "A satellite event in Bogotá",
    "Safety by design",
    "Fund helplines",
    "Pass a law",
    "Ministry of Human Rights",
    "Ministry of Social Affairs",
    "Speakers",
    "Global audience",
    "Speakers on stage in Bogotá",
    "Safe Online",
    "El Tiempo",
    "Caracol",
    "Colombia se compromete",
    "Proteger a los niños en línea",
    "Ministers meet in Bogotá",
    "Agency report",
    "Media monitoring agency report",
    "#Act4OnlineSafety",
    "#SafeOnline",
    "LinkedIn",
    "Digital",
    "Radio",
    "X",
    "PDF",
    "Press release",  # a resource's title, typed by an editor
    "Open letter",  # idem
    "Suecia",
    "Brasil",
    "Error",
    "Hashtags",
    "7 Nov",  # a day in the mentions chart: the month's abbreviation is the same
    "Upcoming summit",
    "Earlier workshop",
}


@pytest.fixture
def site(db):
    """An event with every section filled in, its parent with pledges, a speaker and the media coverage."""
    parent = EventFactory(title="Global Ministerial Conference", slug="ministerial")
    CountryPledgeFactory(event=parent, country="BR", commitment="Pass a law.")
    event = EventFactory(
        title="Safe Digital Futures for Children",
        slug="safe-digital-futures",
        summary="A satellite event in Bogotá.",
        body="<p>Read the call to action.</p>",
        outcomes="<p>Pass a law.</p>",
        parent=parent,
        featured=True,
        start_date=datetime.date(2024, 11, 6),
        end_date=datetime.date(2024, 11, 6),
        global_audience=1200,
    )
    event.pillars.set([ThemeFactory(name="Safety by design")])
    event.partners.create(organisation=OrganisationFactory(name="Safe Online"), role="co_host")
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.SPEAKERS, label="Speakers")
    HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.GLOBAL_AUDIENCE, label="Global audience")
    opening = SessionFactory(event=event, kind="opening", title="Opening of the satellite event", order=1)
    speaker = SpeakerFactory(full_name="Marija Manojlovic", role_title="Executive Director", country="CO")
    ParticipationFactory(session=opening, speaker=speaker, role="opening", quote="We stand united.")
    VideoFactory(
        event=event,
        session=opening,
        title="Beyond the Screen",
        content_warning="Survivors speak.",
        transcript="Survivors speak.",
    )
    VideoFactory(event=event, kind="interview", title="Expert interview")
    CountryPledgeFactory(
        event=event, country="SE", commitment="Fund helplines.", pledging_body="Ministry of Social Affairs"
    )
    PhotoFactory(gallery=GalleryFactory(event=event, title="Networking Reception"), alt_text="Guests talking")
    ResourceFactory(event=event, kind="call_to_action", title="Call to Action")
    ResourceFactory(event=event, kind="press_release", title="Press release", language="es")
    el_tiempo = OutletFactory(name="El Tiempo", medium=Outlet.Medium.PRINT)
    caracol = OutletFactory(name="Caracol", medium=Outlet.Medium.TV)
    MediaMentionFactory(
        event=event, outlet=el_tiempo, headline="Colombia se compromete", language="es", reach=1_000_000,
        date=datetime.date(2024, 11, 7), excerpt="Proteger a los niños en línea",
    )  # fmt: skip
    MediaMentionFactory(
        event=event, outlet=caracol, headline="Ministers meet in Bogotá", language="en", reach=None,
        date=None, link="",
    )  # fmt: skip
    MediaMentionFactory(
        event=event, outlet=OutletFactory(placeholder_outlet=True), headline="Colombia se compromete"
    )
    CoverageFiguresFactory(event=event, reported_reach=15_712_224, source="Agency report")
    social = SocialFiguresFactory(event=event)
    PlatformFiguresFactory(
        social=social, platform="x", impressions=105_000, top_post_link="https://x.example/1",
        top_post_impressions=5000, top_post_engagements=300, impressions_uplift_percent=82,
        reactions_uplift_percent=107,
    )  # fmt: skip
    PlatformFiguresFactory(social=social, platform="linkedin", impressions=20_000)
    soon = timezone.localdate() + datetime.timedelta(days=30)
    EventFactory(title="Upcoming summit", start_date=soon, end_date=soon)
    EventFactory(
        title="Earlier workshop", start_date=datetime.date(2023, 5, 1), end_date=datetime.date(2023, 5, 2)
    )
    return {"event": event, "parent": parent, "speaker": speaker}


def public_urls(site):
    event = site["event"]
    return {
        "home": reverse("events:home"),
        "events": reverse("events:event-list"),
        "highlights": event.get_absolute_url(),
        "speaker": site["speaker"].get_absolute_url(),
        "pledges": reverse("events:pledge-list"),
        "pledges of one event": reverse("events:pledge-list") + f"?event={event.slug}",
        "coverage": reverse("media_coverage:event-coverage", kwargs={"slug": event.slug}),
        "coverage, filtered": reverse("media_coverage:event-coverage", kwargs={"slug": event.slug})
        + "?medium=print&language=es",
    }


def get(client, url, language):
    return client.get(url, headers={"accept-language": language})


def test_the_spanish_home_page_speaks_spanish(client, site):
    content = get(client, reverse("events:home"), "es").content.decode()

    assert '<html lang="es">' in content
    assert (
        '<a class="btn btn-warning quick-exit" href="https://www.google.com/" rel="noreferrer" data-quick-exit\n'
        '     title="Salga de este sitio ahora. También puede presionar Escape dos veces.">Salir de este sitio</a>'
    ) in content
    assert (
        '<h1 id="home-heading" class="display-5">Cada niña, niño y adolescente, a salvo en el mundo digital</h1>'
        in content
    )
    assert '<nav class="navbar navbar-expand-md" aria-label="Principal">' in content
    assert '<a class="nav-link" href="/events/">Eventos</a>' in content
    assert '<a class="nav-link" href="/pledges/">Compromisos</a>' in content
    assert (
        '<a class="visually-hidden-focusable skip-link" href="#main">Saltar al contenido principal</a>'
        in content
    )
    assert '<p class="mb-1">Estamos aquí para que cada niña, niño y adolescente' in content
    # The donations app's words in the navigation and footer are its own.
    assert '<a class="nav-link" href="/" aria-current="page">Inicio</a>' in content
    assert '<a href="/privacy/">Aviso de privacidad</a>' in content


def test_the_english_home_page_is_unchanged(client, site):
    content = get(client, reverse("events:home"), "en").content.decode()

    assert '<html lang="en">' in content
    assert 'title="Leave this site now. You can also press Escape twice.">Leave this site</a>' in content
    assert '<h1 id="home-heading" class="display-5">Every child safe in the digital world</h1>' in content
    assert '<a class="nav-link" href="/events/">Events</a>' in content
    assert '<a class="nav-link" href="/pledges/">Pledges</a>' in content
    assert '<a href="/privacy/">Privacy notice</a>' in content


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "events",
        "highlights",
        "speaker",
        "pledges",
        "pledges of one event",
        "coverage",
        "coverage, filtered",
    ],
)
def test_no_english_is_left_on_a_spanish_page(client, site, page):
    url = public_urls(site)[page]
    english, spanish = get(client, url, "en"), get(client, url, "es")
    assert english.status_code == spanish.status_code == 200

    left_in_english = (texts(spanish) & texts(english)) - SAME_IN_BOTH

    assert left_in_english == set()
    assert '<html lang="es">' in spanish.content.decode()


def test_the_highlights_page_headings_tables_and_buttons_in_spanish(client, site):
    content = get(client, site["event"].get_absolute_url(), "es").content.decode()

    for html in [
        '<p class="text-uppercase small mb-2">Lo más destacado del evento</p>',
        '<h2 id="introduction-heading">Sobre el evento</h2>',
        '<h2 id="programme-heading">El programa</h2>',
        '<h2 id="pledges-heading">Compromisos de los países</h2>',
        '<h2 id="galleries-heading">Recuerdos del evento</h2>',
        '<h2 id="resources-heading">Recursos</h2>',
        '<th scope="col">País</th><th scope="col">Asumido por</th><th scope="col">Compromiso</th>'
        '<th scope="col">Temas</th><th scope="col">Estado</th>',
        '<button type="button" class="btn btn-light" data-viewer-close>Cerrar</button>',
        "<summary>Transcripción</summary>",
    ]:
        assert html in content


def test_the_coverage_page_charts_and_filters_in_spanish(client, site):
    url = reverse("media_coverage:event-coverage", kwargs={"slug": site["event"].slug})
    content = get(client, url, "es").content.decode()

    assert '<title id="chart-reach-by-medium-title">Alcance por tipo de medio</title>' in content
    assert re.search(r'<desc id="chart-reach-by-medium-desc">Prensa escrita: 1.000.000\.</desc>', content)
    assert '<title id="chart-mentions-over-time-title">Menciones a lo largo del tiempo</title>' in content
    assert re.search(r'<label\s+for="id_medium" class="form-label">\s*Tipo de medio\s*</label>', content)
    assert re.search(r'<label\s+for="id_language" class="form-label">\s*Idioma\s*</label>', content)
    assert '<button type="submit" class="btn btn-primary w-100">Mostrar</button>' in content
    assert '<h2 id="mentions">3 menciones</h2>' in content


def test_the_error_pages_in_spanish(client, settings, site):
    settings.DEBUG = False
    not_found = get(client, "/no-such-page/", "es").content.decode()
    with mock.patch("events.views.HomeView.get", side_effect=OperationalError("down")):
        unavailable = get(client, reverse("events:home"), "es").content.decode()
    request = RequestFactory().get("/lets-chat/", headers={"accept-language": "es"})
    request.user = AnonymousUser()
    with translation.override("es"):
        server_error = render_to_string("500.html")
        too_many = too_many_requests(request, None).content.decode()

    assert "<h1>No encontramos esa página</h1>" in not_found
    assert '<a class="btn btn-primary" href="/">Ir a la página de inicio</a>' in not_found
    assert "<h1>Estamos haciendo una pausa breve</h1>" in unavailable
    assert '<html lang="es">' in server_error
    assert "<h1>Algo salió mal de nuestro lado</h1>" in server_error
    assert "<h1>Espere un momento, por favor</h1>" in too_many
    assert "Salir de este sitio" in too_many


def test_the_english_server_error_page_says_it_is_english():
    with translation.override("en"):
        assert '<html lang="en">' in render_to_string("500.html")


def test_the_coverage_filter_names_languages_in_spanish(client, site):
    url = reverse("media_coverage:event-coverage", kwargs={"slug": site["event"].slug})
    content = get(client, url, "es").content.decode()

    assert '<option value="es">Español</option>' in content


def test_dates_are_written_as_each_language_writes_them(client, site):
    url = site["event"].get_absolute_url()

    assert '<time datetime="2024-11-06">6 November 2024</time>' in get(client, url, "en").content.decode()
    assert (
        '<time datetime="2024-11-06">6 de noviembre de 2024</time>' in get(client, url, "es").content.decode()
    )


def test_languages_of_resources_and_mentions_are_named_in_the_readers_language(client, site):
    event = site["event"]
    coverage = reverse("media_coverage:event-coverage", kwargs={"slug": event.slug})

    assert ", Español)</span>" in get(client, event.get_absolute_url(), "es").content.decode()
    assert ", Spanish)</span>" in get(client, event.get_absolute_url(), "en").content.decode()
    assert "· Inglés" in get(client, coverage, "es").content.decode()
    assert "· English" in get(client, coverage, "en").content.decode()
