"""
A bounded load client in the standard library: C threads, each with its own keep-alive connection to
127.0.0.1, work through a fixed list of jobs until it is done or the time is up. A request that fails on
the connection (a worker killed mid-request) is sent again on a new connection, as a browser would.
"""

import http.client
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# What every browser says it takes; the site sends stored pages compressed to match (safedigital/cache.py).
BROWSER_HEADERS = {"Accept-Encoding": "br, gzip"}
RETRIES = 5


class Client:
    """One keep-alive connection to the server under test, reopened when it breaks."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.connection = None
        self.retries = 0

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body) of one request; sent again on a new connection when the connection fails."""
        headers = {"Host": f"127.0.0.1:{self.port}", **PROXY_HEADERS, **(headers or {})}
        for attempt in range(RETRIES + 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                if response.will_close:
                    self.close()
                return response.status, response.headers, content
            except (ConnectionError, http.client.HTTPException, TimeoutError, OSError):
                self.close()
                if attempt == RETRIES:
                    raise
                self.retries += 1
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class LoadResult:
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    retries: int = 0
    duration: float = 0.0
    unfinished: int = 0

    def record(self, status, latency):
        self.latencies.append(latency)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def percentile(self, percent):
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]

    def summary(self):
        count = len(self.latencies)
        return {
            "requests": count,
            "rps": round(count / self.duration, 1) if self.duration else 0,
            "p50_ms": round(self.percentile(50) * 1000, 1) if count else None,
            "p99_ms": round(self.percentile(99) * 1000, 1) if count else None,
            "statuses": {str(status): number for status, number in sorted(self.statuses.items())},
            "server_errors": sum(n for status, n in self.statuses.items() if status >= 500),
            "failures": len(self.failures),
            "first_failures": self.failures[:5],
            "retries": self.retries,
            "unfinished": self.unfinished,
        }


def run(jobs, port, concurrency, time_limit):
    """
    Runs `jobs` (callables taking a Client and returning (status, seconds of the measured request)) on
    `concurrency` threads. Stops taking new jobs after `time_limit` seconds; those left are counted.
    """
    pending = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def worker():
        client = Client(port)
        try:
            while time.monotonic() < deadline:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    status, latency = job(client)
                except Exception as error:  # noqa: BLE001 (every failure is reported, none stops the run)
                    with lock:
                        result.failures.append(repr(error))
                    continue
                with lock:
                    result.record(status, latency)
        finally:
            with lock:
                result.retries += client.retries
            client.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.duration = time.monotonic() - started
    result.unfinished = pending.qsize()
    return result


def timed(client, method, path, body=None, headers=None):
    started = time.perf_counter()
    status, response_headers, content = client.request(method, path, body=body, headers=headers)
    return status, response_headers, content, time.perf_counter() - started


def get_job(path):
    def job(client):
        status, _headers, _content, seconds = timed(client, "GET", path, headers=BROWSER_HEADERS)
        return status, seconds

    return job


HIDDEN = re.compile(r'<input type="hidden" name="(csrfmiddlewaretoken|stamp)" value="([^"]*)"')


def enquiry_fields(number):
    """What a donor types into the form (enquiry `number` of a run: its e-mail address is its own)."""
    return {
        "name": f"Load Test Donor {number}",
        "email": f"donor{number}@bench.example",
        "organisation": "Benchmark Foundation",
        "country": "CO",
        "phone": "",
        "kind": "foundation",
        "budget": "",
        "message": "We would like to talk about funding your work with survivors. (benchmark enquiry)",
        "privacy_consent": "on",
        "homepage": "",
    }


def post_enquiry(client, path, fields, csrf_token, stamp, cookie):
    """POSTs one filled-in form; returns (status, location, seconds)."""
    body = urlencode({**fields, "csrfmiddlewaretoken": csrf_token, "stamp": stamp})
    origin = f"https://127.0.0.1:{client.port}"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        "Origin": origin,
        "Referer": origin + path,
    }
    status, headers, _content, seconds = timed(client, "POST", path, body=body, headers=headers)
    return status, headers.get("Location", ""), seconds


def read_form(client, path):
    """GETs the form as a browser does: its CSRF cookie and the form's hidden fields."""
    status, headers, content, _seconds = timed(client, "GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    hidden = dict(HIDDEN.findall(content.decode()))
    cookies = [value.split(";", 1)[0] for name, value in headers.items() if name.lower() == "set-cookie"]
    return hidden["csrfmiddlewaretoken"], hidden["stamp"], "; ".join(cookies)
