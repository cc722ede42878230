import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, Gallery, Photo
from tests.factories import (
    CountryPledgeFactory,
    CoverageFiguresFactory,
    EventFactory,
    GalleryFactory,
    OrganisationFactory,
    ParticipationFactory,
    PhotoFactory,
    ResourceFactory,
    SessionFactory,
    SocialFiguresFactory,
    SpeakerFactory,
    ThemeFactory,
    VideoFactory,
    image_file,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "event": EventFactory,
    "session": SessionFactory,
    "speaker": SpeakerFactory,
    "organisation": OrganisationFactory,
    "theme": ThemeFactory,
    "countrypledge": CountryPledgeFactory,
    "video": VideoFactory,
    "gallery": GalleryFactory,
    "resource": ResourceFactory,
}


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "x")
    client.force_login(user)
    return client


def make(name, count):
    factory = FACTORIES[name]
    for _ in range(count):
        instance = factory()
        if name == "session":
            ParticipationFactory(session=instance)
        if name == "gallery":
            PhotoFactory(gallery=instance)
        if name == "countrypledge":
            instance.themes.set([ThemeFactory()])


@pytest.mark.parametrize("name", list(FACTORIES))
def test_changelist_lists_records_without_a_query_per_row(admin_client, name):
    url = reverse(f"admin:events_{name}_changelist")
    make(name, 1)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = admin_client.get(url)
    assert response.status_code == 200
    make(name, 5)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert len(many) == len(few)
    assert response.context["cl"].result_count == 6


@pytest.mark.parametrize("name", list(FACTORIES))
def test_add_and_change_forms_open(admin_client, name):
    make(name, 1)
    model = FACTORIES[name]._meta.model
    instance = model.objects.first()

    add = admin_client.get(reverse(f"admin:events_{name}_add"))
    change = admin_client.get(reverse(f"admin:events_{name}_change", args=[instance.pk]))

    assert add.status_code == 200
    assert change.status_code == 200
    assert f"Change {model._meta.verbose_name}" in change.content.decode()


def test_search_finds_speakers_by_any_name(admin_client):
    SpeakerFactory(full_name="Camilla Waltersson Grönwall")
    SpeakerFactory(full_name="Someone Else", anonymous=True, anonymous_descriptor="Survivor, Uganda")

    found = admin_client.get(reverse("admin:events_speaker_changelist") + "?q=uganda")

    assert [s.public_name for s in found.context["cl"].result_list] == ["Survivor, Uganda"]


def test_editor_creates_an_event_with_inlines(admin_client):
    organisation = OrganisationFactory(name="Brave Movement")
    data = {
        "title": "New summit",
        "slug": "new-summit",
        "summary": "A new summit.",
        "body": "<p>Hello <script>alert(1)</script></p>",
        "start_date": "2025-03-01",
        "end_date": "2025-03-02",
        "status": "draft",
        "hero_image_alt": "",
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-0-organisation": organisation.pk,
        "partners-0-role": "co_host",
        "partners-0-order": "1",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-0-order": "1",
        "sessions-0-kind": "opening",
        "sessions-0-title": "Opening",
    }
    for prefix in ["figures", "videos", "galleries", "resources", "pledges", "media_mentions"]:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"

    response = admin_client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = Event.objects.get(slug="new-summit")
    assert event.body == "<p>Hello </p>"
    assert [p.organisation.name for p in event.partners.all()] == ["Brave Movement"]
    assert [s.title for s in event.sessions.all()] == ["Opening"]
    assert event.history.count() == 1


def test_publishing_without_a_hero_image_shows_the_reason_beside_the_field(admin_client):
    response = admin_client.post(
        reverse("admin:events_event_add"),
        {
            "title": "No image",
            "slug": "no-image",
            "summary": "x",
            "start_date": "2025-03-01",
            "end_date": "2025-02-01",
            "status": "published",
            **{
                f"{p}-{k}": "0"
                for p in [
                    "partners",
                    "figures",
                    "sessions",
                    "videos",
                    "galleries",
                    "resources",
                    "pledges",
                    "media_mentions",
                ]
                for k in ["TOTAL_FORMS", "INITIAL_FORMS"]
            },
        },
    )

    errors = response.context["adminform"].form.errors
    assert errors["hero_image"] == ["A published event needs a hero image."]
    assert errors["end_date"] == ["An event ends on or after the day it starts."]
    assert not Event.objects.filter(slug="no-image").exists()


