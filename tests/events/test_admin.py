import datetime
import html
import importlib
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, EventPartner, Gallery, HeadlineFigure, Photo, Speaker
from safedigital.roles import EDITORS
from safedigital.uploads import rendition_names
from tests.admin_pages import filter_choices, tabular_inline_fields
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
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "x")


@pytest.fixture
def admin_client(client, boss):
    client.force_login(boss)
    return client


EVENT_INLINES = [
    "partners",
    "figures",
    "sessions",
    "videos",
    "galleries",
    "resources",
    "pledges",
    "media_mentions",
]


def event_change_data(event, inlines=None, **changes):
    """The event's admin change form as a browser sends it back, with `changes` made and `inlines` filled in."""
    data = {
        "title": event.title,
        "slug": event.slug,
        "strapline": event.strapline,
        "summary": event.summary,
        "body": event.body,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "city": event.city,
        "country": event.country.code or "",
        "venue": event.venue,
        "time_zone": event.time_zone,
        "hero_image_alt": event.hero_image_alt,
        "pillars_heading": event.pillars_heading,
        "outcomes": event.outcomes,
        "closing": event.closing,
        "status": event.status,
        "publish_at_0": "",
        "publish_at_1": "",
    }
    for prefix in EVENT_INLINES:
        rows = (inlines or {}).get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(sum(1 for row in rows if row.get("id")))
        for number, row in enumerate(rows):
            data |= {f"{prefix}-{number}-{name}": value for name, value in row.items()}
    return data | changes


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


def add_rows_with_autocompletes(event, session, count):
    """Inline rows whose chosen record an autocomplete box names: partners, mentions, a session's speakers."""
    for _ in range(count):
        EventPartner.objects.create(event=event, organisation=OrganisationFactory())
        MediaMentionFactory(event=event)
        ParticipationFactory(session=session)


def test_change_forms_name_the_rows_chosen_records_without_a_query_per_row(admin_client):
    # Django's autocomplete box asks the database for the record it shows, once per row: an event with 30 mentions
    # and 16 partners made 46 such queries, a session's page one per speaker.
    event = EventFactory()
    session = SessionFactory(event=event)
    pages = [
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_session_change", args=[session.pk]),
    ]
    add_rows_with_autocompletes(event, session, 1)
    few = {}
    for url in pages:
        admin_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(url)
        few[url] = len(queries)
    add_rows_with_autocompletes(event, session, 4)

    content = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            content[url] = admin_client.get(url).content.decode()
        assert len(queries) == few[url], url
    event_page, session_page = (content[url] for url in pages)
    for partner in event.partners.select_related("organisation"):
        assert (
            f'<option value="{partner.organisation_id}" selected>{partner.organisation}</option>'
            in event_page
        )
    for participation in session.participations.select_related("speaker"):
        assert (
            f'<option value="{participation.speaker_id}" selected>{participation.speaker}</option>'
            in session_page
        )


@pytest.mark.parametrize("name", ["event", "speaker", "organisation", "countrypledge"])
def test_the_country_filter_offers_the_countries_in_use_by_name(admin_client, name):
    """It offered all 249 of the world's countries, a list some 5,000 pixels long, whichever were in use."""
    kenyan = FACTORIES[name](country="KE")
    FACTORIES[name](country="CO")
    url = reverse(f"admin:events_{name}_changelist")

    response = admin_client.get(url)
    kenya = admin_client.get(url, {"country": "KE"})

    assert filter_choices(response, "By country") == ["All", "Colombia", "Kenya"]
    assert list(kenya.context["cl"].result_list) == [kenyan]


def test_the_resources_language_filter_offers_the_languages_in_use(admin_client):
    """It offered all hundred of Django's languages."""
    spanish = ResourceFactory(language="es")
    ResourceFactory(language="en")
    url = reverse("admin:events_resource_changelist")

    response = admin_client.get(url)
    in_spanish = admin_client.get(url, {"language__exact": "es"})

    assert filter_choices(response, "By language") == ["All", "English", "Spanish"]
    assert list(in_spanish.context["cl"].result_list) == [spanish]


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


def test_the_speakers_list_filters_by_the_kind_of_their_organisation_by_that_name(admin_client):
    # Titled "By kind" beside a list of people, it read as a kind of speaker.
    SpeakerFactory(organisation=OrganisationFactory(kind="government"))

    response = admin_client.get(reverse("admin:events_speaker_changelist"))
    spanish = admin_client.get(reverse("admin:events_speaker_changelist"), headers={"accept-language": "es"})

    assert "Government" in filter_choices(response, "By organisation kind")
    assert "Gobierno" in filter_choices(spanish, "Por tipo de organización")


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
        "time_zone": "Europe/Stockholm",
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


def gallery_add_data(event, **changes):
    """The add-gallery form as a browser sends it, no photo rows, with `changes` made (`upload`: the files)."""
    return {
        "event": event.pk,
        "title": "Networking Reception",
        "order": "1",
        "upload_alt_text": "Guests at the reception",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    } | changes


def gallery_change_data(photo, **row):
    """A gallery's form as a browser sends it, `photo` its one row, with the row's fields in `row` changed."""
    gallery = photo.gallery
    fields = {"id": photo.pk, "gallery": gallery.pk, "alt_text": photo.alt_text, "order": "0"} | row
    return {
        "event": gallery.event_id,
        "title": gallery.title,
        "order": "0",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "1",
    } | {f"photos-0-{name}": value for name, value in fields.items()}


def test_a_photo_deleted_from_its_gallery_is_no_longer_served(
    admin_client, django_capture_on_commit_callbacks
):
    """
    The highlights page gave out the photo's renditions' addresses, which anyone may have kept: a photo deleted
    (a parent withdrew their consent) left its renditions on the server, served at those addresses.
    """
    photo = PhotoFactory(image=image_file("child.jpg", size=(800, 600)))
    renditions = rendition_names(photo.renditions)
    assert all(default_storage.exists(name) for name in renditions)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:events_gallery_change", args=[photo.gallery_id]),
            gallery_change_data(photo, DELETE="on"),
        )

    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert [name for name in renditions if default_storage.exists(name)] == []


