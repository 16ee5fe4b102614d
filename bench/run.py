"""`make bench`: the site at scale, on PostgreSQL and on SQLite.

For each database, in fresh databases filled by `generate_synthetic_data`:
- at full size (100,000 people, 2,000 events): every public page and the name search, timed
  in-process (bench/pages.py) with their query counts; the JSON download of everyone, streamed
  to a file by a separate process (bench/download.py) so that its peak memory is measured; and
  that file imported into an empty database with `import_fixture`;
- at a comparison size (2,000 people), where `dumpdata` and `loaddata` finish in minutes (at
  full size they take most of an hour, a query or more per record): the same download beside
  `dumpdata` of the same models, and its import beside `loaddata`. The download's peak memory
  at the two sizes shows whether it stays flat as the data grows.
It prints a table per database, checks the targets and writes everything to bench/results/.

    .venv/bin/python -m bench.run                                  # 100,000 people, 2,000 events
    .venv/bin/python -m bench.run --prisoners 5000 --events 100    # a quick run
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
POSTGRES = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/{name}"

# Every kind of public page on its first request (any filter, page or search word, right after
# a change to the records), on PostgreSQL; the name search on every database.
TARGET_MEDIAN_MS = 50
TARGET_P95_MS = 150
TARGET_SEARCH_MS = 100  # its 95th percentile
TARGET_QUERIES = 10
# Peak memory of the download at full size may exceed that at the comparison size by this much
# and still be flat: a few chunks of 2,000 records take that, whatever the data's size.
FLAT_MEMORY_MARGIN_MB = 40
# The JSON download of everyone at most this many times PostgreSQL's json_agg of the same rows.
TARGET_DOWNLOAD_RATIO = 5
# Peak memory of import_fixture of the download of everyone.
TARGET_IMPORT_MB = 300

# What the download of all people holds: people, their releases and those releases' events, and
# the countries and sources all of them cite. dumpdata writes the same models.
FIXTURE_MODELS = [
    "tracker.country",
    "tracker.source",
    "prisoners.prisoner",
    "releases.releaseevent",
    "releases.release",
]
FULL_DOWNLOAD = "/prisoners/?format=json"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(args, env, *, stdout=None):
    """Run a command; return its wall time in seconds and its peak memory in MB."""
    with tempfile.TemporaryFile() as errors, open(stdout or os.devnull, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=errors)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{tail}")
    return {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1)}


def manage(*args):
    return [PYTHON, "manage.py", *args]


class PostgreSQL:
    """Databases made with createdb from a migrated, empty template."""

    name = "postgresql"

    def __init__(self, work):
        self.made = []

    def env(self, database):
        return {"DATABASE_URL": POSTGRES_URL.format(name=database)}

    def create(self, database, template=None):
        self.drop(database)
        subprocess.run(
            ["createdb", *POSTGRES, *(["-T", template] if template else []), database],
            check=True,
        )
        self.made.append(database)
        return database

    def drop(self, database):
        subprocess.run(["dropdb", *POSTGRES, "--if-exists", database], check=True)

    def analyze(self, database):
        """As autovacuum would after a bulk load: statistics for the planner, a visibility map."""
        subprocess.run(["psql", *POSTGRES, "-q", "-c", "VACUUM ANALYZE", database], check=True)

    def version(self, database):
        result = subprocess.run(
            ["psql", *POSTGRES, "-tAc", "SHOW server_version", database],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def clean_up(self):
        for database in self.made:
            self.drop(database)


class SQLite:
    """Database files in a temporary folder, copied from a migrated, empty one."""

    name = "sqlite"

    def __init__(self, work):
        self.work = work

    def path(self, database):
        return self.work / f"{database}.sqlite3"

    def env(self, database):
        return {"DATABASE_URL": f"sqlite:///{self.path(database)}"}

    def create(self, database, template=None):
        self.path(database).unlink(missing_ok=True)
        if template:
            shutil.copyfile(self.path(template), self.path(database))
        return database

    def drop(self, database):
        self.path(database).unlink(missing_ok=True)

    def analyze(self, database):
        """Nothing more: generate_synthetic_data ends with ANALYZE, and there is no vacuum to
        wait for."""

    def version(self, database):
        return sqlite3.sqlite_version

    def clean_up(self):
        pass  # the temporary folder goes


def records_by_model(path):
    """{model label: records} of a fixture file, read without parsing the whole file."""
    counts = Counter()
    pattern = re.compile(rb'"model": ?"([a-z_]+\.[a-z_]+)"')
    with open(path, "rb") as fixture:
        for line in fixture:
            counts.update(match.decode() for match in pattern.findall(line))
    return dict(sorted(counts.items()))


def bench_database(backend, args, work):
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }

    def env(database):
        return {**base_env, **backend.env(database)}

    def fill(database, prisoners, events):
        log(f"{backend.name}: generating {prisoners:,} people and {events:,} events")
        command = manage(
            "generate_synthetic_data",
            f"--prisoners={prisoners}",
            f"--events={events}",
            f"--seed={args.seed}",
        )
        measured = run(command, env(database))
        backend.analyze(database)
        return measured

    def download(database, path):
        measured = run(
            [PYTHON, "-m", "bench.download", FULL_DOWNLOAD, path],
            env(database),
            stdout=work / "download-out.json",
        )
        return {**measured, "bytes": path.stat().st_size, "records": records_by_model(path)}

    def json_agg(database):
        """Seconds PostgreSQL takes to build the same rows as JSON (json_agg), in a run of its
        own right after the download's, so that both meet the same load."""
        out = work / "json-agg-out.json"
        run([PYTHON, "-m", "bench.download", "--json-agg"], env(database), stdout=out)
        return json.loads(out.read_text())["seconds"]

    def downloads(database, path):
        """The download of everyone, args.download_repeat times (medians), beside json_agg on
        PostgreSQL."""
        runs = []
        for attempt in range(args.download_repeat):
            log(f"{backend.name}: the download of everyone ({attempt + 1}/{args.download_repeat})")
            measured = download(database, path)
            if backend.name == "postgresql":
                # Both timed inside their process, without Python's and Django's start-up.
                inside = json.loads((work / "download-out.json").read_text())["seconds"]
                measured["response_seconds"] = round(inside, 2)
                measured["json_agg_seconds"] = round(json_agg(database), 2)
                measured["ratio"] = round(inside / measured["json_agg_seconds"], 1)
            runs.append(measured)
        return {**median_of(runs), "runs": runs}

    def imports(path):
        runs = [
            load(
                f"import_fixture of the download into an empty database "
                f"({attempt + 1}/{args.download_repeat})",
                manage("import_fixture", str(path), "--verbosity=0"),
            )
            for attempt in range(args.download_repeat)
        ]
        return {**median_of(runs), "runs": runs}

    def load(label, command):
        log(f"{backend.name}: {label}")
        target = backend.create("tracker_bench_load", template=empty)
        try:
            return run(command, env(target))
        finally:
            backend.drop(target)

    result = {}
    empty = backend.create("tracker_bench_empty")
    log(f"{backend.name}: migrating")
    result["migrate"] = run(manage("migrate", "--no-input"), env(empty))

    # At full size: pages, search, the download of everyone, and its import.
    main = backend.create("tracker_bench", template=empty)
    result["version"] = backend.version(main)
    result["generate"] = fill(main, args.prisoners, args.events)
    result["pages"] = []
    if "pages" in args.parts:
        log(f"{backend.name}: pages and search, {args.repeat} URLs and requests of each kind")
        pages_file = work / f"pages-{backend.name}.json"
        load_before = os.getloadavg()[0]
        run(
            [
                PYTHON,
                "-m",
                "bench.pages",
                f"--repeat={args.repeat}",
                f"--seed={args.seed}",
                f"--out={pages_file}",
            ],
            env(main),
        )
        result.update(json.loads(pages_file.read_text("utf-8")))
        # The timings are only as quiet as the machine: its load beside them.
        result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    if "downloads" in args.parts:
        full_file = work / "people-full.json"
        result["download"] = downloads(main, full_file)
    if not args.keep:
        backend.drop(main)
    if "downloads" in args.parts:
        result["import"] = imports(full_file)
        full_file.unlink()
    if "compare" not in args.parts:
        backend.drop(empty)
        return result

    # At the comparison size, where dumpdata and loaddata finish in minutes.
    compare = backend.create("tracker_bench_compare", template=empty)
    result["compare_generate"] = fill(compare, args.compare_prisoners, args.compare_events)
    log(f"{backend.name}: download beside dumpdata")
    compare_file = work / "people-compare.json"
    comparison = {"download": download(compare, compare_file)}
    dump_file = work / "dumpdata.json"
    comparison["dumpdata"] = {
        **run(
            manage(
                "dumpdata",
                *FIXTURE_MODELS,
                "--natural-foreign",
                "--natural-primary",
                f"--output={dump_file}",
            ),
            env(compare),
        ),
        "bytes": dump_file.stat().st_size,
        "records": records_by_model(dump_file),
    }
    dump_file.unlink()
    backend.drop(compare)
    for label, command in [
        ("import_fixture", manage("import_fixture", str(compare_file), "--verbosity=0")),
        ("loaddata", manage("loaddata", str(compare_file), "--verbosity=0")),
    ]:
        comparison[label] = load(f"{label} of the download into an empty database", command)
    compare_file.unlink()
    result["comparison"] = comparison
    backend.drop(empty)
    return result


