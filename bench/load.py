"""Load test: concurrent clients browse, filter, search and download from a local server.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 [--clients 50] [--duration 30]
        [--unknown-parameters]

`make load` runs it against `make serve` on PostgreSQL with the seed loaded. Each client keeps
one connection and sends its next request when the last one has been read to the end. Prints
requests per second, latency percentiles and the error count, and exits 1 on any error.
`--unknown-parameters` adds a parameter no page knows, different in every request
(`utm_source=...`, as campaign links and crawlers do): the page cache must not be bypassed. The
run is bounded (clients, seconds, requests) and only ever talks to this machine.
"""

import argparse
import http.client
import ipaddress
import json
import random
import socket
import statistics
import sys
import threading
import time
from collections import defaultdict
from urllib.parse import urlencode, urlsplit

MAX_CLIENTS = 200
MAX_DURATION = 300
MAX_REQUESTS = 1_000_000
TIMEOUT = 30

# What a visitor does, and how often: pages, filtered lists, searches, downloads.
MIX = {"page": 50, "filter": 20, "search": 15, "download": 15}


def loopback_only(url):
    """The host and port of `url`, which must be this machine."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        sys.exit(f"{url}: give an http:// URL of a server on this machine.")
    addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    if not all(ipaddress.ip_address(address).is_loopback for address in addresses):
        sys.exit(f"{parts.hostname} is not this machine: the load test only runs on loopback.")
    return parts.hostname, parts.port or 80


def fetch(host, port, path):
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for_server(host, port, seconds):
    """Wait until the server answers, for a server that is still starting."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _ = fetch(host, port, "/")
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"No answer from http://{host}:{port}/ after {seconds} s.")
        time.sleep(0.5)


def public_records(host, port, path, model):
    """The fields of the public records of `model`, from the site's own fixture download."""
    status, body = fetch(host, port, f"{path}?format=json")
    if status != 200:
        sys.exit(f"{path}?format=json answered {status}.")
    return [
        record["fields"] for record in json.loads(body) if record["model"] == model
    ] or sys.exit(f"No {model} records on the site: load the seed first.")


def request_mix(host, port):
    """(kind, path) pairs a client draws from, built from the records on the site."""
    event_records = public_records(host, port, "/releases/", "releases.releaseevent")
    events = [event["slug"] for event in event_records]
    months = {event["date"][:7].replace("-", "/") for event in event_records}
    people = [
        person["slug"] for person in public_records(host, port, "/prisoners/", "prisoners.prisoner")
    ]
    pages = [
        "/",
        "/releases/",
        *(f"/releases/{month[:4]}/" for month in months),
        *(f"/releases/{month}/" for month in months),
        "/prisoners/",
        "/concessions/",
        "/countries/",
        "/countries/BY/",
        "/countries/US/",
        "/releases/feed/",
        "/static/css/site.css",
        *(f"/releases/{slug}/" for slug in events),
        *(f"/prisoners/{slug}/" for slug in people),
    ]
    filters = [
        "/releases/?" + urlencode({"country": "BY"}),
        "/releases/?" + urlencode({"nationality": "LT", "sort": "title"}),
        "/releases/?" + urlencode({"imposed_by": "US", "date_after": "2025-01-01"}),
        "/prisoners/?" + urlencode({"nationality": "BY", "status": "released"}),
        "/prisoners/?" + urlencode({"event": events[0], "sort": "-name"}),
        "/concessions/?" + urlencode({"imposed_by": "US", "kind": "eased"}),
    ]
    searches = [
        "/prisoners/?" + urlencode({"q": query})
        for query in ("bialiatski", "Бяляцкі", "kolesnikova", "babar", "labkovich")
    ] + ["/releases/?" + urlencode({"q": query}) for query in ("potash", "Belarus")]
    downloads = [
        "/releases/?format=json",
        "/releases/?format=csv",
        "/prisoners/?format=json",
        "/prisoners/?format=csv&nationality=BY",
        "/concessions/?format=csv",
        *(f"/releases/{slug}/?format=json" for slug in events),
        *(f"/prisoners/{slug}/?format=csv" for slug in people[:3]),
    ]
    return {"page": pages, "filter": filters, "search": searches, "download": downloads}


