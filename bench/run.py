"""
The benchmark (`make bench`; never run by the tests). It

1. builds a fully populated event (bench/populate.py) with the demo event beside it, in its own database:
   PostgreSQL when DATABASE_URL names a server (a database "<name>_bench", made anew), SQLite otherwise;
   Redis when REDIS_URL is set, local memory otherwise;
2. counts each page's SQL queries and weighs its HTML (raw, gzip, brotli) in this process;
3. starts gunicorn under the production settings on a free loopback port (2 workers unless told), once with
   the page cache off and once with it on, warms it, and drives each page with wrk (or, without wrk, the
   bounded client in bench/client.py), measuring Django's floor (a view answering "ok", same server) in
   the same run, and the CPU time the web workers spend per request of each page (the "CPU ms" column: what
   a page costs, whatever else shares the machine; for the uncached highlights page, it says the most req/s
   that CPU allows);
4. posts valid enquiries from 32 concurrent clients (wrk with bench/post.lua, or the Python client), checks that
   every one was stored, once, and says how
   much CPU each part of the system (web workers, e-mail worker, load client, database, Redis) spent per
   enquiry;
5. weighs the highlights page's first view (HTML + CSS + JS as served, compressed) and checks that its
   images are renditions, never the uploaded originals;
6. prints a table and writes it all to bench/results/bench-<time>.json (and latest.json).

Everything talks only to 127.0.0.1, each load is bounded in time and count, and every server it starts is
stopped, also on error or Ctrl-C.
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import client as load  # noqa: E402
from bench.server import (  # noqa: E402
    RESULTS,
    ROOT,
    CpuMeter,
    bench_database_url,
    clear_redis,
    cpu_seconds,
    database_server_pids,
    fresh_workdir,
    gunicorn,
    in_process_client,
    python_loop_seconds,
    server_environment,
    server_pids,
    setup_django,
    task_worker,
    wait_for_queued_tasks,
)

FLOOR = "/bench/ok"
# The pages driven, by name: {event} is the populated event's page, {speaker} a speaker's of it.
PAGES = {
    "home": "/",
    "event list": "/events/",
    "highlights": "{event}",
    "speaker": "{speaker}",
    "coverage": "{event}coverage/",
    "pledges": "/pledges/",
    "enquiry form": "/lets-chat/?event={slug}",
}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--posts", type=int, default=3000, help="enquiries to post (default 3000)")
    parser.add_argument(
        "--post-clients", type=int, default=32, help="concurrent posting clients (default 32)"
    )
    parser.add_argument("--no-wrk", action="store_true", help="use the Python client even when wrk is there")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated pages to drive, 'post' for the enquiry POST (default: all), e.g. highlights,post",
    )
    parser.add_argument("--modes", default="off,on", help="page cache modes to run (default: off,on)")
    return parser.parse_args()


# -- in this process: queries and sizes -------------------------------------------------------------------


def build_data():
    """
    The benchmark's data in the database this process is set up for: the demo event and the fully populated
    one (bench/populate.py). Returns that event and the pages driven, by name.
    """
    from django.core.management import call_command

    from bench.populate import build_bench_event, public_speaker
    from events.demo import load_demo_event

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    load_demo_event()
    event = build_bench_event()
    speaker = public_speaker(event)
    urls = {"event": event.get_absolute_url(), "speaker": speaker.get_absolute_url(), "slug": event.slug}
    return event, {name: path.format(**urls) for name, path in PAGES.items()}


def measure_in_process(pages):
    """SQL queries (cache off; cache on, second view) and HTML bytes of each page, through Django's client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    client = in_process_client()
    measured = {}
    for name, path in pages.items():
        # Each count is read at once: the next request clears the connection's query log.
        with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as off:
            response = client.get(path)
        queries_off = len(off.captured_queries)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        html = response.content
        with override_settings(PAGE_CACHE_SECONDS=600):
            client.get(path)
            with CaptureQueriesContext(connection) as on:
                client.get(path)
            queries_on = len(on.captured_queries)
        measured[name] = {
            "queries_cache_off": queries_off,
            "queries_cache_on": queries_on,
            "html_bytes": len(html),
            "gzip_bytes": len(gzip.compress(html, 6)),
            "brotli_bytes": len(brotli.compress(html)),
        }
    return measured


