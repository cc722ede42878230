"""
History records written before 0007 hold no themes (pledges) or pillars (events): the first edit of each record
after it showed a change of them that nobody made ("Themes: [] → [Robust legislation]"). Those records get the
themes and pillars as they are now, the best that is known of them, so that a change is shown only where one was
made after 0007. Records written since (the first record holding any) are left as they are.
"""

from django.db import migrations


def backfill(apps, model_name, m2m_name, owner_name):
    Historical = apps.get_model("events", f"Historical{model_name}")
    HistoricalM2M = apps.get_model("events", f"Historical{model_name}_{m2m_name}")
    Through = apps.get_model("events", model_name)._meta.get_field(m2m_name).remote_field.through
    tracked = HistoricalM2M.objects.order_by("history__history_date").values_list(
        "history__history_date", flat=True
    )
    first_tracked = tracked.first()
    untracked = Historical.objects.exclude(history_id__in=HistoricalM2M.objects.values("history_id"))
    if first_tracked is not None:
        untracked = untracked.filter(history_date__lt=first_tracked)
    current = {}
    for row in Through.objects.values("id", f"{owner_name}_id", "theme_id"):
        current.setdefault(row[f"{owner_name}_id"], []).append(row)
    HistoricalM2M.objects.bulk_create(
        [
            HistoricalM2M(
                id=row["id"],
                history_id=record.history_id,
                theme_id=row["theme_id"],
                **{f"{owner_name}_id": record.id},
            )
            for record in untracked.only("history_id", "id").iterator()
            for row in current.get(record.id, [])
        ],
        batch_size=500,
    )


def backfill_themes_and_pillars(apps, schema_editor):
    backfill(apps, "CountryPledge", "themes", "countrypledge")
    backfill(apps, "Event", "pillars", "event")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_event_time_zone"),
    ]

    operations = [
        migrations.RunPython(backfill_themes_and_pillars, migrations.RunPython.noop),
    ]
