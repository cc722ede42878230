"""
Gallery photos added several at a time are resized by the task worker (production: tasks kept in the database),
so the editor waits only while each is checked; the highlights page leaves a photo out until it is resized.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from events.models import Gallery, Photo
from events.tasks import make_photo_renditions
from tests.factories import EventFactory, GalleryFactory, PhotoFactory, image_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def tasks_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


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
    admin_client, client, settings
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

    run_worker()

    assert all(photo.renditions["jpeg"] for photo in gallery.photos.all())
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    after = client.get(event.get_absolute_url()).content.decode()
    assert "Networking Reception" in after
    assert after.count(' alt="Guests at the reception"') == 2


def test_a_photo_deleted_before_the_worker_came_is_left_alone():
    photo = PhotoFactory.build(gallery=GalleryFactory())
    photo.save(renditions=False)
    make_photo_renditions.enqueue(photo.pk)
    photo.delete()

    run_worker()

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
