import html
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.templatetags.static import static
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from events.models import Event, Session
from safedigital.richtext import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    EDITOR_EXTENSIONS,
    sanitize,
)
from safedigital.roles import EDITORS
from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db

ATTACKS = (
    '<p>Hello<script>alert("x")</script></p>'
    '<img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(1)">click</a>'
    '<a href="https://safeonline.example/call">Call to Action</a>'
    '<iframe src="https://evil.example"></iframe>'
    '<p style="color:red" onclick="steal()">styled</p>'
)


def assert_harmless(html):
    lowered = html.lower()
    for needle in ["<script", "onerror", "javascript:", "<iframe", "onclick", "style="]:
        assert needle not in lowered, needle


def test_sanitize_keeps_safe_formatting_and_hardens_links():
    cleaned = sanitize(ATTACKS)

    assert_harmless(cleaned)
    assert '<a href="https://safeonline.example/call" rel="noopener noreferrer">Call to Action</a>' in cleaned
    assert "<p>styled</p>" in cleaned


def test_rich_text_reaches_public_html_sanitised_even_if_stored_raw(client):
    event = EventFactory(body="<p>fine</p>", outcomes="<p>fine</p>", closing="<p>fine</p>")
    # Something that bypassed save() (a raw update, an old row) is still cleaned when shown.
    Event.objects.filter(pk=event.pk).update(body=ATTACKS, outcomes=ATTACKS, closing=ATTACKS)
    SessionFactory(event=event, summary="<p>ok</p>")

    content = client.get(event.get_absolute_url()).content.decode()

    body = content.split('id="introduction-heading"')[1].split("</footer>")[0]
    assert_harmless(body)
    assert body.count("Call to Action</a>") == 3  # the introduction, the outcomes and the closing text


def test_richtext_filter_is_the_template_entry_point():
    rendered = Template("{% load site_tags %}{{ value|richtext }}").render(Context({"value": ATTACKS}))

    assert_harmless(rendered)


def test_rich_text_is_sanitised_when_saved_and_when_created_in_bulk():
    event = EventFactory(body=ATTACKS, outcomes=ATTACKS, closing=ATTACKS)
    session = SessionFactory(event=event, summary=ATTACKS)
    (bulk,) = Event.objects.bulk_create([EventFactory.build(slug="in-bulk", body=ATTACKS)])

    stored = Event.objects.values("body", "outcomes", "closing").get(pk=event.pk)
    stored["summary"] = Session.objects.values_list("summary", flat=True).get(pk=session.pk)
    stored["bulk"] = Event.objects.values_list("body", flat=True).get(slug="in-bulk")
    for field, text in stored.items():
        assert_harmless(text)
        assert (
            '<a href="https://safeonline.example/call" rel="noopener noreferrer">Call to Action</a>' in text
        ), field
    assert bulk.body == stored["bulk"]  # the instance holds what was stored


def test_what_the_editor_offers_is_what_saving_keeps():
    # A list's numbering, a heading, a link: whatever the editor can make, the allow-list keeps, so an editor's
    # formatting is never taken away on saving. (rel is the site's own: every link gets "noopener noreferrer".)
    # And nothing else: what the editor cannot make, it drops when the text is next edited.
    offered = allowlist_from_extensions(expand_extensions(EDITOR_EXTENSIONS))

    assert offered["tags"] | {"b", "i"} == ALLOWED_TAGS  # the editor reads b and i as strong and em
    assert {
        tag: attributes - {"rel"} for tag, attributes in offered["attributes"].items()
    } == ALLOWED_ATTRIBUTES
    assert offered["url_schemes"] == ALLOWED_URL_SCHEMES
    formatted = (
        '<h3>Pledges</h3><ol start="3" type="a" data-type="a"><li><p><strong>Colombia</strong> <em>and</em> '
        "<u>Sweden</u></p></li></ol><ul><li><p>One<br>line</p></li></ul><blockquote><p>Quoted</p></blockquote>"
        '<p><a href="mailto:team@safedigital.example" title="Write to us">Write</a></p>'
    )
    assert sanitize(formatted) == formatted.replace(
        'title="Write to us"', 'title="Write to us" rel="noopener noreferrer"'
    )


