from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def signed_percent(value):
    """82 -> “+82 %”, -12 -> “−12 %” (with a no-break space before the sign of per cent)."""
    if value is None or value == "":
        return ""
    value = int(value)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{intcomma(abs(value))}\u00a0%"