def test_a_photo_whose_deletion_is_rolled_back_keeps_its_renditions():
    photo = PhotoFactory(image=image_file("child.jpg", size=(800, 600)))
    renditions = rendition_names(photo.renditions)

    with pytest.raises(RuntimeError), transaction.atomic():
        photo.delete()
        raise RuntimeError("the rest of the change failed")

    assert Photo.objects.exists()
    assert all(default_storage.exists(name) for name in renditions)


def test_the_photos_of_a_deleted_event_are_no_longer_served(admin_client, django_capture_on_commit_callbacks):
    """Deleting an event deletes its galleries and their photos: their renditions go with them, the event's too."""
    photo = PhotoFactory(image=image_file("child.jpg", size=(800, 600)))
    event = photo.gallery.event
    event.hero_image = image_file("hero.jpg", size=(800, 600))
    event.hero_image_alt = "Children at the event"
    event.save()
    renditions = rendition_names(photo.renditions) + rendition_names(event.hero_renditions)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.exists()
    assert [name for name in renditions if default_storage.exists(name)] == []


def test_gallery_takes_several_photos_at_once(admin_client):
    event = EventFactory()
    response = admin_client.post(
        reverse("admin:events_gallery_add"),
        gallery_add_data(
            event,
            upload=[image_file("a.jpg"), image_file("b.png", image_format="PNG")],
            upload_credit="Safe Online",
        ),
    )

    assert response.status_code == 302
    gallery = Gallery.objects.get(title="Networking Reception")
    assert [(p.alt_text, p.credit) for p in gallery.photos.all()] == [
        ("Guests at the reception", "Safe Online")
    ] * 2
    assert all(p.renditions["jpeg"] for p in Photo.objects.all())


def test_a_photo_credit_is_kept_without_the_photo_the_page_writes_before_it(admin_client):
    # The page shows "Photo: <credit>": a credit typed as "Photo: Safe Online" showed "Photo: Photo: Safe Online".
    event = EventFactory()
    add_page = admin_client.get(reverse("admin:events_gallery_add")).content.decode()
    admin_client.post(
        reverse("admin:events_gallery_add"),
        gallery_add_data(event, upload=[image_file("a.jpg")], upload_credit="Photo: Safe Online"),
    )
    photo = Photo.objects.get()
    gallery = photo.gallery

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        gallery_change_data(photo, credit="  foto:Ana Gómez"),
    )

    assert "The page writes “Photo:” before it." in add_page
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.credit == "Ana Gómez"
    assert Photo.history.order_by("history_id").first().credit == "Safe Online"
    page = Client().get(event.get_absolute_url()).content.decode()
    assert "Photo: Ana Gómez" in page and "Photo: foto" not in page.lower()


def test_gallery_takes_only_so_many_photos_at_once_and_says_so(admin_client, settings):
    settings.GALLERY_UPLOAD_MAX_PHOTOS = 2
    data = gallery_add_data(EventFactory())

    refused = admin_client.post(
        reverse("admin:events_gallery_add"),
        data | {"upload": [image_file(f"{name}.jpg") for name in "abc"]},
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "upload": ["Add up to 2 photos at a time (you chose 3): each is checked while you wait."]
    }
    assert 'value="Guests at the reception"' in refused.content.decode()
    assert not Gallery.objects.exists()
    taken = admin_client.post(
        reverse("admin:events_gallery_add"), data | {"upload": [image_file(f"{name}.jpg") for name in "ab"]}
    )
    assert taken.status_code == 302
    assert Photo.objects.count() == 2


