"""
Whether the browser tests can run here, and the loud line that says when they did not.

A plain module (not a conftest) so that tests/conftest.py can report too: under pytest-xdist the
controlling process, which prints the summary, never loads tests/browser/conftest.py.
"""

import os

CHROMIUM = os.environ.get("SAFEDIGITAL_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SKIPPED = "BROWSER TESTS SKIPPED"
REQUIRED = "REQUIRE_BROWSER_TESTS"


def browser_problem():
    """Why the browser tests cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (make install)"
    return None


def browser_tests_required():
    return os.environ.get(REQUIRED, "").lower() not in {"", "0", "false", "no", "off"}


def report(terminalreporter):
    """A red line at the end of the run when browser tests were skipped, or could not run though required."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple | list) and SKIPPED in str(report.longrepr[-1])
    ]
    if skipped:
        terminalreporter.write_sep(
            "!", f"{SKIPPED} ({len(skipped)}): {browser_problem()}", red=True, bold=True
        )
    elif browser_tests_required() and browser_problem():
        terminalreporter.write_sep(
            "!", f"BROWSER TESTS FAILED ({REQUIRED} is set): {browser_problem()}", red=True, bold=True
        )