# -- against the server ------------------------------------------------------------------------------------


def drive(server, path, args):
    """
    Requests/s and latency of GET `path` for `args.duration` seconds at `args.connections` connections, and the
    CPU time the web workers spent on each request (what the page costs, whatever else shares the machine).
    """
    base_port = server.port
    load_before = os.getloadavg()[0]
    meter = CpuMeter({"web workers": server.worker_pids})
    meter.start()
    if shutil.which("wrk") and not args.no_wrk:
        output = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--timeout",
                "5s",
                "-s",
                str(ROOT / "bench" / "report.lua"),
                "-H",
                "X-Forwarded-Proto: https",
                *(
                    item
                    for name, value in load.BROWSER_HEADERS.items()
                    for item in ("-H", f"{name}: {value}")
                ),
                f"http://127.0.0.1:{base_port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=args.duration + 30,
        ).stdout
        figures = wrk_figures(output)
        result = {"tool": "wrk"} | {
            name: figures[name] for name in ("requests", "rps", "p50_ms", "p99_ms", "errors")
        }
    else:
        # A generous count that the time limit cuts short.
        jobs = [load.get_job(path)] * 2_000_000
        outcome = load.run(jobs, base_port, args.connections, args.duration)
        summary = outcome.summary()
        result = {
            "tool": "python",
            "requests": summary["requests"],
            "rps": summary["rps"],
            "p50_ms": summary["p50_ms"],
            "p99_ms": summary["p99_ms"],
            "errors": summary["failures"] + sum(n for s, n in outcome.statuses.items() if s >= 400),
        }
    cpu = meter.read()
    result["load_average"] = round(load_before, 2)
    if result["requests"]:
        result["web_cpu_ms"] = round(cpu["web workers"] / result["requests"] * 1000, 2)
    return result


def wrk_figures(output):
    """
    The figures wrk's script wrote on its last line (bench/report.lua, bench/post.lua), with req/s and p50 and
    p99 in ms.
    """
    figures = json.loads(output.strip().splitlines()[-1])
    return figures | {
        "rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
    }


def warm(port, paths, rounds=20):
    client = load.Client(port)
    for _ in range(rounds):
        for path in paths:
            status, _headers, _content = client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status} while warming")
    client.close()


def post_enquiries(port, count, concurrency, event_slug, meter, args, workdir):
    """
    `count` valid enquiries from `concurrency` clients. Each form is prepared here as the server would
    serve it (its signed stamp, a CSRF token), older than the time trap's minimum before it is sent, so the
    POST alone is measured; `meter` starts counting CPU when the first is sent. wrk sends them (bench/post.lua)
    unless told otherwise: the Python client's 32 threads share one interpreter, and what it costs (0.4 ms of
    CPU an enquiry, on the CPUs the servers use) and how long a thread waits for its turn to note an answer were
    counted against the site.
    """
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    from donations import spam

    path = f"/lets-chat/?event={event_slug}"
    forms = []
    for number in range(count):
        secret = _get_new_csrf_string()
        forms.append((number, secret, spam.issue_stamp(event_slug=event_slug)))
    time.sleep(settings.DONATION_FORM_MIN_SECONDS + 1)
    if shutil.which("wrk") and not args.no_wrk:
        return post_with_wrk(port, path, forms, concurrency, meter, workdir)
    return post_with_python(port, path, forms, concurrency, meter)


def post_with_python(port, path, forms, concurrency, meter):
    from django.urls import reverse

    thanks = reverse("donations:thanks")

    def job_for(number, secret, stamp):
        def job(client):
            status, location, seconds = load.post_enquiry(
                client, path, load.enquiry_fields(number), secret, stamp, f"csrftoken={secret}"
            )
            if status != 302 or not location.endswith(thanks):
                raise RuntimeError(f"enquiry {number}: {status} {location}")
            return status, seconds

        return job

    jobs = [job_for(*form) for form in forms]
    meter.start()
    outcome = load.run(jobs, port, concurrency, time_limit=300)
    return outcome.summary() | {"tool": "python", "cpu_seconds_during_load": meter.read()}