def media_files(settings):
    """The files stored under MEDIA_ROOT, by their path in it."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_save_carrying_more_megapixels_than_one_save_may_is_refused_before_any_is_checked(
    admin_client, settings, monkeypatch
):
    """
    Each photo is checked and re-encoded while the editor waits (5.2 s of CPU for a 40-megapixel WebP): twenty
    took longer than gunicorn's timeout, which killed the worker, and the editor saw an error and lost the save.
    """
    settings.IMAGE_UPLOAD_MAX_MEGAPIXELS_PER_SAVE = 2
    data = gallery_add_data(
        EventFactory(), description="Evening with the partners", upload_credit="Safe Online"
    )

    stored = media_files(settings)  # the event's hero image
    reencoded = []
    monkeypatch.setattr(
        "safedigital.uploads.reencode_image", lambda upload: reencoded.append(upload) or upload
    )

    refused = admin_client.post(
        reverse("admin:events_gallery_add"),
        data
        | {
            "upload": [
                image_file("a.jpg", size=(800, 800)),
                image_file("b.png", (800, 800), image_format="PNG"),
            ]
        },
    )
    assert refused.status_code == 200
    # 0.64 megapixels of JPEG, and 0.64 of PNG counted 16 times.
    assert refused.context["adminform"].form.errors == {
        "upload": [
            "This save carries 11 megapixels of images, counted as JPEG photos (a WebP counts seven times, a PNG "
            "sixteen: they take that much longer to check); at most 2 can be uploaded at once: save them in two "
            "or more goes."
        ]
    }
    page = refused.content.decode()
    for value in (
        "Networking Reception",
        "Evening with the partners",
        "Guests at the reception",
        "Safe Online",
    ):
        assert value in page
    assert "Choose again before you save:\na.jpg, b.png." in page
    spanish = admin_client.post(
        reverse("admin:events_gallery_add"),
        data | {"upload": [image_file("a.webp", (800, 800), image_format="WEBP")]},
        headers={"accept-language": "es"},
    )
    assert (
        "Lo que guarda suma 5 megapíxeles de imágenes, contados como fotos JPEG (una WebP cuenta siete veces, una "
        "PNG dieciséis: tardan tanto más en comprobarse); se pueden subir como máximo 2 a la vez: guárdelas en "
        "dos o más veces." in html.unescape(spanish.content.decode())
    )
    assert reencoded == []
    assert not Gallery.objects.exists() and not Photo.objects.exists()
    assert media_files(settings) == stored

    monkeypatch.undo()
    # Two JPEG photos, 1.28 megapixels: within the budget that one WebP of half that overran.
    taken = admin_client.post(
        reverse("admin:events_gallery_add"),
        data | {"upload": [image_file("a.jpg", size=(800, 800)), image_file("b.jpg", size=(800, 800))]},
    )
    assert taken.status_code == 302
    photos = Photo.objects.all()
    assert [photo.image.width for photo in photos] == [800, 800]
    assert len(media_files(settings)) == len(stored) + sum(
        1 + len(rendition_names(photo.renditions)) for photo in photos
    )


def test_the_photo_rows_count_with_the_gallery_upload_against_a_saves_megapixels(admin_client, settings):
    settings.IMAGE_UPLOAD_MAX_MEGAPIXELS_PER_SAVE = 1
    photo = PhotoFactory(image=image_file("stage.jpg", size=(64, 48)), alt_text="The stage")
    stored = media_files(settings)
    data = gallery_change_data(photo, image=image_file("replaced.jpg", size=(800, 800))) | {
        "upload": [image_file("new.jpg", size=(800, 800))],
        "upload_alt_text": "The panel",
    }

    refused = admin_client.post(reverse("admin:events_gallery_change", args=[photo.gallery_id]), data)

    message = (
        "This save carries 2 megapixels of images, counted as JPEG photos (a WebP counts seven times, a PNG "
        "sixteen: they take that much longer to check); at most 1 can be uploaded at once: save them in two or "
        "more goes."
    )
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"upload": [message]}
    assert refused.context["inline_admin_formsets"][0].formset.errors == [{"image": [message]}]
    photo.refresh_from_db()
    assert photo.image.width == 64
    assert Photo.objects.count() == 1
    assert media_files(settings) == stored

    del data["upload"]
    data["photos-0-image"] = image_file(
        "replaced.jpg", size=(800, 800)
    )  # sent once: the browser chose it again
    taken = admin_client.post(reverse("admin:events_gallery_change", args=[photo.gallery_id]), data)
    assert taken.status_code == 302
    photo.refresh_from_db()
    assert photo.image.width == 800
    assert Photo.objects.count() == 1


def test_gallery_upload_needs_alt_text_and_real_images(admin_client):
    event = EventFactory()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        reverse("admin:events_gallery_add"),
        gallery_add_data(
            event,
            title="Bad",
            upload=[SimpleUploadedFile("fake.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")],
            upload_alt_text="",
        ),
    )

    errors = response.context["adminform"].form.errors
    assert "upload" in errors
    assert not Gallery.objects.exists()


def test_a_form_sent_back_names_the_files_to_choose_again(admin_client):
    # A browser sends chosen files once: the form sent back with an error has none, and saving it again saved
    # the gallery without its photos, with nothing said.
    data = gallery_add_data(EventFactory(), title="")

    with_files = admin_client.post(
        reverse("admin:events_gallery_add"),
        data | {"upload": [image_file("reception.jpg"), image_file("<b>panel.png", image_format="PNG")]},
    )
    without_files = admin_client.post(reverse("admin:events_gallery_add"), data)
    spanish = admin_client.post(
        reverse("admin:events_gallery_add"),
        data | {"upload": [image_file("reception.jpg")]},
        headers={"accept-language": "es"},
    )

    assert with_files.status_code == 200
    assert (
        "Nothing was saved, and a form sent back keeps no chosen file. Choose again before you save:\n"
        "reception.jpg, &lt;b&gt;panel.png."
    ) in with_files.content.decode()
    assert "Choose again" not in without_files.content.decode()
    assert "Vuelva a elegirlos antes de guardar:\nreception.jpg." in spanish.content.decode()
    assert not Gallery.objects.exists()


def test_view_on_site_links_to_the_public_page(admin_client):
    event = EventFactory(slug="bogota-2024")

    content = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert "View on site" in content
    assert event.get_absolute_url() == "/events/bogota-2024/"


@pytest.mark.parametrize("model", ["event", "session"])
def test_a_change_form_address_whose_id_is_not_a_number_says_there_is_no_such_record(admin_client, model):
    # The form's time zone was looked up by that id first: a server error.
    response = admin_client.get(f"/admin/events/{model}/abc/change/", follow=True)

    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        f"{model} with ID “abc” doesn’t exist. Perhaps it was deleted?"
    ]


def test_history_shows_who_changed_what(admin_client, boss):
    event = EventFactory(title="Original", draft=True)

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_change_data(event, title="Renamed")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest = event.history.latest()
    assert (latest.history_type, latest.title, latest.history_user) == ("~", "Renamed", boss)
    assert latest.prev_record.title == "Original"
    history = admin_client.get(reverse("admin:events_event_history", args=[event.pk])).content.decode()
    assert "Renamed" in history
    assert f'<a href="{reverse("admin:auth_user_change", args=[boss.pk])}">boss</a>' in history


def test_history_of_a_theme_records_who_changed_it(admin_client, boss):
    theme = ThemeFactory(name="Safety by design", slug="safety-by-design")

    response = admin_client.post(
        reverse("admin:events_theme_change", args=[theme.pk]),
        {
            "name": "Safety by design",
            "slug": "safety-by-design",
            "description": "Built in, not bolted on.",
            "order": "2",
        },
    )

    assert response.status_code == 302
    latest = theme.history.latest()
    assert (latest.history_type, latest.description, latest.history_user) == (
        "~",
        "Built in, not bolted on.",
        boss,
    )


def test_history_of_partners_and_figures_edited_in_the_event_form_records_who(admin_client, boss):
    event = EventFactory(draft=True)
    partner = EventPartner.objects.create(event=event, organisation=OrganisationFactory(), role="supporting")
    figure = HeadlineFigure.objects.create(event=event, source="countries", label="Countries")
    inlines = {
        "partners": [
            {"id": partner.pk, "event": event.pk, "organisation": partner.organisation_id, "role": "co_host", "order": "1"}
        ],
        "figures": [
            {"id": figure.pk, "event": event.pk, "source": "countries", "label": "Countries represented",
             "suffix": "+", "order": "2"}
        ],
    }  # fmt: skip

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_change_data(event, inlines)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert (partner.history.latest().role, partner.history.latest().history_user) == ("co_host", boss)
    assert (figure.history.latest().label, figure.history.latest().history_user) == (
        "Countries represented",
        boss,
    )


def test_history_of_photos_edited_in_the_gallery_form_records_who(admin_client, boss):
    photo = PhotoFactory(alt_text="People")
    gallery = photo.gallery

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        gallery_change_data(photo, alt_text="Guests talking at the networking reception"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest = photo.history.latest()
    assert (latest.alt_text, latest.history_user) == ("Guests talking at the networking reception", boss)


def test_publishing_an_event_with_a_future_time_says_it_is_scheduled(admin_client, settings):
    settings.TIME_ZONE = "UTC"
    later = EventFactory(
        title="Next summit",
        status=Event.Status.DRAFT,
        publish_at=datetime.datetime(2099, 1, 7, 9, 0, tzinfo=datetime.UTC),
    )
    now = EventFactory(draft=True, title="Ready now")

    response = admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [later.pk, now.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "1 event published.",
        "“Next summit” is scheduled for 7 January 2099, 09:00; it is not public until then.",
    ]
    later.refresh_from_db()
    assert later.status == Event.Status.PUBLISHED and not later.is_public
    assert not Event.objects.published().filter(pk=later.pk).exists()


def test_a_scheduled_events_message_gives_its_publish_time_where_the_event_is(admin_client, settings):
    settings.TIME_ZONE = "UTC"
    event = EventFactory(
        title="Bogotá summit",
        status=Event.Status.DRAFT,
        time_zone="America/Bogota",
        publish_at=datetime.datetime(2099, 1, 7, 14, 0, tzinfo=datetime.UTC),  # entered as 09:00 in Bogotá
    )

    response = admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "“Bogotá summit” is scheduled for 7 January 2099, 09:00; it is not public until then."
    ]


def test_view_on_site_is_offered_for_speakers_with_a_page_only(admin_client):
    named = SpeakerFactory(full_name="Open Person")
    survivor = SpeakerFactory(full_name="Grace Wanjiru Secretname", anonymous=True)

    named_page = admin_client.get(reverse("admin:events_speaker_change", args=[named.pk])).content.decode()
    survivor_page = admin_client.get(
        reverse("admin:events_speaker_change", args=[survivor.pk])
    ).content.decode()

    assert f'<a href="{named.get_absolute_url()}" class="viewsitelink">View on site</a>' in named_page
    assert "View on site" not in survivor_page
    assert "viewsitelink" not in survivor_page


def speaker_form(**values):
    return {
        "full_name": "Wanjiru Kamau",
        "identity": "anonymous",
        "anonymous_descriptor": "Survivor, Kenya",
        "first_name": "",
        "consent_date": "",
        "role_title": "",
        "country": "",
        "bio": "",
        "photo_alt": "",
    } | values


def test_admin_asks_for_the_consent_date_of_an_anonymous_speaker_beside_the_field(admin_client):
    url = reverse("admin:events_speaker_add")

    response = admin_client.post(url, speaker_form())

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "consent_date": [
            "Give the date the speaker agreed to be shown this way (first name only or anonymous)."
        ]
    }
    assert form["full_name"].value() == "Wanjiru Kamau"
    assert "Give the date the speaker agreed to be shown this way" in response.content.decode()
    assert not Speaker.objects.exists()

    response = admin_client.post(url, speaker_form(consent_date="2024-10-01"))

    assert response.status_code == 302
    assert Speaker.objects.get().consent_date == datetime.date(2024, 10, 1)


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


@pytest.mark.parametrize("changelist", ["admin:events_session_changelist", "admin:events_speaker_changelist"])
def test_admin_finds_sessions_and_speakers_by_what_was_said(admin_client, changelist):
    participation = ParticipationFactory(quote="Countries must share best practices")
    ParticipationFactory(quote="Something else entirely")

    response = admin_client.get(reverse(changelist), {"q": "best practices"})

    results = response.context["cl"].result_list
    assert list(results) == [participation.session if "session" in changelist else participation.speaker]


def test_the_event_form_shows_each_rows_choices_with_the_saved_one_selected(admin_client):
    event = EventFactory()
    ResourceFactory(event=event, language="es")
    CountryPledgeFactory(event=event, country="SE", status="delivered")

    content = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    language = re.search(
        r'<select name="resources-0-language"[^>]*>(.*?)</select>', content, re.DOTALL
    ).group(1)
    assert re.findall(r"<option [^>]*selected>([^<]*)<", language) == ["Spanish"]
    assert language.count("<option ") > 90
    pledge = re.search(r'<select name="pledges-0-country"[^>]*>(.*?)</select>', content, re.DOTALL).group(1)
    assert re.findall(r"<option [^>]*selected>([^<]*)<", pledge) == ["Sweden"]
    assert '<option value="delivered" selected>Delivered</option>' in content
    blank_row = re.search(
        r'<select name="pledges-__prefix__-country"[^>]*>(.*?)</select>', content, re.DOTALL
    )
    assert '<option value="" selected>---------</option>' in blank_row.group(1)


def test_an_event_with_many_mentions_can_still_be_saved(admin_client):
    event = EventFactory()
    mentions = MediaMentionFactory.create_batch(120, event=event, outlet=OutletFactory())
    rows = [
        {
            "id": mention.pk,
            "event": event.pk,
            "outlet": mention.outlet_id,
            "headline": mention.headline,
            "link": mention.link,
            "date": mention.date.isoformat(),
            "language": mention.language,
            "kind": mention.kind,
            "reach": "",
        }
        for mention in mentions
    ]

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(event, inlines={"media_mentions": rows}, title="Renamed summit"),
    )

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "Renamed summit"


def test_a_resource_without_file_or_link_is_refused_in_plain_words_once(admin_client):
    event = EventFactory()
    resource = {"kind": "report", "language": "en", "order": "0", "title": "Report", "file": "", "url": ""}

    alone = admin_client.post(reverse("admin:events_resource_add"), {"event": event.pk, **resource})
    inline = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(event, {"resources": [resource]}),
    )

    assert alone.context["adminform"].form.non_field_errors() == ["Give a PDF file or a link."]
    resources = next(fs for fs in inline.context["inline_admin_formsets"] if fs.formset.prefix == "resources")
    assert resources.formset.errors == [{"__all__": ["Give a PDF file or a link."]}]


def test_history_records_a_pledges_themes_and_an_events_pillars(admin_client):
    law, design = ThemeFactory(name="Robust legislation"), ThemeFactory(name="Safety by design")
    pledge = CountryPledgeFactory()
    pledge.themes.set([law])
    event = pledge.event
    event.pillars.set([law])

    admin_client.post(
        reverse("admin:events_countrypledge_change", args=[pledge.pk]),
        {
            "event": event.pk,
            "country": pledge.country.code,
            "pledging_body": pledge.pledging_body,
            "commitment": pledge.commitment,
            "status": pledge.status,
            "themes": [design.pk],
        },
    )
    admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(event, pillars=[law.pk, design.pk]),
    )

    assert [row.theme.name for row in pledge.history.latest().themes.all()] == ["Safety by design"]
    assert sorted(row.theme.name for row in event.history.latest().pillars.all()) == [
        "Robust legislation",
        "Safety by design",
    ]
    history = admin_client.get(reverse("admin:events_countrypledge_history", args=[pledge.pk]))
    changed = [
        change["field"]
        for record in history.context["page_obj"]
        for change in getattr(record, "history_delta_changes", [])
    ]
    assert "Themes" in changed


def changed_fields(admin_client, pledge):
    history = admin_client.get(reverse("admin:events_countrypledge_history", args=[pledge.pk]))
    return [
        change["field"]
        for record in history.context["page_obj"]
        for change in getattr(record, "history_delta_changes", [])
    ]


def test_history_written_before_themes_were_recorded_shows_no_change_of_them_nobody_made(admin_client):
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("events.migrations.0009_backfill_history_of_pillars_and_themes")
    law, design = ThemeFactory(name="Robust legislation"), ThemeFactory(name="Safety by design")
    pledge = CountryPledgeFactory()
    pledge.themes.set([law])
    pledge.event.pillars.set([law])
    # As history was written before migration 0007: records without their themes and pillars.
    apps.get_model("events", "HistoricalCountryPledge_themes").objects.all().delete()
    apps.get_model("events", "HistoricalEvent_pillars").objects.all().delete()

    migration.backfill_themes_and_pillars(apps, connection.schema_editor())
    data = {
        "event": pledge.event_id,
        "country": pledge.country.code,
        "pledging_body": pledge.pledging_body,
        "status": pledge.status,
        "themes": [law.pk],
    }
    url = reverse("admin:events_countrypledge_change", args=[pledge.pk])
    admin_client.post(url, data | {"commitment": "Teach online safety in every school."})

    assert changed_fields(admin_client, pledge) == ["Commitment"]
    assert [row.theme.name for row in pledge.event.history.earliest().pillars.all()] == ["Robust legislation"]

    admin_client.post(
        url, data | {"commitment": "Teach online safety in every school.", "themes": [design.pk]}
    )

    assert "Themes" in changed_fields(admin_client, pledge)


def test_history_names_who_changed_it_without_a_link_editors_may_not_open(client, boss, django_user_model):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("eddie", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    event = EventFactory(draft=True)
    client.force_login(editor)
    client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_change_data(event, title="Renamed")
    )

    history = client.get(reverse("admin:events_event_history", args=[event.pk])).content.decode()

    assert client.get(reverse("admin:auth_user_change", args=[editor.pk])).status_code == 403
    assert reverse("admin:auth_user_change", args=[editor.pk]) not in history
    assert re.search(r"<td>\s*eddie\s*</td>", history)


# Times where the event is: the programme's and the publish time, entered and shown in the event's time zone.


def session_row(session=None, **values):
    row = {"order": "1", "kind": "panel", "title": "Opening plenary"} | values
    return row | ({"id": session.pk, "event": session.event_id} if session else {})


def test_an_editor_enters_the_programme_in_the_events_own_time(admin_client):
    event = EventFactory(
        start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6), time_zone="America/Bogota"
    )
    url = reverse("admin:events_event_change", args=[event.pk])

    response = admin_client.post(
        url,
        event_change_data(
            event,
            {"sessions": [session_row(starts_at_0="2024-11-06", starts_at_1="09:00")]},
            publish_at_0="2024-11-20",
            publish_at_1="08:30",
        ),
    )

    assert response.status_code == 302
    session = event.sessions.get()
    assert session.starts_at == datetime.datetime(2024, 11, 6, 14, 0, tzinfo=datetime.UTC)
    event.refresh_from_db()
    assert event.publish_at == datetime.datetime(2024, 11, 20, 13, 30, tzinfo=datetime.UTC)
    form = admin_client.get(url).content.decode()
    assert 'name="sessions-0-starts_at_1" value="09:00:00"' in form
    assert 'name="publish_at_1" value="08:30:00"' in form
    listed = admin_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "20 November 2024, 08:30 (UTC\u221205:00)" in listed


def test_a_time_zone_changed_in_the_same_save_is_the_one_the_times_are_read_in(admin_client):
    event = EventFactory(start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6))

    admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(
            event,
            {"sessions": [session_row(starts_at_0="2024-11-06", starts_at_1="09:00")]},
            time_zone="Africa/Nairobi",
        ),
    )

    assert event.sessions.get().starts_at == datetime.datetime(2024, 11, 6, 6, 0, tzinfo=datetime.UTC)


def test_a_time_zone_the_machine_does_not_know_is_refused_beside_the_field(admin_client):
    event = EventFactory()

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_change_data(event, time_zone="Bogota")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["time_zone"] == [
        "Bogota is not a time zone. Give one such as America/Bogota or Africa/Nairobi."
    ]


def test_a_sessions_own_form_and_the_session_list_are_in_its_events_time(admin_client):
    event = EventFactory(
        start_date=datetime.date(2024, 11, 6), end_date=datetime.date(2024, 11, 6), time_zone="America/Bogota"
    )
    session = SessionFactory(
        event=event, starts_at=datetime.datetime(2024, 11, 6, 14, 0, tzinfo=datetime.UTC)
    )
    url = reverse("admin:events_session_change", args=[session.pk])

    assert 'name="starts_at_1" value="09:00:00"' in admin_client.get(url).content.decode()
    listed = admin_client.get(reverse("admin:events_session_changelist")).content.decode()
    assert "6 November 2024, 09:00 (UTC\u221205:00)" in listed


def test_an_earlier_version_to_revert_to_is_shown_in_its_events_time(admin_client):
    event = EventFactory(
        start_date=datetime.date(2024, 11, 6),
        end_date=datetime.date(2024, 11, 6),
        time_zone="America/Bogota",
        publish_at=datetime.datetime(2024, 11, 20, 13, 30, tzinfo=datetime.UTC),  # 08:30 in Bogotá
    )
    session = SessionFactory(
        event=event, starts_at=datetime.datetime(2024, 11, 6, 14, 0, tzinfo=datetime.UTC)
    )
    event_version = event.history.latest()
    event.time_zone = "Africa/Nairobi"  # changed since: the version is shown in the zone it was in
    event.save()
    session_version = session.history.latest()

    event_url = reverse("admin:events_event_simple_history", args=[event.pk, event_version.history_id])
    session_url = reverse(
        "admin:events_session_simple_history", args=[session.pk, session_version.history_id]
    )

    assert 'name="publish_at_1" value="08:30:00"' in admin_client.get(event_url).content.decode()
    assert 'name="starts_at_1" value="17:00:00"' in admin_client.get(session_url).content.decode()  # Nairobi

    # Reverting with the times as shown keeps the moments.
    response = admin_client.post(
        event_url, event_change_data(event_version.instance, publish_at_0="2024-11-20", publish_at_1="08:30")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.time_zone, event.publish_at) == (
        "America/Bogota",
        datetime.datetime(2024, 11, 20, 13, 30, tzinfo=datetime.UTC),
    )


def session_change_data(session, participations):
    """The session's admin change form as a browser sends it back, with these participant rows."""
    data = {
        "event": session.event_id,
        "kind": session.kind,
        "title": session.title,
        "summary": session.summary,
        "order": session.order,
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "participations-TOTAL_FORMS": str(len(participations)),
        "participations-INITIAL_FORMS": str(sum(1 for row in participations if row.get("id"))),
    }
    for number, row in enumerate(participations):
        row = {"session": session.pk, "role": "panellist", "order": number} | row
        data |= {f"participations-{number}-{name}": value for name, value in row.items()}
    return data


