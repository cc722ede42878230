"""
Whether the browser tests can run here, and the gate that says loudly when they did not.

A plain module (not a conftest) so that tests/conftest.py can register the gate: under pytest-xdist the
controlling process, which receives every report and prints the summary, never loads
tests/browser/conftest.py.
"""

import os

import pytest

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


# Set on a browser-marked test's item, so that every report of it says so, also in the controlling
# process of pytest-xdist: reports cross to it with their user_properties, but without their markers (their
# keywords hold "browser" for every test in tests/browser/, marked or not, as that is the package's name).
MARKED = ("marker", "browser")


class BrowserTestsGate:
    """
    Counts the browser-marked tests that passed and that were skipped, where the run's reports arrive (the
    only process without xdist, the controlling one with it), and ends the run with a red line when the
    browser tests were skipped; with REQUIRE_BROWSER_TESTS set, the run also fails unless browser tests ran
    and passed and none was skipped, so that a `-m "not browser"`, a `-k` that deselects them or any skip
    cannot pass CI.
    """

    def __init__(self, config):
        self.required = browser_tests_required()
        # Only the controlling process judges the run; an xdist worker sees a part of it.
        self.judges = not hasattr(config, "workerinput") and not config.option.collectonly
        self.passed = 0
        self.skipped = []
        self.problem = None

    def pytest_collection_modifyitems(self, items):
        for item in items:
            if item.get_closest_marker("browser") and MARKED not in item.user_properties:
                item.user_properties.append(MARKED)

    def pytest_runtest_logreport(self, report):
        if MARKED not in report.user_properties:
            return
        if report.when == "call" and report.passed:
            self.passed += 1
        elif report.skipped and not hasattr(report, "wasxfail"):
            self.skipped.append(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        if not (self.judges and self.required):
            return
        if self.skipped:
            self.problem = f"{len(self.skipped)} skipped"
            reason = skip_reason(self.skipped[0])
            if reason:
                self.problem += f" ({reason})"
        elif self.passed == 0:
            self.problem = "none ran and passed"
            if browser_problem():
                self.problem += f": {browser_problem()}"
        if self.problem and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if not self.judges:
            return
        if self.problem:
            terminalreporter.write_sep(
                "!", f"BROWSER TESTS REQUIRED ({REQUIRED} is set) but {self.problem}", red=True, bold=True
            )
        elif self.required:
            terminalreporter.write_line(f"Browser tests required ({REQUIRED} is set): {self.passed} passed.")
        elif unavailable := [report for report in self.skipped if SKIPPED in skip_reason(report)]:
            terminalreporter.write_sep(
                "!", f"{SKIPPED} ({len(unavailable)}): {browser_problem()}", red=True, bold=True
            )


def skip_reason(report):
    longrepr = report.longrepr
    return str(longrepr[-1]).removeprefix("Skipped: ") if isinstance(longrepr, tuple | list) else ""
