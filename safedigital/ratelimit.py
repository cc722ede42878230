"""What django-ratelimit needs from the project: the client's address and the page a limited request gets."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """
    The address the request came from. Behind PROXY_COUNT trusted proxies it is the address the outermost
    of them saw (the PROXY_COUNT-th from the right of X-Forwarded-For); otherwise REMOTE_ADDR.
    """
    proxies = settings.PROXY_COUNT
    candidates = []
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            candidates.append(forwarded[-proxies])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return "0.0.0.0"  # noqa: S104 (an address to count under, not one to bind to)


def too_many_requests(request, exception):
    """RATELIMIT_VIEW: the site's friendly 429 page, with a hint of when to try again."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "300"
    return response
