"""
Gallery photos added several at a time are resized by the task worker (production: tasks kept in the database),
so the editor waits only while each is checked; the highlights page leaves a photo out until it is resized.
"""

import pytest
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from events.models import Event, Gallery, Photo
from events.tasks import make_photo_renditions
from safedigital.uploads import rendition_names
from tests.factories import EventFactory, GalleryFactory, PhotoFactory, image_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("task_worker")]


def add_photos(client, event, *names):
    return client.post(
        reverse("admin:events_gallery_add"),
        {
            "event": event.pk,
            "title": "Networking Reception",
            "order": "1",
            "upload": [image_file(name) for name in names],
            "upload_alt_text": "Guests at the reception",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
        follow=True,
    )


def test_photos_added_together_reach_the_page_once_the_worker_has_resized_them(
    admin_client, client, settings, task_worker
):
    settings.PAGE_CACHE_SECONDS = (
        600  # the page visitors see is the stored one: it must not stay without them
    )
    event = EventFactory()

    response = add_photos(admin_client, event, "a.jpg", "b.jpg")

    assert "2 photos added. They appear on the page once they are resized, within a minute." in [
        str(message) for message in response.context["messages"]
    ]
    gallery = Gallery.objects.get()
    assert [photo.renditions for photo in gallery.photos.all()] == [{}, {}]
    assert DBTaskResult.objects.count() == 2
    change_page = admin_client.get(reverse("admin:events_gallery_change", args=[gallery.pk])).content.decode()
    assert change_page.count("Being resized: not on the page yet.") == 2
    before = client.get(event.get_absolute_url()).content.decode()
    assert "Networking Reception" not in before
    assert "Guests at the reception" not in before

    task_worker()

    assert all(photo.renditions["jpeg"] for photo in gallery.photos.all())
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    after = client.get(event.get_absolute_url()).content.decode()
    assert "Networking Reception" in after
    assert after.count(' alt="Guests at the reception"') == 2


def test_a_photo_deleted_before_the_worker_came_is_left_alone(task_worker):
    photo = PhotoFactory.build(gallery=GalleryFactory())
    photo.save(renditions=False)
    make_photo_renditions.enqueue(photo.pk)
    photo.delete()

    task_worker()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not Photo.objects.exists()


def test_renditions_of_an_image_replaced_meanwhile_are_not_kept(tmp_path):
    photo = PhotoFactory.build(gallery=GalleryFactory())
    photo.save(renditions=False)
    waiting = Photo.objects.get(pk=photo.pk)  # as the worker loads it
    photo.image = image_file("replacement.jpg", size=(80, 60))
    photo.save()  # the editor replaces the image: resized at once, as any single image is
    replaced = Photo.objects.get(pk=photo.pk).renditions
    files = sorted((tmp_path / "media" / "renditions").iterdir())

    waiting.update_renditions()

    assert Photo.objects.get(pk=photo.pk).renditions == replaced
    assert replaced["source"] == photo.image.name and replaced["width"] == 80
    # What it made of the old image is deleted again: no file is left that nothing names.
    assert sorted((tmp_path / "media" / "renditions").iterdir()) == files


def edit_alt_texts(client, gallery, alt_text):
    """The editor's next step after an upload ('edit each afterwards'): the gallery's page, each alt text."""
    photos = list(gallery.photos.all())
    data = {
        "event": gallery.event_id,
        "title": gallery.title,
        "order": gallery.order,
        "description": "",
        "upload_alt_text": "",
        "upload_credit": "",
        "photos-TOTAL_FORMS": str(len(photos)),
        "photos-INITIAL_FORMS": str(len(photos)),
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }
    for number, photo in enumerate(photos):
        data |= {
            f"photos-{number}-id": photo.pk,
            f"photos-{number}-gallery": gallery.pk,
            f"photos-{number}-alt_text": f"{alt_text} {number}",
            f"photos-{number}-caption": "",
            f"photos-{number}-credit": "",
            f"photos-{number}-order": photo.order,
        }
    response = client.post(reverse("admin:events_gallery_change", args=[gallery.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def rendition_files(tmp_path):
    folder = tmp_path / "media" / "renditions"
    return {f"renditions/{path.name}" for path in folder.iterdir()} if folder.exists() else set()


def named_renditions():
    stored = [*Photo.objects.values_list("renditions", flat=True)]
    stored += Event.objects.values_list("hero_renditions", flat=True)
    return {name for renditions in stored for name in rendition_names(renditions)}


def test_editing_a_photo_while_the_worker_resizes_it_leaves_no_rendition_files_behind(admin_client, tmp_path):
    event = EventFactory()
    add_photos(admin_client, event, "a.jpg")
    gallery = Gallery.objects.get()
    waiting = Photo.objects.get()  # the worker has picked its task and loaded the photo

    edit_alt_texts(admin_client, gallery, "Guests toasting")  # the editor saves its alt text meanwhile
    waiting.update_renditions()  # the worker finishes resizing

    assert rendition_files(tmp_path) == named_renditions()


def test_a_photo_whose_resizing_failed_is_not_left_off_the_page_while_the_admin_says_it_is_being_resized(
    admin_client, client, monkeypatch, task_worker
):
    import safedigital.uploads

    real = safedigital.uploads.make_renditions
    attempts = []

    def fails_once(field_file, *args, **kwargs):  # e.g. the media storage did not answer, once
        attempts.append(field_file.name)
        if [name for name in attempts if name.startswith("photos/")] == [field_file.name]:
            raise OSError("storage unavailable")
        return real(field_file, *args, **kwargs)

    monkeypatch.setattr(safedigital.uploads, "make_renditions", fails_once)
    event = EventFactory()
    add_photos(admin_client, event, "a.jpg")
    gallery = Gallery.objects.get()
    task_worker()
    assert DBTaskResult.objects.get().status == "FAILED"  # once, and never tried again
    # The editor, seeing nothing on the page, saves the gallery again; the worker keeps running.
    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        {
            "event": event.pk,
            "title": gallery.title,
            "order": gallery.order,
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": Photo.objects.get().pk,
            "photos-0-gallery": gallery.pk,
            "photos-0-alt_text": "Guests at the reception",
            "photos-0-order": Photo.objects.get().order,
        },
    )
    assert response.status_code == 302
    task_worker()

    on_page = ' alt="Guests at the reception"' in client.get(event.get_absolute_url()).content.decode()
    admin_page = admin_client.get(reverse("admin:events_gallery_change", args=[gallery.pk])).content.decode()
    assert on_page or "Being resized: not on the page yet." not in admin_page


def test_an_editors_save_of_a_photo_loaded_before_the_worker_stored_its_renditions_keeps_them(tmp_path):
    photo = PhotoFactory.build(gallery=GalleryFactory())
    photo.save(renditions=False)
    editors = Photo.objects.get(pk=photo.pk)  # the editor's form loads the photo, still without renditions
    Photo.objects.get(pk=photo.pk).update_renditions()  # the worker stores them
    stored = Photo.objects.get(pk=photo.pk).renditions
    files = sorted((tmp_path / "media" / "renditions").iterdir())

    editors.alt_text = "Guests toasting"
    editors.save()

    saved = Photo.objects.get(pk=photo.pk)
    assert (saved.alt_text, saved.renditions) == ("Guests toasting", stored)
    assert sorted((tmp_path / "media" / "renditions").iterdir()) == files


def test_an_image_replaced_in_a_change_that_is_rolled_back_keeps_its_renditions(tmp_path):
    photo = PhotoFactory(gallery=GalleryFactory())
    shown = named_renditions()
    assert set(rendition_names(photo.renditions)) and shown <= rendition_files(tmp_path)

    with pytest.raises(RuntimeError), transaction.atomic():
        photo.image = image_file("replacement.jpg")
        photo.save()  # the new renditions are made and stored, in the transaction
        raise RuntimeError("the rest of the editor's change failed")

    # The page's images are all still there. (The files made for the replacement are left behind.)
    assert named_renditions() == shown
    assert shown <= rendition_files(tmp_path)


def test_an_image_replaced_keeps_no_files_of_its_old_renditions(tmp_path):
    photo = PhotoFactory(gallery=GalleryFactory())
    old = set(rendition_names(photo.renditions))

    with transaction.atomic():
        photo.image = image_file("replacement.jpg")
        photo.save()
        assert old <= rendition_files(tmp_path)  # pages rendered before the commit show the old ones

    assert rendition_files(tmp_path) == named_renditions()
    assert not old & rendition_files(tmp_path)