def median_of(runs):
    """The median of each figure of several runs (seconds, peak MB, ...)."""
    return {
        key: round(statistics.median(run[key] for run in runs), 2)
        if isinstance(runs[0][key], int | float)
        else runs[0][key]
        for key in runs[0]
    }


def records_per_second(records, measured):
    return round(sum(records.values()) / measured["seconds"])


def page_target(name, page):
    """(target, met, figures) of a kind of page on database `name`, or None if it has none
    there: every page on PostgreSQL, the name search on every database."""
    first = f"first request median {page['first_median_ms']} ms, p95 {page['first_p95_ms']} ms"
    if page["search"]:
        return (
            f"p95 ≤ {TARGET_SEARCH_MS} ms",
            page["first_p95_ms"] <= TARGET_SEARCH_MS
            and (name != "postgresql" or page["first_median_ms"] <= TARGET_MEDIAN_MS),
            first,
        )
    if name != "postgresql":
        return None
    return (
        f"median ≤ {TARGET_MEDIAN_MS} ms, p95 ≤ {TARGET_P95_MS} ms",
        page["first_median_ms"] <= TARGET_MEDIAN_MS and page["first_p95_ms"] <= TARGET_P95_MS,
        first,
    )


def targets(results):
    """Each target: met or not, and why."""
    checks = []
    for name, result in results.items():
        pages = result["pages"]
        missed = []
        for page in pages:
            target = page_target(name, page)
            if target and not target[1]:
                missed.append(f"{page['label']} ({target[2]})")
        if name == "postgresql":
            checks.append(
                (
                    f"{name}: every kind of page on its first request: median ≤ "
                    f"{TARGET_MEDIAN_MS} ms, p95 ≤ {TARGET_P95_MS} ms; name search p95 ≤ "
                    f"{TARGET_SEARCH_MS} ms",
                    not missed,
                    "; ".join(missed),
                )
            )
        else:
            checks.append(
                (
                    f"{name}: name search on its first request, p95 ≤ {TARGET_SEARCH_MS} ms",
                    not missed,
                    "; ".join(missed),
                )
            )
        many = [p for p in pages if p["queries"] > TARGET_QUERIES]
        if pages:
            checks.append(
                (
                    f"{name}: every page ≤ {TARGET_QUERIES} queries",
                    not many,
                    ", ".join(f"{p['label']} {p['queries']}" for p in many),
                )
            )
        full = result.get("download", {})
        if "ratio" in full:
            checks.append(
                (
                    f"{name}: JSON download of everyone ≤ {TARGET_DOWNLOAD_RATIO}× PostgreSQL's "
                    "json_agg of the same rows (medians)",
                    full["ratio"] <= TARGET_DOWNLOAD_RATIO,
                    f"{full['response_seconds']} s against {full['json_agg_seconds']} s: "
                    f"{full['ratio']}× (runs: "
                    + ", ".join(f"{run['ratio']}×" for run in full["runs"])
                    + ")",
                )
            )
        if "import" in result:
            checks.append(
                (
                    f"{name}: import_fixture of the download of everyone ≤ {TARGET_IMPORT_MB} MB",
                    result["import"]["peak_mb"] <= TARGET_IMPORT_MB,
                    f"{result['import']['peak_mb']} MB, {result['import']['seconds']} s",
                )
            )
        if "comparison" not in result:
            continue  # no comparisons (--parts)
        comparison = result["comparison"]
        ours, dump = comparison["download"], comparison["dumpdata"]
        checks.append(
            (
                f"{name}: JSON download no slower than dumpdata of the same records",
                ours["seconds"] <= dump["seconds"],
                f"{ours['seconds']} s against {dump['seconds']} s",
            )
        )
        full = result["download"]
        growth = full["peak_mb"] - ours["peak_mb"]
        checks.append(
            (
                f"{name}: download memory flat as the data grows "
                f"(within {FLAT_MEMORY_MARGIN_MB} MB)",
                growth <= FLAT_MEMORY_MARGIN_MB,
                f"{ours['peak_mb']} MB for {ours['bytes'] / 1e6:.1f} MB, "
                f"{full['peak_mb']} MB for {full['bytes'] / 1e6:.1f} MB",
            )
        )
        ours, theirs = comparison["import_fixture"], comparison["loaddata"]
        checks.append(
            (
                f"{name}: import_fixture at least as fast as loaddata",
                ours["seconds"] <= theirs["seconds"],
                f"{ours['seconds']} s against {theirs['seconds']} s",
            )
        )
    return [{"target": target, "met": met, "detail": detail} for target, met, detail in checks]


