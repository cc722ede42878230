import pytest
from django.test import RequestFactory

from safedigital.ratelimit import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1", "10.0.0.2", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1, 10.0.0.3", "10.0.0.2", "198.51.100.1"),
        (2, "10.0.0.3", "10.0.0.2", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2", "10.0.0.2"),
        (1, "", "", "0.0.0.0"),  # noqa: S104 (an address counted under, not bound to)
        (0, "", "2001:db8::1", "2001:db8::1"),
        (0, "", "::ffff:203.0.113.7", "203.0.113.7"),
        (1, "::ffff:198.51.100.1", "10.0.0.2", "198.51.100.1"),
        (1, "198.51.100.1:51234", "10.0.0.2", "198.51.100.1"),
        (1, "[2001:db8::5]:443", "10.0.0.2", "2001:db8::5"),
        (1, "[not-an-address]:443", "10.0.0.2", "10.0.0.2"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, remote, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)

    assert client_ip(request) == expected
