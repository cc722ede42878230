"""
Without Redis, the page cache's content version is shared by the processes of one machine through a file they
all map (`VersionFile`). The pages' side of it is in test_cache.py.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from safedigital import cache as page_cache
from safedigital.cache import VersionFile

ROOT = Path(__file__).resolve().parents[2]


def bump_in_other_processes(path, processes, seconds):
    """
    Start `processes` Python processes that, once all are ready, bump the version file as fast as they can for
    `seconds`, and return how many bumps each made.
    """
    code = (
        "import sys, time\n"
        "from safedigital.cache import VersionFile\n"
        "versions = VersionFile(sys.argv[1])\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "stop, bumps = time.monotonic() + float(sys.argv[2]), 0\n"
        "while time.monotonic() < stop:\n"
        "    versions.bump()\n"
        "    bumps += 1\n"
        "print(bumps)\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment["DJANGO_SETTINGS_MODULE"] = "safedigital.settings"
    started = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path), str(seconds)],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    try:
        assert [process.stdout.readline() for process in started] == ["ready\n"] * processes
        for process in started:
            process.stdin.write("go\n")
            process.stdin.flush()
        bumps = [int(process.stdout.readline()) for process in started]
        assert [process.wait(timeout=60) for process in started] == [0] * processes
    finally:
        for process in started:
            process.kill()
            process.wait()
    return bumps


def test_two_holders_of_one_version_file_see_each_others_bumps(tmp_path):
    a, b = VersionFile(tmp_path / "version"), VersionFile(tmp_path / "version")
    start = a.current()

    a.bump()
    assert (a.current(), b.current()) == (start + 1, start + 1)
    b.bump()
    assert (a.current(), b.current()) == (start + 2, start + 2)


def test_bumps_made_by_other_processes_are_all_seen(tmp_path):
    versions = VersionFile(tmp_path / "version")
    start = versions.current()

    # Two processes bumping at the same time: each bump is counted once (they take turns under a lock).
    bumps = bump_in_other_processes(tmp_path / "version", processes=2, seconds=1)

    assert all(bumps)
    assert versions.current() == start + sum(bumps)


def test_the_version_file_is_created_on_first_use(tmp_path):
    path = tmp_path / "not" / "yet" / "there"
    before = int(time.time() * 1000)

    versions = VersionFile(path)

    assert path.stat().st_size == 8
    # A new counter starts at the time in milliseconds, above any counter it may replace.
    assert versions.current() >= before
    assert VersionFile(path).current() == versions.current()


def test_a_replaced_version_file_is_followed(tmp_path, monkeypatch):
    path = tmp_path / "version"
    old = VersionFile(path)
    path.unlink()
    new = VersionFile(path)
    new.bump()
    monkeypatch.setattr(page_cache, "FILE_RECHECK_SECONDS", 0)

    assert old.current() == new.current()
    old.bump()
    assert new.current() == old.current()