class Client(threading.Thread):
    """One visitor: a kept-alive connection, a request at a time until the run ends."""

    def __init__(self, number, host, port, paths, schedule, *, unknown_parameters=False):
        super().__init__(daemon=True)
        self.number = number
        self.random = random.Random(number)
        self.host, self.port, self.paths, self.schedule = host, port, paths, schedule
        self.unknown_parameters = unknown_parameters
        self.results = []  # (kind, seconds, ok)
        self.failures = []

    def run(self):
        connection = None
        kinds, weights = list(MIX), list(MIX.values())
        while self.schedule.go():
            kind = self.random.choices(kinds, weights)[0]
            path = self.random.choice(self.paths[kind])
            if self.unknown_parameters:
                separator = "&" if "?" in path else "?"
                path += f"{separator}utm_source=client{self.number}-{len(self.results)}"
            connection = connection or http.client.HTTPConnection(
                self.host, self.port, timeout=TIMEOUT
            )
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    self.failures.append(f"{response.status} {path}")
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                ok = False
                self.failures.append(f"{type(error).__name__} {path}")
                connection.close()
                connection = None
            self.results.append((kind, time.perf_counter() - started, ok))
        if connection:
            connection.close()


class Schedule:
    """When the clients stop: at the deadline, or when the request budget is spent."""

    def __init__(self, seconds, max_requests):
        self.deadline = time.monotonic() + seconds
        self.budget = max_requests
        self.lock = threading.Lock()

    def go(self):
        with self.lock:
            self.budget -= 1
            return self.budget >= 0 and time.monotonic() < self.deadline


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def report(results, failures, elapsed, clients):
    latencies = sorted(seconds for _kind, seconds, _ok in results)
    errors = sum(not ok for _kind, _seconds, ok in results)
    print(f"clients {clients}, {elapsed:.1f} s, {len(results)} requests")
    print(f"requests/s {len(results) / elapsed:.1f}")
    for name, fraction in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        print(f"{name} {percentile(latencies, fraction) * 1000:.1f} ms")
    print(f"errors {errors}")
    by_kind = defaultdict(list)
    for kind, seconds, _ok in results:
        by_kind[kind].append(seconds)
    for kind, values in sorted(by_kind.items()):
        values.sort()
        print(
            f"  {kind:<9} {len(values):>7} requests, "
            f"p50 {statistics.median(values) * 1000:.1f} ms, "
            f"p95 {percentile(values, 0.95) * 1000:.1f} ms"
        )
    for failure in failures[:10]:
        print(f"  error: {failure}")
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30, help="seconds")
    parser.add_argument("--max-requests", type=int, default=MAX_REQUESTS)
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the server")
    parser.add_argument(
        "--unknown-parameters",
        action="store_true",
        help="add a parameter no page knows, different in every request (utm_source=...)",
    )
    args = parser.parse_args()
    if not (1 <= args.clients <= MAX_CLIENTS and 0 < args.duration <= MAX_DURATION):
        sys.exit(f"Use 1 to {MAX_CLIENTS} clients and at most {MAX_DURATION} seconds.")
    max_requests = min(args.max_requests, MAX_REQUESTS)

    host, port = loopback_only(args.url)
    wait_for_server(host, port, args.wait)
    paths = request_mix(host, port)

    schedule = Schedule(args.duration, max_requests)
    clients = [
        Client(number, host, port, paths, schedule, unknown_parameters=args.unknown_parameters)
        for number in range(args.clients)
    ]
    started = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.monotonic() - started

    results = [result for client in clients for result in client.results]
    failures = [failure for client in clients for failure in client.failures]
    if args.unknown_parameters:
        print("every request carried an unknown parameter (utm_source=...)")
    sys.exit(1 if report(results, failures, elapsed, args.clients) else 0)


if __name__ == "__main__":
    main()
