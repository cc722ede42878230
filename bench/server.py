"""
What the benchmarks share: their own database and folders, the environment of a production server, and
gunicorn started on a free loopback port and always stopped again.
"""

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GUNICORN = Path(sys.executable).with_name("gunicorn")
CACHE_KEY_PREFIX = "safedigital-bench"


def bench_database_url(workdir):
    """
    The benchmark's own database: on the PostgreSQL server of DATABASE_URL (a database named after it with
    "_bench" appended, made anew), or a SQLite file in `workdir`.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "safedigital") + "_bench"
    recreate_postgres_database(parts._replace(path="/postgres").geturl(), name)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_postgres_database(maintenance_url, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def clear_redis(redis_url):
    """Forget what an earlier benchmark left in Redis (only the benchmark's own keys)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{CACHE_KEY_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


def fresh_workdir(name):
    workdir = RESULTS / name
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "media").mkdir(parents=True)
    return workdir


def server_environment(workdir, database_url, **overrides):
    """
    The environment of a production server (DEBUG off, behind a TLS-terminating proxy whose header the
    clients send), on the benchmark's database and folders. Mail goes nowhere (the dummy backend: an SMTP
    server's speed is not the site's), the enquiry form's rate limits are lifted for the single client
    address, and access logs are off.
    """
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CACHE_KEY_PREFIX", "DATABASE_URL", "PYTEST_XDIST_WORKER"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        PAGE_CACHE_VERSION_FILE=str(workdir / "page-cache-version"),
        SERVE_MEDIA="false",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        FUNDRAISING_EMAILS="fundraising@bench.example",
        DONATION_RATE_LIMIT="1000000/m",
        DONATION_ACKNOWLEDGEMENT_RATE_LIMIT="1000000/m",
        GUNICORN_ACCESS_LOG="",
        LOG_LEVEL="WARNING",
    )
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        environment.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=CACHE_KEY_PREFIX)
    environment.update({key: str(value) for key, value in overrides.items()})
    return environment


def python_loop_seconds():
    """
    Seconds for 10 million additions in a Python loop: how fast this machine runs this kind of work now (a
    shared machine's speed changes from day to day), to compare figures taken at different times.
    """
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """A gunicorn master on 127.0.0.1:<port>, its workers, and a way to stop them all."""

    def __init__(self, environment, workers, log_path):
        self.host = environment["ALLOWED_HOSTS"].split(",")[0]
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "-c",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(workers),
                ],
                cwd=ROOT,
                env={**environment, "WEB_CONCURRENCY": str(workers)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_until_ready(workers)

    def wait_until_ready(self, workers, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz", headers={"Host": self.host})
                if connection.getresponse().status == 200 and len(self.worker_pids()) >= workers:
                    return
            except (ConnectionError, http.client.HTTPException, TimeoutError, OSError):
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def worker_pids(self):
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def lower_priority_of_session(pid, nice=10):
    """
    Gives the session `pid` leads the nice value `nice` as a whole. With the kernel's autogroups (a desktop's
    default, and this machine's: /proc/sys/kernel/sched_autogroup_enabled), each session shares the CPU
    equally with the others, whatever the nice value of its processes: a worker started in a session of its
    own would not yield to gunicorn's, in its own session too, as it does under `make serve`, where both share
    one session. Without autogroups, the process's own nice value does it.
    """
    with suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(f"{nice}\n")


@contextmanager
def task_worker(environment, log_path):
    """
    `manage.py db_worker` sending the queued e-mails while the load runs, at a lower priority than the web
    workers as `make serve` runs it (e-mails may wait a little in a burst; visitors should not); stopped on
    the way out.
    """
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                "nice",
                "-n",
                "10",
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lower_priority_of_session(process.pid)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """CPU seconds (user + system) a process has used so far, from /proc; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def pids_where(matches):
    """The processes for which `matches(proc_folder)` is true (it may raise OSError: the process is gone)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and matches(entry):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def database_server_pids(database_name):
    """The PostgreSQL server processes serving `database_name` (their title names the database)."""

    def serves(entry):
        title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        return title.startswith("postgres: ") and f" {database_name} " in title

    return pids_where(serves)


def server_pids(command):
    """The processes whose command is `command` (e.g. redis-server)."""
    return pids_where(lambda entry: (entry / "comm").read_text().strip() == command)


def machine_busy_seconds():
    """CPU seconds the whole machine has spent busy (all CPUs, every process), from /proc/stat."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / TICKS_PER_SECOND


class CpuMeter:
    """
    CPU seconds used by groups of processes since start(), read() whenever asked. A group is a callable returning
    its pids, asked at both ends: a process that appears meanwhile (a new pooled database connection) counts from
    zero, one that ends meanwhile is lost (none does in a normal run).
    """

    def __init__(self, groups):
        self.groups = groups
        self.started = {}

    def start(self):
        self.started = {name: {pid: cpu_seconds(pid) for pid in pids()} for name, pids in self.groups.items()}
        self.machine_started = machine_busy_seconds()

    def read(self):
        """{group: CPU seconds} since start(), with "machine" for everything the machine did (other users too)."""
        used = {}
        for name, pids in self.groups.items():
            before = self.started[name]
            used[name] = round(sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in pids()), 2)
        used["machine"] = round(machine_busy_seconds() - self.machine_started, 2)
        return used


def wait_for_queued_tasks(timeout=300):
    """Seconds until no task waits or runs any more (the worker caught up), or None after `timeout`."""
    from django_tasks_db.models import DBTaskResult

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not (DBTaskResult.objects.ready() | DBTaskResult.objects.running()).exists():
            return round(time.monotonic() - started, 1)
        time.sleep(0.5)
    return None


@contextmanager
def gunicorn(environment, workers, log_path):
    server = Gunicorn(environment, workers, log_path)
    try:
        yield server
    finally:
        server.stop()


def in_process_client():
    """Django's test client as the servers are asked: on their host name, behind the TLS proxy they expect."""
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})


def setup_django(environment):
    """Configure this process like the servers, so it can build the data and count queries."""
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
