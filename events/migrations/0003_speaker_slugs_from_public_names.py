"""
Speakers saved before the slug followed every change of public name may still carry a withheld name in their
address (created as "Jane Doe", then shown by first name only, kept /speakers/jane-doe/). Each slug that is not
made from the speaker's current public name is made again, the way Speaker.save() makes it now.
"""

import re

from django.db import migrations
from django.utils.text import slugify


def public_name(speaker):
    """Speaker.public_name, for the historical model (which has no properties)."""
    if speaker.identity == "anonymous":
        return speaker.anonymous_descriptor
    if speaker.identity == "first":
        return speaker.first_name
    return speaker.full_name


def remake_slugs(apps, schema_editor):
    Speaker = apps.get_model("events", "Speaker")
    taken = set(Speaker.objects.values_list("slug", flat=True))
    for speaker in Speaker.objects.order_by("pk"):
        base = slugify(public_name(speaker))[:200] or "speaker"
        if re.fullmatch(rf"{re.escape(base)}(-\d+)?", speaker.slug):
            continue
        taken.discard(speaker.slug)
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        Speaker.objects.filter(pk=speaker.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_checked_image_fields"),
    ]

    operations = [
        migrations.RunPython(remake_slugs, migrations.RunPython.noop),
    ]
