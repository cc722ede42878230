"""`manage.py check --deploy`: the enquiry e-mails' settings (see safedigital.checks for the site's own)."""

from django.core.checks import Warning, register

from .emails import fundraising_recipients
from .models import SupportKind


@register(deploy=True)
def check_fundraising_emails(app_configs, **kwargs):
    """Each new enquiry is e-mailed to the fundraising team; with no address for its kind, nobody hears of it."""
    untold = [kind for kind in SupportKind.values if not fundraising_recipients(kind)]
    if not untold:
        return []
    return [
        Warning(
            "FUNDRAISING_EMAILS is empty: nobody is told of a new enquiry"
            + (f" of these kinds: {', '.join(untold)}." if len(untold) < len(SupportKind.values) else "."),
            hint="Set FUNDRAISING_EMAILS to the fundraising team's addresses (comma-separated).",
            id="donations.W001",
        )
    ]
