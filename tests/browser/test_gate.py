"""
The browser tests' gate (availability.BrowserTestsGate): with REQUIRE_BROWSER_TESTS set, a run fails
unless browser-marked tests ran and passed and none was skipped, also under pytest-xdist.

Not a browser test: each case runs a small pytest session of its own (pytester), whose tests live in a
package named "browser", as ours do, so that a keyword match on the name cannot pass for the marker.
"""

from pathlib import Path

import pytest

from tests.browser.availability import REQUIRED

ROOT = Path(__file__).resolve().parents[2]
# The inner sessions need neither Django nor a browser: only the gate, registered as tests/conftest.py does,
# and pytest-xdist. Installed plugins are not loaded (it saves a second a session, more under xdist).
ONLY_XDIST = ["-p", "xdist", "-p", "no:cacheprovider"]
CONFTEST = f"""
import sys

sys.path.insert(0, {str(ROOT)!r})

from tests.browser.availability import BrowserTestsGate


def pytest_configure(config):
    config.pluginmanager.register(BrowserTestsGate(config), "browser-tests-gate")
"""
TESTS = """
import pytest


@pytest.mark.browser
def test_in_the_browser():
    pass


def test_without_a_browser():
    pass
"""
SKIPPING = """
import pytest


@pytest.mark.browser
def test_that_skips():
    pytest.skip("no screen here")
"""
RED_LINE = f"BROWSER TESTS REQUIRED ({REQUIRED} is set) but"


@pytest.fixture
def project(pytester):
    pytester.makeini("[pytest]\nmarkers =\n    browser: drives a browser\n")
    pytester.makeconftest(CONFTEST)
    package = pytester.mkpydir("browser")
    (package / "test_journeys.py").write_text(TESTS)
    (package / "test_skipping.py").write_text(SKIPPING)
    return pytester


def run(project, monkeypatch, required, *args, subprocess=False):
    if required:
        monkeypatch.setenv(REQUIRED, "1")
    else:
        monkeypatch.delenv(REQUIRED, raising=False)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    runner = project.runpytest_subprocess if subprocess else project.runpytest_inprocess
    return runner(*ONLY_XDIST, *args)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["-m", "not browser", "browser/test_journeys.py"], "none ran and passed"),
        (["-k", "without", "browser/test_journeys.py"], "none ran and passed"),
        (["browser/"], "1 skipped (no screen here)"),
    ],
    ids=["marker-deselected", "keyword-deselected", "one-skipped"],
)
def test_required_browser_tests_that_did_not_all_run_fail_the_run(project, monkeypatch, args, problem):
    result = run(project, monkeypatch, True, *args)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert result.parseoutcomes().get("failed", 0) == 0, "only the gate fails the run"
    result.stdout.fnmatch_lines([f"*{RED_LINE} {problem}*"])


def test_required_browser_tests_that_ran_and_passed_pass(project, monkeypatch):
    result = run(project, monkeypatch, True, "browser/test_journeys.py")

    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"Browser tests required ({REQUIRED} is set): 1 passed."])
    result.stdout.no_fnmatch_line(f"*{RED_LINE}*")


def test_browser_tests_left_out_pass_when_not_required(project, monkeypatch):
    result = run(project, monkeypatch, False, "-m", "not browser", "browser/")

    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line("*BROWSER TESTS*")


def test_the_gate_judges_in_the_xdist_controller(project, monkeypatch):
    """Under `-n 2` the reports reach the controlling process, which alone decides."""
    left_out = run(project, monkeypatch, True, "-n", "2", "-m", "not browser", "browser/", subprocess=True)
    ran = run(project, monkeypatch, True, "-n", "2", "browser/test_journeys.py", subprocess=True)

    assert left_out.ret == pytest.ExitCode.TESTS_FAILED
    left_out.stdout.fnmatch_lines([f"*{RED_LINE} none ran and passed*"])
    assert ran.ret == pytest.ExitCode.OK
    ran.stdout.fnmatch_lines([f"Browser tests required ({REQUIRED} is set): 1 passed."])