def participant_row_errors(response):
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return formset.non_form_errors(), [
        {name: list(errors) for name, errors in form.errors.items()} for form in formset.forms
    ]


def test_a_speaker_added_twice_to_a_session_is_named_beside_the_second_row(admin_client):
    session = SessionFactory()
    speaker = SpeakerFactory(full_name="Amina Diallo")

    response = admin_client.post(
        reverse("admin:events_session_change", args=[session.pk]),
        session_change_data(session, [{"speaker": speaker.pk}, {"speaker": speaker.pk, "role": "moderator"}]),
    )

    assert response.status_code == 200
    assert participant_row_errors(response) == (
        [],
        [{}, {"speaker": ["“Amina Diallo” is already in this session."]}],
    )
    content = response.content.decode()
    assert "<li>“Amina Diallo” is already in this session.</li>" in content
    assert "Please correct the duplicate" not in content
    assert not session.participations.exists()


def test_a_speaker_added_again_to_a_session_they_are_in_is_named(admin_client):
    stored = ParticipationFactory(speaker=SpeakerFactory(full_name="Amina Diallo"))
    session = stored.session

    response = admin_client.post(
        reverse("admin:events_session_change", args=[session.pk]),
        session_change_data(
            session,
            [
                {"id": stored.pk, "speaker": stored.speaker_id},
                {"speaker": stored.speaker_id, "role": "moderator"},
            ],
        ),
    )

    assert response.status_code == 200
    assert participant_row_errors(response) == (
        [],
        [{}, {"speaker": ["“Amina Diallo” is already in this session."]}],
    )
    assert list(session.participations.all()) == [stored]


