"""
`manage.py check --deploy`: production settings that start a site which works, but not as the operator meant.
Warnings, not errors: the site serves its pages all the same.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register
from django.http.request import validate_host


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    """The enquiry e-mails link to SITE_URL: the record in the admin (the team's), the privacy notice (the donor's)."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme == "https" and parts.hostname and validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: the links in the enquiry e-mails (the record in the admin, the "
            "privacy notice) lead there.",
            hint="Set SITE_URL to the site's public address, https:// and a host in ALLOWED_HOSTS "
            "(e.g. https://safedigital.example).",
            id="safedigital.W001",
        )
    ]


@register(deploy=True)
def check_proxy_count(app_configs, **kwargs):
    """
    SECURE_PROXY_SSL_HEADER says a proxy is in front; with PROXY_COUNT at 0 every request seems to come from it: the
    login lock-outs and the enquiry form's rate limit would count all visitors as one.
    """
    if settings.SECURE_PROXY_SSL_HEADER is None or settings.PROXY_COUNT:
        return []
    return [
        Warning(
            "PROXY_COUNT is 0 while SECURE_PROXY_SSL_HEADER says a proxy is in front: every visitor would have the "
            "proxy's address, so five failed logins from anyone would lock a staff member out for everyone, and "
            "the enquiry form's rate limit would count all visitors as one.",
            hint="Set PROXY_COUNT to the number of proxies in front that add to X-Forwarded-For (usually 1).",
            id="safedigital.W002",
        )
    ]
