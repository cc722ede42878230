"""
The enquiries' search ignores accents ("lucia" finds "Lucía"): on PostgreSQL through the unaccent extension, which
this creates unless it is there already (it is a trusted extension, so the database's owner may create it; where
the site's role may not, a superuser can run CREATE EXTENSION unaccent once beforehand). Nothing on SQLite, where
each connection gets its own UNACCENT (safedigital/lookups.py).
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0002_enquiry_numbers_in_admin_log"),
    ]

    operations = [
        UnaccentExtension(),
    ]