def test_a_speaker_whose_row_is_deleted_may_be_added_again_in_the_same_save(admin_client):
    stored = ParticipationFactory(speaker=SpeakerFactory(full_name="Amina Diallo"), quote="Children first.")
    session = stored.session

    response = admin_client.post(
        reverse("admin:events_session_change", args=[session.pk]),
        session_change_data(
            session,
            [
                {"id": stored.pk, "speaker": stored.speaker_id, "quote": "Children first.", "DELETE": "on"},
                {"speaker": stored.speaker_id, "role": "moderator"},
            ],
        ),
    )

    assert response.status_code == 302
    assert list(session.participations.values_list("speaker__full_name", "role", "order", "quote")) == [
        ("Amina Diallo", "moderator", 1, "")
    ]
    assert not session.participations.filter(pk=stored.pk).exists()


def test_a_stored_row_may_take_the_speaker_of_a_row_deleted_before_it(admin_client):
    session = SessionFactory()
    amina = ParticipationFactory(session=session, order=0, speaker=SpeakerFactory(full_name="Amina Diallo"))
    other = ParticipationFactory(session=session, order=1)

    response = admin_client.post(
        reverse("admin:events_session_change", args=[session.pk]),
        session_change_data(
            session,
            [
                {"id": amina.pk, "speaker": amina.speaker_id, "DELETE": "on"},
                {"id": other.pk, "speaker": amina.speaker_id, "role": "moderator"},
            ],
        ),
    )

    assert response.status_code == 302
    assert list(session.participations.values_list("pk", "speaker__full_name", "role")) == [
        (other.pk, "Amina Diallo", "moderator")
    ]