def test_publish_and_unpublish_actions(admin_client):
    ready = EventFactory(draft=True, title="Ready")
    bare = EventFactory(draft=True, title="Bare", hero_image="", hero_image_alt="")
    url = reverse("admin:events_event_changelist")

    response = admin_client.post(
        url, {"action": "publish", "_selected_action": [ready.pk, bare.pk]}, follow=True
    )

    ready.refresh_from_db()
    bare.refresh_from_db()
    assert ready.status == Event.Status.PUBLISHED and ready.publish_at is not None
    assert bare.status == Event.Status.DRAFT
    messages = [str(m) for m in response.context["messages"]]
    assert "1 event published." in messages
    assert "Not published (a hero image with alt text is needed first): Bare" in messages

    admin_client.post(url, {"action": "unpublish", "_selected_action": [ready.pk]})
    ready.refresh_from_db()
    assert ready.status == Event.Status.DRAFT


def test_gallery_takes_several_photos_at_once(admin_client):
    event = EventFactory()
    response = admin_client.post(
        reverse("admin:events_gallery_add"),
        {
            "event": event.pk,
            "title": "Networking Reception",
            "order": "1",
            "upload": [image_file("a.jpg"), image_file("b.png", image_format="PNG")],
            "upload_alt_text": "Guests at the reception",
            "upload_credit": "Safe Online",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    gallery = Gallery.objects.get(title="Networking Reception")
    assert [(p.alt_text, p.credit) for p in gallery.photos.all()] == [
        ("Guests at the reception", "Safe Online")
    ] * 2
    assert all(p.renditions["jpeg"] for p in Photo.objects.all())


def test_gallery_upload_needs_alt_text_and_real_images(admin_client):
    event = EventFactory()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        reverse("admin:events_gallery_add"),
        {
            "event": event.pk,
            "title": "Bad",
            "order": "1",
            "upload": [SimpleUploadedFile("fake.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")],
            "upload_alt_text": "",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )

    errors = response.context["adminform"].form.errors
    assert "upload" in errors
    assert not Gallery.objects.exists()


def test_view_on_site_links_to_the_public_page(admin_client):
    event = EventFactory(slug="bogota-2024")

    content = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert "View on site" in content
    assert event.get_absolute_url() == "/events/bogota-2024/"


def test_history_shows_who_changed_what(admin_client):
    event = EventFactory(title="Original")
    event.title = "Renamed"
    event.save()

    response = admin_client.get(reverse("admin:events_event_history", args=[event.pk]))

    assert response.status_code == 200
    assert "Renamed" in response.content.decode()
    assert event.history.count() == 2


def coverage_field(admin_client, event):
    """The links in the change form's "Media coverage" fieldset."""
    content = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    field = re.search(r'<div class="readonly">(.*?)</div>', content.split("field-coverage_links", 1)[1], re.S)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', field.group(1))


def test_coverage_links_add_the_figures_for_this_event_when_there_are_none(admin_client):
    event = EventFactory(title="Bogotá 2024")

    links = coverage_field(admin_client, event)

    assert links == [
        (f"/admin/media_coverage/mediamention/?event__id__exact={event.pk}", "All mentions of this event"),
        (f"/admin/media_coverage/mediamention/import/?event={event.pk}", "Import mentions from CSV"),
        (f"/admin/media_coverage/coveragefigures/add/?event={event.pk}", "Add coverage figures"),
        (f"/admin/media_coverage/socialfigures/add/?event={event.pk}", "Add social media figures"),
    ]
    # The add form opens with the event already chosen.
    add_form = admin_client.get(links[2][0]).content.decode()
    assert f'<option value="{event.pk}" selected>Bogotá 2024</option>' in add_form


def test_coverage_links_open_the_figures_the_event_has(admin_client):
    event = EventFactory()
    coverage = CoverageFiguresFactory(event=event)
    social = SocialFiguresFactory(event=event)
    CoverageFiguresFactory()  # another event's figures are not linked

    links = coverage_field(admin_client, event)

    assert links[2:] == [
        (f"/admin/media_coverage/coveragefigures/{coverage.pk}/change/", "Coverage figures"),
        (f"/admin/media_coverage/socialfigures/{social.pk}/change/", "Social media figures"),
    ]