def post_with_wrk(port, path, forms, concurrency, meter, workdir, time_limit=300):
    """
    The forms sent by wrk, each once, on `concurrency` connections of one thread (bench/post.lua); wrk is
    interrupted once the last is sent. The last few, in flight then, are stored but not measured.
    """
    from django.urls import reverse

    forms_file = workdir / "forms.tsv"
    with open(forms_file, "w") as lines:
        for number, secret, stamp in forms:
            body = urlencode({**load.enquiry_fields(number), "csrfmiddlewaretoken": secret, "stamp": stamp})
            lines.write(f"{secret}\t{body}\n")
    meter.start()
    wrk = subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{time_limit}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "post.lua"),
            *(item for name, value in load.PROXY_HEADERS.items() for item in ("-H", f"{name}: {value}")),
            f"http://127.0.0.1:{port}{path}",
            "--",
            str(forms_file),
            path,
            reverse("donations:thanks"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in wrk.stdout:
        if line.strip() == "done":
            break
    cpu = meter.read()
    # wrk is the load client here: counted with this process, which prepared the forms, in every report.
    wrk_cpu = cpu_seconds(wrk.pid)
    cpu["load client"] = round(cpu["load client"] + wrk_cpu, 2)
    wrk.send_signal(signal.SIGINT)
    output, _errors = wrk.communicate(timeout=30)
    figures = wrk_figures(output)
    return {
        "tool": "wrk",
        **{name: figures[name] for name in ("requests", "rps", "p50_ms", "p99_ms")},
        "server_errors": figures["unexpected"],
        "failures": figures["errors"],
        "unfinished": len(forms) - figures["sent"],
        "in_flight_at_the_end": figures["sent"] - figures["requests"],
        "cpu_seconds_during_load": cpu,
        "wrk_cpu_seconds": wrk_cpu,
    }


def cpu_groups(server, worker):
    """The processes whose CPU the enquiry POST is charged with, by what they do."""
    from django.db import connections

    groups = {
        "web workers": server.worker_pids,
        "e-mail worker": lambda: [worker.pid],
        "load client": lambda: [os.getpid()],
    }
    if connections["default"].vendor == "postgresql":
        name = connections["default"].settings_dict["NAME"]
        groups["database"] = lambda: database_server_pids(name)
    if os.environ.get("REDIS_URL"):
        groups["redis (whole server)"] = lambda: server_pids("redis-server")
    return groups


def cpu_report(cpu, requests, until):
    """CPU per enquiry, in ms, of each group, from the first POST `until` ...; the rest is other processes."""
    measured = {name: seconds for name, seconds in cpu.items() if name != "machine"}
    total = sum(measured.values())
    parts = ", ".join(f"{name} {seconds / requests * 1000:.1f}" for name, seconds in measured.items())
    return (
        f"CPU per enquiry (ms), from the first POST {until}: {parts}; "
        f"together {total / requests * 1000:.1f}; the whole machine {cpu['machine'] / requests * 1000:.1f}"
    )


def stored_enquiries():
    from donations.models import DonationEnquiry

    rows = DonationEnquiry.objects.filter(email__endswith="@bench.example")
    return {
        "rows": rows.count(),
        "distinct_emails": rows.values("email").distinct().count(),
        "flagged_spam": rows.filter(is_spam=True).count(),
        "team_told": rows.filter(notified_at__isnull=False).count(),
    }


class AssetParser(HTMLParser):
    """
    The stylesheets, scripts and image addresses of a page, as a browser with JavaScript loads them: not what
    is inside <noscript> (the menu's stylesheet for a browser without it, templates/base.html).
    """

    def __init__(self):
        super().__init__()
        self.assets, self.images = [], []
        self.in_noscript = 0

    def handle_endtag(self, tag):
        if tag == "noscript":
            self.in_noscript = max(self.in_noscript - 1, 0)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "noscript":
            self.in_noscript += 1
        if self.in_noscript:
            return
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag in {"img", "source"}:
            if attrs.get("src"):
                self.images.append(attrs["src"])
            for candidate in (attrs.get("srcset") or "").split(","):
                if candidate.strip():
                    self.images.append(candidate.split()[0])


def first_view(port, path):
    """Bytes on the wire for the first view of `path`, as a browser gets them: HTML + CSS + JS, compressed as served."""
    client = load.Client(port)
    _status, headers, body = client.request("GET", path, headers=load.BROWSER_HEADERS)
    encoding = headers.get("Content-Encoding", "identity")
    html = {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding, bytes)(body)
    parser = AssetParser()
    parser.feed(html.decode())
    assets = {}
    for asset in parser.assets:
        status, headers, content = client.request("GET", asset, headers=load.BROWSER_HEADERS)
        assets[asset] = {
            "status": status,
            "encoding": headers.get("Content-Encoding", "identity"),
            "bytes": len(content),
        }
    client.close()
    originals = [
        image for image in parser.images if "/renditions/" not in image and not image.startswith("data:")
    ]
    return {
        "html": {"bytes": len(body), "encoding": encoding},
        "assets": assets,
        "total_bytes": len(body) + sum(asset["bytes"] for asset in assets.values()),
        "images": len(parser.images),
        "images_not_renditions": originals,
    }


# -- report ------------------------------------------------------------------------------------------------


# Issue 8's targets. The uncached highlights page must beat Wagtail's demo home page (33 req/s, measured on a
# machine of this kind) five times over.
WAGTAIL_HOME_RPS = 33
UNCACHED_SPEEDUP = 5
UNCACHED_TARGET_RPS = UNCACHED_SPEEDUP * WAGTAIL_HOME_RPS
P99_LIMIT_MS = 100
MAX_HIGHLIGHTS_QUERIES = 12
CACHED_SHARE_OF_FLOOR = 0.9
FIRST_VIEW_LIMIT_BYTES = 120_000


def targets(results):
    """Issue 8's targets, each with what this run measured and whether it is met; only those this run measured."""
    checks = []

    def check(target, measured, met):
        checks.append({"target": target, "measured": measured, "met": bool(met)})

    settings = results["settings"]
    runs = results["runs"]
    uncached = runs.get("off", {}).get("pages", {}).get("highlights")
    if uncached:
        floor = UNCACHED_TARGET_RPS
        check(
            f"highlights, cache off: >= {floor} req/s", f"{uncached['rps']} req/s", uncached["rps"] >= floor
        )
        check(
            f"highlights, cache off: p99 < {P99_LIMIT_MS} ms at {settings['connections']} connections",
            f"{uncached['p99_ms']} ms",
            uncached["p99_ms"] < P99_LIMIT_MS,
        )
    if "highlights" in results["pages"]:
        queries = results["pages"]["highlights"]["queries_cache_off"]
        check(
            f"highlights: <= {MAX_HIGHLIGHTS_QUERIES} SQL queries",
            str(queries),
            queries <= MAX_HIGHLIGHTS_QUERIES,
        )
    cached = runs.get("on", {}).get("pages", {}).get("highlights")
    if cached:
        share = cached["rps"] / runs["on"]["floor"]["rps"]
        check(
            f"highlights, cache on: >= {CACHED_SHARE_OF_FLOOR}x the floor",
            f"{share:.2f}x",
            share >= CACHED_SHARE_OF_FLOOR,
        )
    post = next((run["enquiry post"] for run in runs.values() if "enquiry post" in run), None)
    if post:
        stored = post["stored"]
        check(
            f"enquiry POST: p99 < {P99_LIMIT_MS} ms at {settings['post_clients']} clients",
            f"{post['p99_ms']} ms",
            post["p99_ms"] < P99_LIMIT_MS,
        )
        check(
            "enquiry POST: every enquiry stored, once",
            f"{stored['rows']} stored ({stored['distinct_emails']} distinct) of {settings['posts']}",
            stored["rows"] == stored["distinct_emails"] == settings["posts"] and not post["server_errors"],
        )
    view = results.get("first_view")
    if view:
        check(
            f"first view of the highlights page: <= {FIRST_VIEW_LIMIT_BYTES:,} B",
            f"{view['total_bytes']:,} B (page cache {view['page_cache']})",
            view["total_bytes"] <= FIRST_VIEW_LIMIT_BYTES,
        )
        originals = len(view["images_not_renditions"])
        check("highlights images: renditions only", f"{originals} originals", originals == 0)
    return checks


def cpu_ceiling(results):
    """
    What the uncached highlights page's CPU allows: the rate at which the web workers could serve it with every CPU
    they can use (one each) busy on it, against the CPU per request the target allows; None when not measured.
    """
    figures = results["runs"].get("off", {}).get("pages", {}).get("highlights", {})
    if not figures.get("web_cpu_ms"):
        return None
    cpus = min(results["settings"]["workers"], results["machine"]["cpus"])
    target = UNCACHED_TARGET_RPS
    return (
        f"highlights, cache off: the web workers spent {figures['web_cpu_ms']} ms of CPU on each request; on "
        f"{cpus} CPUs that is at most {cpus * 1000 / figures['web_cpu_ms']:.1f} req/s, and {target} req/s "
        f"needs at most {cpus * 1000 / target:.1f} ms"
    )


def report(results):
    """The results as a table, then the enquiry POST and the first view."""
    machine = results["machine"]
    lines = [
        f"{machine['cpus']} CPUs, Python {machine['python']}, load average at the start "
        f"{machine['load_average_at_start'][0]:.2f}; 10 million additions in a Python loop: "
        f"{machine['python_loop_10m_s']:.2f} s\n"
    ]
    header = (
        f"{'page':<16}{'cache':<7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'x floor':>9}"
        f"{'SQL':>5}{'HTML B':>9}{'gzip B':>8}{'br B':>8}{'CPU ms':>8}{'load':>6}"
    )
    lines += [header, "-" * len(header)]
    for mode, run in results["runs"].items():
        floor = run["floor"]
        for name, figures in run["pages"].items():
            sizes = results["pages"][name]
            lines.append(
                f"{name:<16}{mode:<7}{figures['rps']:>9}{figures['p50_ms']:>9}{figures['p99_ms']:>9}"
                f"{figures['rps'] / floor['rps']:>9.2f}{sizes[f'queries_cache_{mode}']:>5}{sizes['html_bytes']:>9}"
                f"{sizes['gzip_bytes']:>8}{sizes['brotli_bytes']:>8}{figures.get('web_cpu_ms', ''):>8}"
                f"{figures['load_average']:>6}"
            )
        lines.append(
            f"{'django floor':<16}{mode:<7}{floor['rps']:>9}{floor['p50_ms']:>9}{floor['p99_ms']:>9}"
            f"{1:>9.2f}{'':>5}{'':>9}{'':>8}{'':>8}{floor.get('web_cpu_ms', ''):>8}{floor['load_average']:>6}"
        )
        post = run.get("enquiry post")
        if post:
            stored = post["stored"]
            lines.append(
                f"\nenquiry POST, {results['settings']['post_clients']} clients: {post['requests']} answered, "
                f"{post['rps']} req/s, p50 {post['p50_ms']} ms, p99 {post['p99_ms']} ms, "
                f"server errors {post['server_errors']}, failures {post['failures']}, unsent {post['unfinished']}; "
                f"stored {stored['rows']} ({stored['distinct_emails']} distinct, {stored['flagged_spam']} as spam); "
                f"team told of {stored['team_told']}, the e-mail queue empty "
                f"{post['emails_drained_after_s']} s after the last answer"
            )
            if post.get("cpu_seconds") and post["requests"]:
                lines.append(
                    cpu_report(post["cpu_seconds_during_load"], post["requests"], "to the last answer")
                )
                lines.append(
                    cpu_report(post["cpu_seconds"], post["requests"], "until the e-mail queue was empty")
                )
    view = results.get("first_view")
    if view:
        lines.append(
            f"first view of the highlights page, page cache {view['page_cache']}: {view['total_bytes'] / 1024:.1f} KiB "
            f"(HTML {view['html']['bytes']} B {view['html']['encoding']}; "
            + ", ".join(f"{Path(a).name} {v['bytes']} B {v['encoding']}" for a, v in view["assets"].items())
            + f"); {view['images']} image addresses, {len(view['images_not_renditions'])} not renditions"
        )
    ceiling = cpu_ceiling(results)
    if ceiling:
        lines.append(ceiling)
    checks = results.get("targets")
    if checks:
        lines.append("\nissue 8's targets:")
        lines += [
            f"  {'met    ' if item['met'] else 'NOT MET'}  {item['target']}: {item['measured']}"
            for item in checks
        ]
    return "\n".join(lines)


def main():
    args = parse_args()
    started = datetime.datetime.now(datetime.UTC)
    workdir = fresh_workdir("work")
    environment = server_environment(workdir, bench_database_url(workdir))
    if environment.get("REDIS_URL"):
        clear_redis(environment["REDIS_URL"])
    print(f"bench: building the data in {environment['DATABASE_URL'].split('@')[-1]}", flush=True)
    setup_django(environment)

    from django.db import connections

    event, pages = build_data()
    selected = set(args.only.split(",")) if args.only else None
    post = selected is None or "post" in selected
    pages = {name: path for name, path in pages.items() if selected is None or name in selected}
    results = {
        "started": started.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
            "python_loop_10m_s": round(python_loop_seconds(), 3),
        },
        "database": connections["default"].vendor,
        "cache": "redis" if environment.get("REDIS_URL") else "local memory",
        "settings": vars(args),
        "pages": measure_in_process(pages),
        "runs": {},
    }
    connections.close_all()

    modes = [(mode, seconds) for mode, seconds in (("off", 0), ("on", 600)) if mode in args.modes.split(",")]
    for mode, seconds in modes:
        print(f"bench: gunicorn, {args.workers} workers, page cache {mode}", flush=True)
        with gunicorn(
            {**environment, "PAGE_CACHE_SECONDS": str(seconds)}, args.workers, workdir / "gunicorn.log"
        ) as server:
            warm(server.port, [FLOOR, *pages.values()])
            run = {"floor": drive(server, FLOOR, args), "pages": {}}
            for name, path in pages.items():
                run["pages"][name] = drive(server, path, args)
                print(f"  {name}: {run['pages'][name]['rps']} req/s", flush=True)
            if mode == modes[-1][0]:
                results["first_view"] = first_view(server.port, event.get_absolute_url()) | {
                    "page_cache": mode
                }
                if post:
                    print(
                        f"bench: posting {args.posts} enquiries from {args.post_clients} clients", flush=True
                    )
                    # The e-mail worker runs beside the servers, as in production, sharing their CPU.
                    with task_worker(environment, workdir / "worker.log") as worker:
                        meter = CpuMeter(cpu_groups(server, worker))
                        figures = post_enquiries(
                            server.port, args.posts, args.post_clients, event.slug, meter, args, workdir
                        )
                        figures["emails_drained_after_s"] = wait_for_queued_tasks()
                        figures["cpu_seconds"] = meter.read()
                        figures["cpu_seconds"]["load client"] += figures.get("wrk_cpu_seconds", 0.0)
                    run["enquiry post"] = figures | {"stored": stored_enquiries()}
            results["runs"][mode] = run

    results["targets"] = targets(results)
    results["finished"] = datetime.datetime.now(datetime.UTC).isoformat()
    print()
    print(report(results))
    RESULTS.mkdir(exist_ok=True)
    name = RESULTS / f"bench-{started:%Y%m%dT%H%M%S}.json"
    name.write_text(json.dumps(results, indent=2, default=str))
    shutil.copyfile(name, RESULTS / "latest.json")
    print(f"\nresults: {name.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