def test_a_speaker_added_to_the_session_since_the_form_was_opened_is_named(admin_client):
    stored = ParticipationFactory(speaker=SpeakerFactory(full_name="Amina Diallo"))
    session = stored.session

    # The form was opened with no participant; another editor has added Amina Diallo since.
    response = admin_client.post(
        reverse("admin:events_session_change", args=[session.pk]),
        session_change_data(session, [{"speaker": stored.speaker_id, "role": "moderator"}]),
    )

    assert response.status_code == 200
    assert participant_row_errors(response) == (
        [],
        [{"speaker": ["“Amina Diallo” is already in this session."]}],
    )
    assert list(session.participations.all()) == [stored]


def test_two_stored_rows_exchanging_their_speakers_are_refused_not_an_error_page(admin_client):
    session = SessionFactory()
    first = ParticipationFactory(session=session, order=0, speaker=SpeakerFactory(full_name="Amina Diallo"))
    second = ParticipationFactory(session=session, order=1, speaker=SpeakerFactory(full_name="Lucía Vega"))

    # Saved one after the other, the first row would hold Lucía Vega while the second still does.
    response = admin_client.post(
        reverse("admin:events_session_change", args=[session.pk]),
        session_change_data(
            session,
            [
                {"id": first.pk, "speaker": second.speaker_id},
                {"id": second.pk, "speaker": first.speaker_id},
            ],
        ),
    )

    assert response.status_code == 200
    assert participant_row_errors(response) == (
        [],
        [
            {"speaker": ["“Lucía Vega” is already in this session."]},
            {"speaker": ["“Amina Diallo” is already in this session."]},
        ],
    )
    assert list(session.participations.values_list("pk", "speaker_id")) == [
        (first.pk, first.speaker_id),
        (second.pk, second.speaker_id),
    ]


