"""
What django-ratelimit needs from the project: the client's address and the page a limited request gets; and the
enquiry form's limits counted with django-ratelimit's keys and windows in one round trip to the cache.
"""

import ipaddress

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import EXPIRATION_FUDGE, _get_ip, _get_window, _make_cache_key, _split_rate


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
        address = _address(candidate)
        if address:
            return address
    return "0.0.0.0"  # noqa: S104 (an address to count under, not one to bind to)


def client_network(request):
    """
    What a staff member's failed logins are counted under (AXES_CLIENT_IP_CALLABLE): the client's IPv4 address,
    or the /64 network of an IPv6 one, written as its first address (axes keeps an address). django-ratelimit
    counts the enquiry form's IPv6 visitors by /64 too: one host usually holds a whole /64, and counted by
    address, it had five guesses at a staff member's password from each of its addresses, without end.
    """
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network((address, 64), strict=False).network_address)
    return str(address)


def _address(text):
    """
    The address in `text` ("" if none), without a port some proxies add ("203.0.113.7:51234",
    "[2001:db8::1]:443"), and an IPv4 visitor seen through a dual-stack socket ("::ffff:203.0.113.7") as
    their IPv4 address: django-ratelimit counts IPv6 addresses by /64, under which every such visitor is one.
    """
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return ""
    return str(getattr(address, "ipv4_mapped", None) or address)


def too_many_requests(request, exception):
    """RATELIMIT_VIEW: the site's friendly 429 page, with a hint of when to try again."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "300"
    return response


def is_over_limit(request, group, rate, key=None):
    """
    Counts this request against the limit `rate` of `group` ("10/h", django-ratelimit's syntax) and says whether
    it is over: django-ratelimit's is_ratelimited(..., increment=True), with its cache keys and windows, so the
    counts are the same, but counted in one round trip to Redis where it took three (an enquiry's two limits
    were four of its round trips). `key(group, request)` is whom the requests are counted for; by default the
    client's address, as django-ratelimit's "ip" (an IPv6 one by its /64).
    """
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    limit, period = _split_rate(rate)
    value = key(group, request) if key else _get_ip(request)
    cache_key = _make_cache_key(group, _get_window(value, period), rate, value, ALL)
    return count(caches[settings.RATELIMIT_USE_CACHE], cache_key, period + EXPIRATION_FUDGE) > limit


def count(cache, key, timeout):
    """
    Adds one to the count at `key` in `cache` and returns it (a new count is kept `timeout` seconds): in one round
    trip with the site's Redis backend (RedisCache.count), as django-ratelimit counts with any other cache.
    """
    if hasattr(cache, "count"):
        return cache.count(key, timeout)
    if cache.add(key, 1, timeout):
        return 1
    return cache.incr(key)
