import pytest
from django.template import Context, Template

from events.models import Event
from safedigital.richtext import sanitize
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