def test_a_pledge_added_in_the_events_form_needs_its_commitment(client, django_user_model):
    editor = django_user_model.objects.create_user("eddie", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    pledge = {"country": "CO", "pledging_body": "Ministry of ICT", "status": "pledged", "pledged_on": ""}

    response = client.post(url, event_change_data(event, {"pledges": [pledge]}))

    assert response.status_code == 200
    (pledges,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "pledges"
    ]
    assert pledges.errors == [{"commitment": ["This field is required."]}]
    assert not event.pledges.exists()

    commitment = "Pass a law requiring safety by design."
    response = client.post(url, event_change_data(event, {"pledges": [pledge | {"commitment": commitment}]}))

    assert response.status_code == 302
    assert list(event.pledges.values_list("commitment", flat=True)) == [commitment]


def test_gallery_upload_of_several_photos_names_each_file_it_refuses(admin_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 2 * 1_048_576
    event = EventFactory()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        reverse("admin:events_gallery_add"),
        gallery_add_data(
            event,
            upload=[
                image_file("stage.jpg"),
                SimpleUploadedFile("notes.jpg", b"minutes of the meeting", content_type="image/jpeg"),
                SimpleUploadedFile("huge.jpg", b"\xff" * 2_621_440, content_type="image/jpeg"),
            ],
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "upload": [
            "“notes.jpg”: This file is not a complete JPEG, PNG or WebP image.",
            "“huge.jpg”: This image is 2.5 MB; the limit is 2.0 MB.",
        ]
    }
    assert 'value="Guests at the reception"' in response.content.decode()
    assert not Gallery.objects.exists()


def test_a_figure_already_on_the_event_is_named_beside_its_choice(admin_client):
    # Django's own: "Headline figure with this Event and Figure already exists.", above the whole row.
    event = EventFactory()
    figure = HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.SPEAKERS, label="Speakers")
    rows = [
        {"id": figure.pk, "event": event.pk, "source": "speakers", "label": "Speakers", "order": "0"},
        {"event": event.pk, "source": "speakers", "label": "Voices", "order": "1"},
    ]

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_change_data(event, {"figures": rows})
    )

    new_row = response.context["inline_admin_formsets"][1].formset.forms[1]
    assert new_row.errors == {"source": ["“Speakers (counted)” is already among this event's figures."]}
    assert new_row["label"].value() == "Voices"
    assert list(event.figures.values_list("label", flat=True)) == ["Speakers"]


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("en", "“Speakers (counted)” is already among this event's figures."),
        ("es", "«Ponentes (contados)» ya está entre las cifras de este evento."),
    ],
)
def test_two_new_figures_that_repeat_each_other_are_told_beside_the_second(admin_client, language, told):
    # Django's own: "Please correct the duplicate data for source." above the table, in English whatever the
    # admin's language, and "Please correct the duplicate values below." above the row.
    event = EventFactory()
    rows = [
        {"event": event.pk, "source": "speakers", "label": "Speakers", "order": "0"},
        {"event": event.pk, "source": "speakers", "label": "Voices", "order": "1"},
    ]

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(event, {"figures": rows}),
        headers={"accept-language": language},
    )

    formset = response.context["inline_admin_formsets"][1].formset
    assert [form.errors for form in formset.forms] == [{}, {"source": [told]}]
    assert formset.non_form_errors() == []
    assert not event.figures.exists()


def test_a_partner_given_twice_is_named_beside_the_second_row(admin_client):
    # Django's own: "Please correct the duplicate data for organisation." above the table.
    event = EventFactory()
    organisation = OrganisationFactory(name="Brave Movement")
    rows = [
        {"event": event.pk, "organisation": organisation.pk, "role": "co_host", "order": "0"},
        {"event": event.pk, "organisation": organisation.pk, "role": "supporting", "order": "1"},
    ]

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(event, {"partners": rows}),
        headers={"accept-language": "es"},
    )

    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.errors for form in formset.forms] == [
        {},
        {"organisation": ["«Brave Movement» ya está entre los aliados de este evento."]},
    ]
    assert not event.partners.exists()


def test_each_themes_order_box_in_the_list_is_named_by_its_theme(admin_client):
    # The list's order boxes had no label: a screen reader read "spin button, 1" for each (WCAG 4.1.2).
    ThemeFactory(name="Safety by design", order=2)

    content = admin_client.get(reverse("admin:events_theme_changelist")).content.decode()

    (box,) = re.findall(r'<input[^>]* name="form-0-order"[^>]*>', content)
    assert 'aria-label="Order: Safety by design"' in box


