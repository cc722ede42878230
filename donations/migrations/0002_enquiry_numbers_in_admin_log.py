"""
The admin's change log named each enquiry by its donor ("Ana María Gómez (Fundación Horizonte)"), as
DonationEnquiry.__str__ did; it now holds the enquiry's number, like every entry written from now on.
"""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat

# Entries already scrubbed by anonymise() and purge() keep their label.
SCRUBBED = ("Anonymised enquiry #", "Deleted enquiry #")


def number_the_enquiries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    content_type = ContentType.objects.filter(app_label="donations", model="donationenquiry").first()
    if content_type is None:
        return
    entries = LogEntry.objects.filter(content_type=content_type)
    for label in SCRUBBED:
        entries = entries.exclude(object_repr__startswith=label)
    entries.update(object_repr=Concat(Value("Enquiry #"), "object_id", output_field=models.CharField()))


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(number_the_enquiries, migrations.RunPython.noop)]
