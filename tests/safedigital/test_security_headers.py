"""
Security headers under the real production settings (a separate process with DEBUG off), and the
Mozilla HTTP Observatory's scoring rules applied to them (docs: README, "Security headers").
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def production():
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("production_probe.py"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(result.stdout)


def csp(headers):
    policy = {}
    for directive in headers["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


@pytest.mark.parametrize("name", ["page", "admin"])
def test_content_security_policy_allows_no_inline_script_and_no_framing(production, name):
    headers = production[name]["headers"]
    policy = csp(headers)

    assert production[name]["status"] == 200
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert not any("unsafe" in value for value in policy["script-src"] + policy["style-src"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-src"] == ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]


@pytest.mark.parametrize("name", ["page", "admin", "static"])
def test_every_response_carries_the_hardening_headers(production, name):
    headers = production[name]["headers"]

    assert production[name]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_pages_refuse_framing_and_plain_http_is_redirected(production):
    assert production["page"]["headers"]["X-Frame-Options"] == "DENY"
    assert production["http"]["status"] == 301
    assert production["http"]["location"] == "https://safedigital.example/"


def test_favicon_ico_leads_to_the_fingerprinted_icon_cached_for_good(production):
    """A new icon gets a new name, so browsers may keep each for good (WhiteNoise: immutable, ten years)."""
    favicon = production["favicon"]

    assert favicon["status"] == 302
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.ico", favicon["location"])
    assert favicon["cache_control"] == "max-age=86400, public"
    assert favicon["file"]["status"] == 200
    assert favicon["file"]["headers"]["Content-Type"] == "image/x-icon"
    assert favicon["file"]["headers"]["Cache-Control"] == "max-age=315360000, public, immutable"


def test_admin_cookies_are_secure_and_http_only(production):
    csrf = production["admin"]["cookies"]["csrftoken"]

    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


def test_staff_session_cookie_is_secure_http_only_and_same_site(production):
    login = production["login"]
    session = login["cookies"]["sessionid"]

    assert (login["status"], login["location"]) == (302, "/admin/")
    assert session["value"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_the_chosen_language_is_kept_in_a_secure_cookie_for_the_browser_session_only(production):
    chosen = production["language"]
    cookie = chosen["cookies"]["django_language"]

    assert (chosen["status"], cookie["value"]) == (302, "es")
    assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax")
    assert (cookie["max-age"], cookie["expires"]) == ("", "")


def test_no_inline_script_or_style_in_public_and_admin_pages(production):
    import re

    for name in ("page", "admin"):
        body = production[name]["body"]
        inline_scripts = [
            tag
            for tag in re.findall(r"<script\b[^>]*>", body)
            if "src=" not in tag and "application/json" not in tag
        ]
        assert inline_scripts == [], name
        assert "<style" not in body, name
        assert ' style="' not in body, name


def observatory_score(result):
    """
    The HTTP Observatory's scoring (its documented tests and modifiers) for what this site controls: start at
    100 and take off for missing protections; then, only when that leaves 90 or more, add the bonuses.
    A+ is 100 or more. (HSTS preloading earns a bonus only once the domain is on the browsers' list.)
    """
    headers = {key.lower(): value for key, value in result["page"]["headers"].items()}
    policy = csp(result["page"]["headers"])
    script = policy.get("script-src", policy.get("default-src", []))
    style = policy.get("style-src", policy.get("default-src", []))
    penalties, bonuses = [], []
    if "'unsafe-inline'" in script:
        penalties.append(20)  # csp-implemented-with-unsafe-inline
    elif "'unsafe-eval'" in script:
        penalties.append(10)  # csp-implemented-with-unsafe-eval
    elif "'unsafe-inline'" not in style and policy.get("default-src") in (["'none'"], ["'self'"]):
        bonuses.append(5)  # csp-implemented-with-no-unsafe
    hsts = headers.get("strict-transport-security", "")
    if int(hsts.split("max-age=")[1].split(";")[0] if "max-age=" in hsts else 0) < 15768000:
        penalties.append(20)  # hsts-not-implemented or hsts-implemented-max-age-less-than-six-months
    if headers.get("x-content-type-options") != "nosniff":
        penalties.append(5)  # x-content-type-options-not-implemented
    if policy.get("frame-ancestors") == ["'none'"]:
        bonuses.append(5)  # xfo-implemented-via-csp
    elif headers.get("x-frame-options") not in {"DENY", "SAMEORIGIN"}:
        penalties.append(20)  # x-frame-options-not-implemented
    if headers.get("referrer-policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }:
        bonuses.append(5)  # referrer-policy-private
    if result["http"]["status"] not in {301, 302, 307, 308} or not result["http"]["location"].startswith(
        "https://"
    ):
        penalties.append(20)  # redirection-missing or redirection-not-to-https
    session = result["login"]["cookies"].get("sessionid", {})
    if not session.get("secure"):
        penalties.append(40)  # cookies-session-without-secure-flag
    elif not session.get("httponly"):
        penalties.append(30)  # cookies-session-without-httponly-flag
    elif session.get("samesite") in {"Lax", "Strict"}:
        bonuses.append(5)  # cookies-secure-with-httponly-sessions-and-samesite
    score = 100 - sum(penalties)
    return score + sum(bonuses) if score >= 90 else score


def test_observatory_rules_give_a_plus(production):
    # 100, plus 5 each for the CSP, frame-ancestors, the referrer policy and the session cookie.
    assert observatory_score(production) == 120


def weakened(production, change):
    result = json.loads(json.dumps(production))
    change(result)
    return result


def set_header(name, value):
    def change(result):
        result["page"]["headers"][name] = value

    return change


def drop_header(name):
    def change(result):
        del result["page"]["headers"][name]

    return change


def plain_session_cookie(result):
    result["login"]["cookies"]["sessionid"]["secure"] = False


def http_not_redirected(result):
    result["http"] = {"status": 200, "location": ""}


@pytest.mark.parametrize(
    "change",
    [
        set_header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'"),
        drop_header("Strict-Transport-Security"),
        plain_session_cookie,
        http_not_redirected,
    ],
    ids=["unsafe-inline script", "no HSTS", "session cookie over plain HTTP", "no HTTPS redirect"],
)
def test_observatory_rules_fail_a_site_that_drops_a_protection(production, change):
    assert observatory_score(weakened(production, change)) < 100