def test_a_figure_whose_row_is_deleted_may_be_added_again_in_the_same_save(admin_client):
    # Checked row by row against the database, the new row was refused: the deleted one was still there.
    event = EventFactory()
    figure = HeadlineFigureFactory(event=event, source=HeadlineFigure.Source.SPEAKERS, label="Speakers")
    rows = [
        {
            "id": figure.pk,
            "event": event.pk,
            "source": "speakers",
            "label": "Speakers",
            "order": "0",
            "DELETE": "on",
        },
        {"event": event.pk, "source": "speakers", "label": "Voices", "order": "1"},
    ]

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_change_data(event, {"figures": rows})
    )

    assert response.status_code == 302
    assert list(event.figures.values_list("label", flat=True)) == ["Voices"]


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("session", lambda: SessionFactory(title="Diálogo con jóvenes")),
        ("countrypledge", lambda: CountryPledgeFactory(pledging_body="Ministerio de Educación")),
        ("video", lambda: VideoFactory(title="Voces de sobrevivientes", transcript="Hablé con mi familia.")),
        ("gallery", lambda: GalleryFactory(title="Recepción en Bogotá")),
        ("resource", lambda: ResourceFactory(title="Declaración de Bogotá")),
        ("theme", lambda: ThemeFactory(name="Financiación sostenible")),
    ],
)
def test_every_editors_list_is_searched_without_accents_too(admin_client, model, make):
    """Sessions, pledges, films, galleries, resources and themes needed the exact accents, as the speakers' did."""
    made = make()
    url = reverse(f"admin:events_{model}_changelist")
    term = {
        "session": "dialogo jovenes",
        "countrypledge": "educacion",
        "video": "hable con mi familia",
        "gallery": "recepcion bogota",
        "resource": "declaracion",
        "theme": "financiacion",
    }[model]

    found = admin_client.get(url, {"q": term}).context["cl"].result_list

    assert list(found) == [made]


def test_the_editors_searches_ignore_accents(admin_client):
    # "gronwall" typed in a session's participant found nobody: speakers, organisations and events from many
    # languages are found as the enquiries are, with or without their accents.
    SpeakerFactory(full_name="Camilla Waltersson Grönwall")
    OrganisationFactory(name="Fundación Niñez Segura")
    EventFactory(title="Safe Digital Futures", city="Bogotá")

    def found(model, term):
        response = admin_client.get(reverse(f"admin:events_{model}_changelist") + f"?q={term}")
        return [str(row) for row in response.context["cl"].result_list]

    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "gronwall", "app_label": "events", "model_name": "participation", "field_name": "speaker"},
    )

    assert [result["text"] for result in autocomplete.json()["results"]] == ["Camilla Waltersson Grönwall"]
    assert found("speaker", "Gronwall") == ["Camilla Waltersson Grönwall"]
    assert found("organisation", "fundacion ninez") == ["Fundación Niñez Segura"]
    assert found("event", "bogota") == ["Safe Digital Futures"]
    assert found("event", "Bogotá") == ["Safe Digital Futures"]


def test_publishing_for_a_later_time_on_the_events_page_says_it_is_scheduled(admin_client):
    # The publish action said so; the event's own page said only "changed successfully", and the list "Published".
    event = EventFactory(draft=True, title="Nairobi Dialogue", time_zone="Africa/Nairobi")

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(event, status="published", publish_at_0="2030-01-01", publish_at_1="10:00"),
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert (
        "“Nairobi Dialogue” is scheduled for 1 January 2030, 10:00; it is not public until then." in messages
    )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and not event.is_public


def test_the_pledges_are_found_by_their_countrys_name(admin_client):
    # The pledges' search read the pledging body, the commitment and the event, not the country each is of.
    CountryPledgeFactory(country="BR", pledging_body="Ministry of Human Rights")
    CountryPledgeFactory(country="CO", pledging_body="Ministerio TIC")
    url = reverse("admin:events_countrypledge_changelist")

    def found(term, language="en"):
        response = admin_client.get(url, {"q": term}, headers={"accept-language": language})
        return [pledge.pledging_body for pledge in response.context["cl"].result_list]

    assert found("brazil") == ["Ministry of Human Rights"]
    assert found("Brasil", "es") == ["Ministry of Human Rights"]
    assert found("colombia") == ["Ministerio TIC"]
    assert found("ministerio") == ["Ministerio TIC"]


def test_the_slugs_help_shows_the_address_it_describes(admin_client):
    # The admin shows help text as HTML: "/events/<slug>/" read as a tag and showed editors "/events//.".
    event = EventFactory()

    url = reverse("admin:events_event_change", args=[event.pk])

    english = html.unescape(admin_client.get(url).content.decode())
    spanish = html.unescape(admin_client.get(url, headers={"accept-language": "es"}).content.decode())

    assert "The end of the event's address, as in /events/safe-digital-futures/." in english
    assert "El final de la dirección del evento, como en /events/safe-digital-futures/." in spanish


def test_each_field_in_a_tabular_inlines_rows_is_named_by_its_column(admin_client):
    # Django heads the columns but labels no field in the rows: a screen reader named each by its kind alone.
    event = EventFactory()
    EventPartner.objects.create(event=event, organisation=OrganisationFactory(), role="co_host", order=1)
    HeadlineFigureFactory(event=event)
    CountryPledgeFactory(event=event)
    MediaMentionFactory(event=event)
    session = SessionFactory(event=event)
    ParticipationFactory(session=session)
    gallery = GalleryFactory(event=event)
    PhotoFactory(gallery=gallery)

    for url in [
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_session_change", args=[session.pk]),
        reverse("admin:events_gallery_change", args=[gallery.pk]),
    ]:
        inlines = tabular_inline_fields(admin_client.get(url))
        assert inlines, url
        for inline in inlines:
            assert inline["fields"], (url, inline["headings"])
            for name, label in inline["fields"]:
                assert label, (url, name)
                assert label in [*inline["headings"], "Delete"], (url, name, label)
