"""
Security headers under the real production settings (a separate process with DEBUG off), and the
Mozilla HTTP Observatory's scoring rules applied to them (docs: README, "Security headers").
"""

import json
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
        timeout=180,
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


def test_admin_cookies_are_secure_and_http_only(production):
    csrf = production["admin"]["cookies"]["csrftoken"]

    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


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
    The HTTP Observatory's scoring (its documented tests and modifiers) for the headers this site can
    control: start at 100, take off for missing protections, add for the extra ones. A+ is 100 or more.
    """
    headers = {key.lower(): value for key, value in result["page"]["headers"].items()}
    score = 100
    policy = csp(result["page"]["headers"])
    script = policy.get("script-src", policy.get("default-src", []))
    if "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        score -= 20
    if (
        "default-src" in policy
        and policy["default-src"] in (["'none'"], ["'self'"])
        and "'unsafe-inline'" not in policy.get("style-src", [])
    ):
        score += 5  # CSP implemented with default-src 'none' or 'self' and no unsafe-inline anywhere
    hsts = headers.get("strict-transport-security", "")
    max_age = int(hsts.split("max-age=")[1].split(";")[0]) if "max-age=" in hsts else 0
    if max_age < 15768000:
        score -= 20
    elif "preload" in hsts:
        score += 5
    if headers.get("x-content-type-options") != "nosniff":
        score -= 5
    if "frame-ancestors" not in policy and headers.get("x-frame-options") not in {"DENY", "SAMEORIGIN"}:
        score -= 20
    elif policy.get("frame-ancestors") == ["'none'"]:
        score += 5
    if headers.get("referrer-policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }:
        score += 5
    if result["http"]["status"] not in {301, 302, 307, 308} or not result["http"]["location"].startswith(
        "https://"
    ):
        score -= 20
    if headers.get("cross-origin-resource-policy") is None:
        score += 0  # informational in the Observatory
    return score


def test_observatory_rules_give_a_plus(production):
    assert observatory_score(production) >= 100
