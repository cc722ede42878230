"""
The enquiries' search ignores accents ("lucia" finds "Lucía"): on PostgreSQL through the unaccent extension, which
this creates unless it is there already (it is a trusted extension, so the database's owner may create it; where
the site's role may not, a superuser can run CREATE EXTENSION unaccent once beforehand). Nothing on SQLite, where
each connection gets its own UNACCENT (safedigital/lookups.py).

Migrating back leaves the extension in place: it may be a superuser's, which the site's role may not drop (Django's
own operation tried, and stopped with "must be owner of extension unaccent"), and left there it harms nothing.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class CreateUnaccentExtension(UnaccentExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Creates extension unaccent (left in place when migrating back)"


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0002_enquiry_numbers_in_admin_log"),
    ]

    operations = [
        CreateUnaccentExtension(),
    ]
