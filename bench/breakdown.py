"""
Where the time of one uncached page goes (`make bench-breakdown`; never run by the tests). It builds the
benchmark's data (bench/populate.py, as `make bench` does, in a folder of its own) and, in this process under
the production settings with the page cache off, requests the page `--rounds` times through Django's test
client, after a few unmeasured ones, and prints the median and 90th percentile, in ms, of

- the whole request (middleware, URL, view, template; no server, no network);
- the view's `get_object` and `get_context_data`, when it has them (its queries are made there);
- the template's rendering;
- the rest of the request;

with the page's SQL queries and the time this machine takes for a fixed loop of Python (10 million additions),
so that figures taken on different days or machines can be compared. `--cprofile N` then prints the N
functions with the most cumulative time over as many requests again (cProfile roughly triples every time).

An editor's page is measured the same way, as a superuser: "event admin" (the populated event's page in the
admin, with its sessions, pledges, mentions and the rest inline) or any path under /admin/.
"""

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PAGES, build_data  # noqa: E402
from bench.server import (  # noqa: E402
    bench_database_url,
    fresh_workdir,
    in_process_client,
    python_loop_seconds,
    server_environment,
    setup_django,
)

PARTS = ("get_object", "get_context_data")
# Editors' pages, by name: {pk} is the populated event's.
STAFF_PAGES = {"event admin": "/admin/events/event/{pk}/change/"}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--page",
        default="highlights",
        help="the page, by its name in `make bench` (highlights, home, event list, speaker, coverage, "
        "pledges, enquiry form), 'event admin' (the event's page in the admin, as a superuser) or a path "
        "such as /events/ or /admin/events/speaker/ (default: highlights)",
    )
    parser.add_argument("--rounds", type=positive, default=60, help="requests measured (default 60)")
    parser.add_argument("--cprofile", type=positive, metavar="N", help="also print the top N functions")
    return parser.parse_args()


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


class Timings:
    """Time spent in chosen methods, per request."""

    def __init__(self):
        self.current = {}

    def wrap(self, owner, name, part):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.current[part] = self.current.get(part, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)


def summary(samples):
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.9) - 1] * 1000


def main():
    args = parse_args()
    if args.page not in PAGES and args.page not in STAFF_PAGES and not args.page.startswith("/"):
        names = ", ".join([*PAGES, *STAFF_PAGES])
        sys.exit(f"breakdown: no page named {args.page!r}; the pages are {names}, or give a path")
    workdir = fresh_workdir("breakdown")
    environment = server_environment(workdir, bench_database_url(workdir), PAGE_CACHE_SECONDS="0")
    setup_django(environment)

    from django.db import connection
    from django.template.response import SimpleTemplateResponse
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    print(f"breakdown: building the data in {environment['DATABASE_URL'].split('@')[-1]}", flush=True)
    event, pages = build_data()
    pages |= {name: path.format(pk=event.pk) for name, path in STAFF_PAGES.items()}
    # A gunicorn worker holds none of what building the data left in this process: start-up's objects are out of
    # the garbage collector's sight (safedigital/apps.py), and so are these, or full collections would walk them
    # all and their pauses, hundreds of milliseconds here, would be counted as the page's.
    gc.collect()
    gc.freeze()
    path = pages.get(args.page, args.page)

    timings = Timings()
    view_class = getattr(resolve(path.split("?")[0]).func, "view_class", None)
    for name in PARTS:
        if view_class is not None and hasattr(view_class, name):
            timings.wrap(view_class, name, name)
    timings.wrap(SimpleTemplateResponse, "render", "template")

    client = in_process_client()
    if path.startswith("/admin/"):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.create_superuser("bench-editor", "editor@bench.example"))
    for _ in range(5):
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"breakdown: {path} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = len(captured.captured_queries)  # now: the next request empties the connection's query log

    samples = {"whole request": []}
    for _ in range(args.rounds):
        timings.current = {}
        started = time.perf_counter()
        client.get(path)
        whole = time.perf_counter() - started
        samples["whole request"].append(whole)
        for part, seconds in timings.current.items():
            samples.setdefault(part, []).append(seconds)
        samples.setdefault("the rest", []).append(whole - sum(timings.current.values()))

    loop = python_loop_seconds()
    print(
        f"\n{path}, page cache off, {args.rounds} requests in-process; {queries} SQL "
        f"queries; {connection.vendor}; Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}; "
        f"10 million additions in a Python loop: {loop:.2f} s\n"
    )
    print(f"{'part':<20} {'median ms':>10} {'p90 ms':>8}")
    print("-" * 40)
    for part, values in samples.items():
        median, p90 = summary(values)
        print(f"{part:<20} {median:>10.2f} {p90:>8.2f}")

    if args.cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.rounds):
            client.get(path)
        profiler.disable()
        print()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