def table(rows, columns):
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]
    lines = []
    for row in [columns, ["-" * width for width in widths], *rows]:
        cells = [
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def report(run_info, results, checks):
    out = [
        f"Benchmark {run_info['started']}: {run_info['prisoners']:,} people and "
        f"{run_info['events']:,} events (comparisons with dumpdata and loaddata: "
        f"{run_info['compare_prisoners']:,} and {run_info['compare_events']:,}), seed "
        f"{run_info['seed']}, {run_info['repeat']} requests a page; {run_info['machine']}",
    ]
    for name, result in results.items():
        out.append(f"\n== {name} {result['version']}")
        line = (
            f"migrate: {result['migrate']['seconds']} s; generate_synthetic_data: "
            f"{result['generate']['seconds']} s"
        )
        if "load_average" in result:
            before, after = result["load_average"]
            line += (
                f"; load average (1 min) before and after the pages: {before} and {after} on "
                f"{os.cpu_count()} CPUs"
            )
        out.append(line)
        rows = []
        for p in result["pages"]:
            target = page_target(name, p)
            rows.append(
                [
                    p["label"],
                    p["first_median_ms"],
                    p["first_p95_ms"],
                    p["median_ms"],
                    p["p95_ms"],
                    p["queries"],
                    target[0] if target else "",
                    ("met" if target[1] else "NOT MET") if target else "",
                    p["url"],
                ]
            )
        columns = [
            "page (first request: new URLs, right after a change)",
            "first median ms",
            "first p95",
            "served median",
            "served p95",
            "queries",
            "target",
            "",
            "e.g.",
        ]
        if rows:
            out.append(table(rows, columns))
        if "download" not in result:
            continue  # pages only (--parts pages)
        full = result["download"]
        items = [
            (f"download {FULL_DOWNLOAD}, full size", full, full["records"]),
            ("import_fixture of it", result["import"], full["records"]),
        ]
        if "json_agg_seconds" in full:
            agg = {"seconds": full["json_agg_seconds"], "peak_mb": ""}
            items.insert(1, ("PostgreSQL json_agg of the same rows", agg, full["records"]))
        comparison = result.get("comparison")
        if comparison:
            items += [
                (f"download {FULL_DOWNLOAD}, comparison size", comparison["download"], None),
                ("dumpdata of the same models", comparison["dumpdata"], None),
                ("import_fixture of the download", comparison["import_fixture"], None),
                ("loaddata of the download", comparison["loaddata"], None),
            ]
        rows = []
        for label, item, records in items:
            records = records or item.get("records") or comparison["download"]["records"]
            size = f"{item['bytes'] / 1e6:.1f}" if "bytes" in item else ""
            rows.append(
                [
                    label,
                    sum(records.values()),
                    item["seconds"],
                    records_per_second(records, item),
                    size,
                    item["peak_mb"],
                ]
            )
        out.append("")
        out.append(
            table(rows, ["download or load", "records", "seconds", "records/s", "MB", "peak MB"])
        )
    out.append("\n== Targets")
    for check in checks:
        mark = "met    " if check["met"] else "NOT MET"
        out.append(
            f"{mark} {check['target']}" + (f": {check['detail']}" if check["detail"] else "")
        )
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description="Benchmark the tracker at scale.")
    parser.add_argument("--prisoners", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--compare-prisoners",
        type=int,
        default=2000,
        help="People in the database for the comparisons with dumpdata and loaddata (2000).",
    )
    parser.add_argument("--compare-events", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests a page.")
    parser.add_argument(
        "--databases", nargs="+", choices=["postgresql", "sqlite"], default=["postgresql", "sqlite"]
    )
    parser.add_argument("--keep", action="store_true", help="Keep the filled databases.")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=["pages", "downloads", "compare"],
        default=["pages", "downloads", "compare"],
        help="pages: the public pages and the name search; downloads: the download of everyone "
        "beside json_agg, and its import; compare: downloads and loads beside dumpdata and "
        "loaddata at the comparison size.",
    )
    parser.add_argument(
        "--download-repeat",
        type=int,
        default=1,
        help="Runs of the download, json_agg and import at full size; medians are reported.",
    )
    args = parser.parse_args()

    started = datetime.datetime.now().astimezone()
    run_info = {
        "started": started.isoformat(timespec="seconds"),
        "prisoners": args.prisoners,
        "events": args.events,
        "seed": args.seed,
        "compare_prisoners": args.compare_prisoners,
        "compare_events": args.compare_events,
        "repeat": args.repeat,
        "parts": args.parts,
        "machine": (
            f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
            f"{math.ceil(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, "
            f"Python {platform.python_version()}"
        ),
    }
    results = {}
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
        work = Path(folder)
        for name in args.databases:
            backend = {"postgresql": PostgreSQL, "sqlite": SQLite}[name](work)
            try:
                results[name] = bench_database(backend, args, work)
            finally:
                if not args.keep:
                    backend.clean_up()
    checks = targets(results)
    text = report(run_info, results, checks)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps(
            {**run_info, "results": results, "targets": checks}, indent=1, ensure_ascii=False
        )
    )
    (RESULTS / f"bench-{started:%Y%m%d-%H%M%S}.txt").write_text(text + "\n")
    log(f"written to {path.relative_to(ROOT)} in {datetime.datetime.now().astimezone() - started}")


if __name__ == "__main__":
    main()
