"""
The enquiry form under load, and with a worker killed (`make bench-enquiries`; never run by the tests).

Posts N enquiries (default 10,000) from C concurrent clients (default 32) to gunicorn with two workers under
the production settings, on PostgreSQL when DATABASE_URL names a server (a database "<name>_bench", made
anew; SQLite in bench/results otherwise). Each client does what a browser does: it GETs the form (its CSRF
cookie and signed stamp), then POSTs it; a request whose connection breaks is sent again, the same form.
Then the database is checked: N rows, each enquiry once, none lost, no 5xx answer, and (the e-mail worker
running beside the servers) the fundraising team told of every one.

A second run does the same while one of the two workers is killed (SIGKILL) a third of the way through;
gunicorn starts another and the clients' broken requests are sent again.

The form's time trap is set to 0 s for the servers (the clients send the form at once, which would otherwise
flag every enquiry as suspected spam; it would be stored all the same), the rate limits are lifted for the
single client address, and mail goes to Django's dummy backend. Everything talks only to 127.0.0.1, each run
is bounded in count and time, and every server started is stopped.
"""

import argparse
import datetime
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import client as load  # noqa: E402
from bench.server import (  # noqa: E402
    RESULTS,
    bench_database_url,
    clear_redis,
    fresh_workdir,
    gunicorn,
    server_environment,
    setup_django,
    task_worker,
    wait_for_queued_tasks,
)

FORM = "/lets-chat/"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--enquiries", type=int, default=10_000, help="enquiries per run (10,000)")
    parser.add_argument("-c", "--clients", type=int, default=32, help="concurrent clients (32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--time-limit", type=int, default=900, help="seconds a run may take at most (900)")
    parser.add_argument(
        "--runs", default="steady,kill", help="which runs: steady, kill, or both (default: steady,kill)"
    )
    return parser.parse_args()


def enquiry_job(run, number, thanks, server_errors, lock):
    def job(client):
        csrf, stamp, cookie = load.read_form(client, FORM)
        fields = load.enquiry_fields(number) | {"email": f"donor{number}@{run}.reliability.example"}
        status, location, seconds = load.post_enquiry(client, FORM, fields, csrf, stamp, cookie)
        if status >= 500:
            with lock:
                server_errors.append(status)
        if status != 302 or not location.endswith(thanks):
            raise RuntimeError(f"enquiry {number}: {status} {location}")
        return status, seconds

    return job


def check_database(run, count):
    from django.db.models import Count

    from donations.models import DonationEnquiry

    rows = DonationEnquiry.objects.filter(email__endswith=f"@{run}.reliability.example")
    distinct = rows.values("email").distinct().count()
    twice = rows.values("email").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "rows": rows.count(),
        "distinct_enquiries": distinct,
        "lost": count - distinct,
        "stored_twice": twice,
        "distinct_form_tokens": rows.values("form_token").distinct().count(),
        "flagged_spam": rows.filter(is_spam=True).count(),
        "team_told": rows.filter(notified_at__isnull=False).count(),
        "acknowledged": rows.filter(acknowledged_at__isnull=False).count(),
    }


def one_run(name, args, environment, workdir, kill):
    from django.urls import reverse

    thanks = reverse("donations:thanks")
    run = f"{name}-{int(time.time())}"
    server_errors, lock = [], threading.Lock()
    killed = {}
    with (
        task_worker(environment, workdir / f"worker-{name}.log"),
        gunicorn(environment, args.workers, workdir / f"gunicorn-{name}.log") as server,
    ):
        load.Client(server.port).request("GET", FORM)
        jobs = [enquiry_job(run, number, thanks, server_errors, lock) for number in range(args.enquiries)]
        if kill:

            def killer():
                # A third of the way through (at the rate of the steady run, or after 20 s), kill a worker.
                time.sleep(args.kill_after)
                pid = server.worker_pids()[0]
                os.kill(pid, signal.SIGKILL)
                killed.update(pid=pid, at_seconds=round(args.kill_after, 1))
                print(f"  killed worker {pid} after {args.kill_after:.0f} s", flush=True)

            threading.Thread(target=killer, daemon=True).start()
        started = time.monotonic()
        outcome = load.run(jobs, server.port, args.clients, args.time_limit)
        workers_after = server.worker_pids()
        emails_drained_after = wait_for_queued_tasks()
    result = outcome.summary() | {
        "emails_drained_after_s": emails_drained_after,
        "seconds": round(time.monotonic() - started, 1),
        "enquiries_per_second": round(len(outcome.latencies) / outcome.duration, 1),
        "server_errors": len(server_errors),
        "killed_worker": killed,
        "workers_after": len(workers_after),
        "database": check_database(run, args.enquiries),
    }
    return result


def main():
    args = parse_args()
    started = datetime.datetime.now(datetime.UTC)
    workdir = fresh_workdir("enquiries")
    environment = server_environment(workdir, bench_database_url(workdir), DONATION_FORM_MIN_SECONDS=0)
    if environment.get("REDIS_URL"):
        clear_redis(environment["REDIS_URL"])
    setup_django(environment)

    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    results = {
        "started": started.isoformat(),
        "database": connections["default"].vendor,
        "cache": "redis" if environment.get("REDIS_URL") else "local memory",
        "settings": vars(args) | {"cpus": os.cpu_count()},
        "runs": {},
    }
    connections.close_all()
    args.kill_after = 20.0
    for name in args.runs.split(","):
        kill = name == "kill"
        print(f"enquiries: {name} run, {args.enquiries} enquiries from {args.clients} clients", flush=True)
        result = one_run(name, args, environment, workdir, kill)
        connections.close_all()
        results["runs"][name] = result
        if name == "steady":
            args.kill_after = result["seconds"] / 3
        database = result["database"]
        print(
            f"  {result['requests']} answered in {result['seconds']} s ({result['enquiries_per_second']}/s), "
            f"POST p50 {result['p50_ms']} ms p99 {result['p99_ms']} ms, 5xx {result['server_errors']}, "
            f"failures {result['failures']}, resent after a broken connection {result['retries']}, "
            f"unsent {result['unfinished']}\n"
            f"  database: {database['rows']} rows, {database['distinct_enquiries']} distinct, "
            f"{database['lost']} lost, {database['stored_twice']} stored twice; team told of "
            f"{database['team_told']}, {database['acknowledged']} acknowledged (queue empty "
            f"{result['emails_drained_after_s']} s after the last answer)",
            flush=True,
        )
    ok = all(
        run["database"]["lost"] == 0
        and run["database"]["stored_twice"] == 0
        and run["database"]["rows"] == args.enquiries
        and run["database"]["team_told"] == args.enquiries
        and run["server_errors"] == 0
        and run["failures"] == 0
        for run in results["runs"].values()
    )
    results["ok"] = ok
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"enquiries-{started:%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print("OK: every enquiry stored once, no 5xx" if ok else "FAILED: see above", flush=True)
    print(f"results: {path}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
