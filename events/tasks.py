"""
Gallery photos' renditions as a task of Django's tasks framework, so that an editor adding many photos at once
waits only for each to be checked, not resized.

In production the task is a row in the database (django-tasks-db), queued in the same transaction as the photo,
and `manage.py db_worker` (the worker that sends the e-mails) makes the renditions; until it has, the highlights
page leaves the photo out. In development and in the tests the immediate backend makes them at once.
"""

from django.tasks import task

from .models import Photo


@task
def make_photo_renditions(photo_id):
    """The renditions of a photo stored without them (GalleryAdmin's upload of several photos)."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is not None:  # not deleted meanwhile
        photo.update_renditions()