def test_editors_write_formatted_text_in_the_editor(client, django_user_model):
    editor = django_user_model.objects.create_user("eddie", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    event = EventFactory(body="<p>Before</p>")
    session = SessionFactory(event=event)

    for url, formatted, plain in [
        (reverse("admin:events_event_change", args=[event.pk]), ["body", "outcomes", "closing"], "summary"),
        (reverse("admin:events_session_change", args=[session.pk]), ["summary"], "title"),
    ]:
        page = client.get(url).content.decode()
        for name in formatted:
            (textarea,) = re.findall(rf'<textarea name="{name}"[^>]*>', page)
            config = json.loads(
                html.unescape(re.search(r'data-django-prose-editor-safedigital="([^"]*)"', textarea)[1])
            )
            assert set(EDITOR_EXTENSIONS) <= set(config["extensions"])
        assert (
            "data-django-prose-editor"
            not in re.search(rf'<(textarea|input)[^>]* name="{plain}"[^>]*>', page)[0]
        )
        # The editor's modules, found through an import map the Content-Security-Policy lets run.
        assert static("js/admin-richtext.js") in page
        assert re.search(r'<script type="importmap" nonce="[^"]+">[^<]*django_prose_editor/editor', page)


def test_the_editors_words_are_in_the_admins_language(client, django_user_model):
    editor = django_user_model.objects.create_user("eddie", is_staff=True)
    client.force_login(editor)

    script = client.get(reverse("admin:jsi18n"), headers={"accept-language": "es"}).content.decode()

    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    assert catalogue["Cancel"] == "Cancelar"  # the admin's own words are still there
    assert catalogue["bold"] == "Negrita"  # a button's name
    assert catalogue["heading 3"] == "Título"  # its level is the page's (richtext's heading_level)
    assert catalogue["heading 4"] == "Subtítulo"
    assert catalogue["unordered list"] == "Lista con viñetas"
    assert catalogue["Edit Link"] == "Editar enlace"  # a dialog's title


def test_the_editors_buttons_are_named_as_the_admins_own_in_english(client, django_user_model):
    # The editor names its buttons in lower case ("bold"): tooltips and screen readers gave them so.
    editor = django_user_model.objects.create_user("eddie", is_staff=True)
    client.force_login(editor)

    script = client.get(reverse("admin:jsi18n"), headers={"accept-language": "en"}).content.decode()

    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    assert catalogue["bold"] == "Bold"
    assert catalogue["unordered list"] == "Bulleted list"
    assert catalogue["insert link"] == "Insert link"
    # A text's heading and subheading: the page decides their levels (an h4 and an h5 in a session's summary).
    assert catalogue["heading 3"] == "Heading"
    assert catalogue["Heading 4"] == "Subheading"


def test_a_text_s_headings_stay_below_the_section_it_is_in(client):
    # The introduction is a section of the page under its own h2: a heading in its text is an h3 or below.
    event = EventFactory(body="<h2>Sneaked in</h2><h3>Kept</h3><p>Text</p>")

    content = client.get(event.get_absolute_url()).content.decode()

    assert "<h2>Sneaked in</h2>" not in content
    assert "Sneaked in" in content
    assert "<h3>Kept</h3>" in content
    assert 2 not in EDITOR_EXTENSIONS["Heading"]["levels"]


def test_a_session_summary_s_headings_sit_inside_the_session(client):
    # A session's title is an h3: its summary's heading and subheading are an h4 and an h5 on the page, or a
    # screen reader's list of headings would put "Key points" beside the session instead of inside it.
    event = EventFactory(outcomes="<h3>What came of it all</h3><p>Much.</p>")
    SessionFactory(
        event=event, title="Opening panel", summary="<h3>Key points</h3><h4>In detail</h4><p>Text</p>"
    )

    content = client.get(event.get_absolute_url()).content.decode()

    assert re.search(r'<h3 id="session-\d+-heading"[^>]*>Opening panel</h3>', content)
    assert "<h4>Key points</h4><h5>In detail</h5><p>Text</p>" in content
    assert "<h3>What came of it all</h3>" in content  # a text under an h2 keeps its h3
