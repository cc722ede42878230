"""Time zones of events: which there are, checking one, and an offset as a person reads it ("UTC−05:00")."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def time_zones():
    """The IANA time zones this machine knows, sorted: "Africa/Abidjan" … "UTC"."""
    return sorted(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in time_zones():
        raise ValidationError(
            _("%(value)s is not a time zone. Give one such as America/Bogota or Africa/Nairobi."),
            code="invalid_time_zone",
            params={"value": value},
        )


def utc_offset(moment):
    """An aware datetime's offset from UTC as a person reads it: "UTC−05:00", "UTC+03:00", or "UTC"."""
    minutes = int(moment.utcoffset().total_seconds()) // 60
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"  # a minus sign, which screen readers read as "minus"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
