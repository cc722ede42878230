"""
The page cache's content version is shared by every process of the site: through a file mapped by the
processes of one machine without Redis (`VersionFile`), through a Redis key and a subscription with it
(`RedisVersion`). The pages' side of it is in test_cache.py.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from safedigital import cache as page_cache
from safedigital.cache import RedisVersion, VersionFile

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


def needs_redis():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL); CI's second run has it")


@pytest.fixture
def redis_key():
    """A version key (and channel) of this test alone."""
    needs_redis()
    key = cache.make_key(f"page-cache:test:{uuid.uuid4().hex}")
    yield key
    redis.Redis.from_url(settings.REDIS_URL).delete(key)


def delivered(versions):
    """
    Wait until Redis has written every message published so far to its subscribers: it writes them before it
    answers any command that reaches it later (one event loop), so one more round trip is enough. An editor's
    browser makes several (the commit, the response, its next request) before it asks for a page again.
    """
    versions.client.ping()


def test_a_bump_from_another_server_is_seen_at_the_next_lookup(redis_key, monkeypatch):
    monkeypatch.setattr(page_cache, "RECHECK_SECONDS", 3600)  # only the subscription may tell
    here, there, elsewhere = (RedisVersion(settings.REDIS_URL, redis_key) for _ in range(3))
    start = here.current()

    there.bump()
    elsewhere.bump()
    delivered(elsewhere)

    assert here.current() == start + 2


def test_a_lookup_asks_redis_nothing_while_nothing_changed(redis_key, monkeypatch):
    monkeypatch.setattr(page_cache, "RECHECK_SECONDS", 3600)
    versions = RedisVersion(settings.REDIS_URL, redis_key)
    version = versions.current()

    with mock.patch.object(versions.client, "get", side_effect=AssertionError("asked Redis")):
        assert [versions.current() for _ in range(3)] == [version] * 3


def test_the_version_is_read_again_after_a_while_without_messages(redis_key, monkeypatch):
    here, there = RedisVersion(settings.REDIS_URL, redis_key), RedisVersion(settings.REDIS_URL, redis_key)
    start = here.current()
    # A change whose message never came (a connection that died without a sound).
    there.client.incr(redis_key)
    assert here.current() == start

    monkeypatch.setattr(page_cache, "RECHECK_SECONDS", 0)

    assert here.current() == start + 1


def test_without_a_subscription_the_version_is_read_at_every_lookup(redis_key):
    here, there = RedisVersion(settings.REDIS_URL, redis_key), RedisVersion(settings.REDIS_URL, redis_key)

    with mock.patch(
        "redis.client.PubSub.subscribe", side_effect=redis.ConnectionError("refused")
    ) as subscribe:
        start = here.current()
        there.bump()
        assert here.current() == start + 1
    # It tried once, not at every lookup.
    assert subscribe.call_count == 1

    # A few seconds later it subscribes again, and then no longer asks Redis at every lookup.
    here.subscribe_at = time.monotonic()
    assert here.current() == start + 1
    with mock.patch.object(here.client, "get", side_effect=AssertionError("asked Redis")):
        assert here.current() == start + 1


def test_a_broken_subscription_falls_back_to_reading_the_version(redis_key, monkeypatch):
    monkeypatch.setattr(page_cache, "RECHECK_SECONDS", 3600)
    here, there = RedisVersion(settings.REDIS_URL, redis_key), RedisVersion(settings.REDIS_URL, redis_key)
    start = here.current()
    # Redis drops the subscriber's connection (a restart, a network fault), and then the version changes.
    port = here.pubsub.connection._sock.getsockname()[1]
    [subscriber] = [
        client for client in there.client.client_list(_type="pubsub") if client["addr"].endswith(f":{port}")
    ]
    there.client.client_kill_filter(_id=subscriber["id"])
    there.bump()

    assert here.current() == start + 1
    assert here.pubsub is None  # it reads the version at every lookup until it subscribes again


def test_a_bump_this_process_made_is_seen_at_its_next_lookup(redis_key, monkeypatch):
    monkeypatch.setattr(page_cache, "RECHECK_SECONDS", 3600)
    versions = RedisVersion(settings.REDIS_URL, redis_key)
    start = versions.current()
    # Not counting on its own message: pretend it has not arrived yet.
    monkeypatch.setattr(versions, "_messages_arrived", lambda: False)

    versions.bump()

    assert versions.current() == start + 1
