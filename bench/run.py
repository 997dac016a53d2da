"""`make bench`: the main pages at department scale, against an anchor, with budgets.

    .venv/bin/python bench/run.py [--scale department] [--requests 30] [--strict]
                                  [--only "meeting page"] [--sql "meeting page"] [--profile "meeting page"]
                                  [--clock cpu]

The dataset is built once (bench/dataset.py) into bench/cache/<scale>-<key>/,
key = hash of the generator and the migrations, and reused until either changes. Each run
works on a copy of that database (some pages write: the attendance row, a feed's last use).

Everything runs in one process, warm, through the Flask test client logged in as the
user each page is for. The ANCHOR is defined here, not in the app: a plain route on the
same app (same session, login and security hooks) running one indexed query for 50
meetings joined to their partners through Invitation, eager-loaded, rendered by a
minimal Jinja template. cost_ratio = page median / anchor median.

`--clock cpu` times the process's CPU instead of the wall clock: steadier on a busy machine
while working on a page (the report keeps the wall clock: committed figures use the default).

Writes bench/report.json and prints a table; --strict exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
REPORT = ROOT / "bench" / "report.json"
MIGRATIONS = ROOT / "migrations"
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"

# Budgets (issue 8).
HTML_RATIO = 2.0
MAX_QUERIES = 12
FEED_MS = 150.0
PDF_MS = 1500.0  # a dossier of 24 meetings and 30 files built anew (issue 18; issue 6 said 3 s)
PDF_CACHED_MS = 50.0  # the same dossier downloaded again, unchanged (read from the cache)
FRAGMENT_SHARE = 0.20

CLOCK = time.perf_counter  # --clock cpu: time.process_time

sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

from bench import dataset  # noqa: E402
from bench.pages import PAGES, Page, forget, request, resolve, sign_in, url_values  # noqa: E402
from clas_local import create_app  # noqa: E402
from clas_local.config import Config  # noqa: E402
from clas_local.extensions import db  # noqa: E402


# -- the cached dataset ---------------------------------------------------------------------


def cache_key(scale: str) -> str:
    digest = hashlib.sha256(scale.encode())
    sources = [Path(dataset.__file__), *sorted((MIGRATIONS / "versions").glob("*.py"))]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def bench_config(database: Path, uploads: Path, outbox: Path) -> type[Config]:
    return type(
        "BenchConfig",
        (Config,),
        {
            "ENV_NAME": "bench",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "UPLOAD_FOLDER": str(uploads),
            "OUTBOX_FOLDER": str(outbox),
            "DOSSIER_CACHE_FOLDER": str(CACHE / "dossier-cache"),
            "BASE_URL": "http://localhost",
            # Forms are posted by the benchmark itself; the CSRF check is not what is measured.
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "",
        },
    )


def ensure_dataset(scale: str, rebuild: bool = False) -> Path:
    """The cache folder (db.sqlite, uploads/, meta.json) for this scale, built if needed."""
    from flask_migrate import upgrade

    folder = CACHE / f"{scale}-{cache_key(scale)}"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if (folder / "meta.json").exists():
        return folder
    for stale in CACHE.glob(f"{scale}-*"):
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink()
    partial = CACHE / f"{scale}-building"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"Building the {scale} dataset once into {folder.relative_to(ROOT)} …", flush=True)
    started = time.perf_counter()
    app = create_app(bench_config(partial / "db.sqlite", partial / "uploads", partial / "outbox"))
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        data = dataset.build(scale, app.config["UPLOAD_FOLDER"])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    meta = data.to_json()
    meta["built_seconds"] = round(time.perf_counter() - started, 1)
    (partial / "meta.json").write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
    partial.rename(folder)
    print(f"… built in {meta['built_seconds']} s", flush=True)
    return folder


def working_copy(folder: Path) -> Path:
    """A fresh copy of the cached database for this run (consistent, through SQLite's backup API)."""
    target = CACHE / f"run-{folder.name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(folder / "db.sqlite") as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


# -- the anchor -----------------------------------------------------------------------------

ANCHOR_TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Réunions – {{ committee.name }}</title></head>
<body><h1>Réunions</h1>
<table><caption>Les 50 dernières réunions</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Réunion</th><th scope="col">Invités</th></tr></thead>
<tbody>
{% for meeting in meetings %}<tr><td>{{ meeting.starts_at.strftime("%d/%m/%Y %H:%M") }}</td>
<td>{{ meeting.display_title }}</td>
<td>{% for invitation in meeting.invitations %}{{ invitation.partner.name }}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}</tbody></table></body></html>
"""


def add_anchor(app) -> None:
    """A careful hand-written page: one indexed query (ix_meeting_committee_starts), eager loading."""
    from flask_login import login_required

    from clas_local.committees.models import Committee
    from clas_local.invitations.models import Invitation
    from clas_local.meetings.models import Meeting

    template = app.jinja_env.from_string(ANCHOR_TEMPLATE)

    @login_required
    def anchor(slug: str):
        latest = (
            select(Meeting.id)
            .join(Committee, Committee.id == Meeting.committee_id)
            .where(Committee.slug == slug)
            .order_by(Meeting.starts_at.desc())
            .limit(50)
            .scalar_subquery()
        )
        meetings = (
            db.session.scalars(
                select(Meeting)
                .where(Meeting.id.in_(latest))
                .options(
                    joinedload(Meeting.committee),
                    joinedload(Meeting.invitations.and_(Invitation.contact_id.is_(None))).joinedload(Invitation.partner),
                )
                .order_by(Meeting.starts_at.desc())
            )
            .unique()
            .all()
        )
        committee = meetings[0].committee if meetings else None
        return template.render(committee=committee, meetings=meetings)

    app.add_url_rule("/__bench__/anchor/<slug>", "bench_anchor", anchor)


def watch_errors(app) -> list[str]:
    """The pages' exceptions, kept for the report instead of a traceback per request."""
    import logging

    from flask import got_request_exception

    seen: list[str] = []

    def on_exception(sender, exception, **extra):
        seen.append(f"{type(exception).__name__}: {exception}"[:300])

    got_request_exception.connect(on_exception, app, weak=False)
    app.logger.setLevel(logging.CRITICAL)
    logging.getLogger("clas_local.errors").setLevel(logging.CRITICAL)
    return seen


# -- measuring ------------------------------------------------------------------------------


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        self.statements: list[str] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")):
            return
        self.count += 1
        if self.keep:
            self.statements.append((statement, parameters))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))  # nearest rank
    return ordered[min(rank, len(ordered)) - 1]


def measure(client, page: Page, url: str, counter: QueryCounter, requests: int, anchor=None, warmup: int = 3) -> dict:
    """Time `requests` requests of the page. With `anchor` (client, url), an anchor request
    runs before each one, so that the ratio compares samples taken under the same machine load."""
    clock = CLOCK
    statuses = set()
    for _ in range(warmup):
        forget(client, page, url)
        response = request(client, page, url)
        statuses.add(response.status_code)
    times, queries, anchor_times = [], [], []
    body = b""
    for _ in range(requests):
        if anchor is not None:
            anchor_client, anchor_url = anchor
            started = clock()
            anchor_client.get(anchor_url)
            anchor_times.append((clock() - started) * 1000)
        forget(client, page, url)
        counter.count = 0
        started = clock()
        response = request(client, page, url)
        body = response.get_data()
        times.append((clock() - started) * 1000)
        queries.append(counter.count)
        statuses.add(response.status_code)
    result = {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "queries": max(queries),
        "bytes": len(body),
        "status": sorted(statuses),
    }
    if anchor_times:
        result["anchor_median_ms"] = round(statistics.median(anchor_times), 2)
    if page.kind == "feed":
        result["events"] = body.count(b"BEGIN:VEVENT")
    return result


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def check(page: Page, row: dict, by_name: dict) -> list[str]:
    """The budgets this page misses (empty: PASS)."""
    misses = []
    if row["status"] != [200]:
        misses.append(f"HTTP {row['status']}" + (f" ({row['error']})" if row.get("error") else ""))
    if page.kind in ("html", "fragment"):
        if row["cost_ratio"] > HTML_RATIO:
            misses.append(f"{row['cost_ratio']:.2f}× anchor > {HTML_RATIO}×")
        if row["queries"] > MAX_QUERIES:
            misses.append(f"{row['queries']} queries > {MAX_QUERIES}")
    if page.kind == "fragment" and page.full_page:
        full = by_name.get(page.full_page)
        if full and full.get("bytes"):
            share = row["bytes"] / full["bytes"]
            row["share_of_full_page"] = round(share, 3)
            if share > FRAGMENT_SHARE:
                misses.append(f"{share:.0%} of « {page.full_page} » bytes > {FRAGMENT_SHARE:.0%}")
        else:
            misses.append(f"full page « {page.full_page} » not measured")
    if page.kind == "feed":
        if row["median_ms"] > FEED_MS:
            misses.append(f"{row['median_ms']:.0f} ms > {FEED_MS:.0f} ms")
        if row.get("events", 0) < 1000:
            row["note"] = f"{row.get('events', 0)} events (< 1,000)"
    if page.kind == "pdf":
        limit = PDF_MS if page.cold else PDF_CACHED_MS
        if row["median_ms"] > limit:
            misses.append(f"{row['median_ms']:.0f} ms > {limit:.0f} ms")
    if page.kind == "pdf" and row.get("dossier"):
        row["note"] = "{meetings} meetings, {files} files in the dossier".format(**row["dossier"])
    return misses


def run(args) -> int:
    folder = ensure_dataset(args.scale, args.rebuild)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    database = working_copy(folder)
    app = create_app(bench_config(database, folder / "uploads", CACHE / "outbox"))
    add_anchor(app)
    errors = watch_errors(app)
    target = meta["targets"][0]
    with app.app_context():
        counter = QueryCounter(db.engine)
        values = url_values(target)
    clients = {}

    def client_for(role: str | None):
        if role not in clients:
            client = app.test_client()
            if role:
                sign_in(client, target[role])
            clients[role] = client
        return clients[role]

    anchor_page = Page("ANCHOR", "host")
    anchor_url = f"/__bench__/anchor/{target['slug']}"
    load_before = os.getloadavg()[0]
    anchor_times = measure(client_for("host"), anchor_page, anchor_url, counter, args.requests)

    pages = [page for page in PAGES if not args.only or page.name in args.only]
    rows, by_name = [], {}
    for page in pages:
        with app.app_context():
            url = resolve(app, page, values)
        if url is None:
            row = {"page": page.name, "status": "absent", "budget": "FAIL", "misses": ["route missing"]}
            rows.append(row)
            print(f"  {page.name:<36} absent", flush=True)
            continue
        client = client_for(page.role)
        if args.sql == page.name:
            show_sql(app, client, page, url, counter)
        if args.profile == page.name:
            profile(client, page, url)
        result = measure(client, page, url, counter, args.pdf_requests if page.kind == "pdf" else args.requests,
                         anchor=(client_for("host"), anchor_url))
        row = {"page": page.name, "url": url, **result}
        if page.kind == "pdf" and "/projects/" in url:
            row["dossier"] = target["dossiers"][url.split("/projects/")[1].split("/")[0]]
        if errors:
            row["error"] = errors.pop()
            errors.clear()
        rows.append(row)
        by_name[page.name] = row
        print(f"  {page.name:<36} {row['median_ms']:>8.1f} ms  {row['queries']:>3} queries", flush=True)

    anchor = {**anchor_times, "url": anchor_url}
    load_after = os.getloadavg()[0]

    failures = sum(1 for row in rows if row.get("status") == "absent")
    for page, row in zip(pages, rows):
        if row.get("status") == "absent":
            continue
        # Against the anchor requests interleaved with this page's (same load on the machine).
        row["cost_ratio"] = round(row["median_ms"] / row.get("anchor_median_ms", anchor["median_ms"]), 2)
    for page, row in zip(pages, rows):
        if row.get("status") == "absent":
            continue
        misses = check(page, row, by_name)
        if not page.budget:  # a stress case: reported, not judged
            row["budget"] = "info"
            row["note"] = "; ".join(filter(None, [row.get("note"), *(f"judged by no budget: {miss}" for miss in misses)]))
            continue
        row["budget"] = "FAIL" if misses else "PASS"
        if misses:
            row["misses"] = misses
            failures += 1

    report = {
        "scale": {"name": args.scale, **meta["counts"]},
        "machine": machine(),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "requests_per_page": args.requests,
        "anchor": anchor,
        "budgets": {"html_cost_ratio": HTML_RATIO, "html_queries": MAX_QUERIES, "feed_ms": FEED_MS,
                    "pdf_cold_ms": PDF_MS, "pdf_cached_ms": PDF_CACHED_MS, "fragment_share": FRAGMENT_SHARE},
        "pages": rows,
    }
    if not args.only:
        REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(table(report))
    print(f"\nReport: {REPORT.relative_to(ROOT)}" if not args.only else "")
    return 1 if failures and args.strict else 0


def table(report: dict) -> str:
    anchor = report["anchor"]
    lines = [
        f"Scale: {report['scale']['name']} — " + ", ".join(
            f"{report['scale'][key]:,} {label}" for key, label in (
                ("committee", "committees"), ("project", "projects"), ("partner", "partners"),
                ("contact", "contacts"), ("meeting", "meetings"), ("invitation", "invitations"),
                ("attendance", "attendance"), ("attendee", "attendees"), ("evidence_file", "evidence files"))
            if key in report["scale"]),
        f"Machine: {report['machine']} (load average {report['load_average'][0]} → {report['load_average'][1]})",
        f"Anchor: median {anchor['median_ms']:.2f} ms, p95 {anchor['p95_ms']:.2f} ms, "
        f"{anchor['queries']} queries, {anchor['bytes']:,} bytes",
        "",
        f"| {'page':<36} | {'median ms':>9} | {'p95 ms':>8} | {'queries':>7} | {'bytes':>9} | {'× anchor':>8} | budget |",
        f"|{'-' * 38}|{'-' * 10}:|{'-' * 9}:|{'-' * 8}:|{'-' * 10}:|{'-' * 9}:|--------|",
    ]
    for row in report["pages"]:
        if row.get("status") == "absent":
            lines.append(f"| {row['page']:<36} | {'absent':>9} | {'':>8} | {'':>7} | {'':>9} | {'':>8} | FAIL   |")
            continue
        lines.append(
            f"| {row['page']:<36} | {row['median_ms']:>9.1f} | {row['p95_ms']:>8.1f} | {row['queries']:>7} | "
            f"{row['bytes']:>9,} | {row['cost_ratio']:>8.2f} | {row['budget']:<6} |"
        )
    notes = [f"- {row['page']}: " + "; ".join(row.get("misses", []) + ([row["note"]] if row.get("note") else []))
             for row in report["pages"] if row.get("misses") or row.get("note")]
    return "\n".join(lines + ([""] + notes if notes else []))


# -- diagnosis ------------------------------------------------------------------------------


def show_sql(app, client, page: Page, url: str, counter: QueryCounter) -> None:
    """Print every statement one request runs, with SQLite's plan for each SELECT."""
    counter.statements, counter.keep = [], True
    request(client, page, url)
    counter.keep = False
    print(f"\n== {len(counter.statements)} statements for {page.name} ({url})")
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            for statement, parameters in counter.statements:
                print("\n" + statement.strip())
                if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    cursor = raw.cursor()
                    for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters or ()):
                        print("   plan:", row[-1])
        finally:
            raw.close()


def profile(client, page: Page, url: str) -> None:
    for _ in range(3):  # warm, as measured: templates compiled, calendars loaded
        forget(client, page, url)
        request(client, page, url)
    profiler = cProfile.Profile()
    for _ in range(10):
        forget(client, page, url)
        profiler.enable()
        request(client, page, url)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(45)
    print(f"\n== profile of 10 × {page.name}\n{out.getvalue()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="department", choices=sorted(dataset.SCALES))
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (after 3 warm-up)")
    parser.add_argument("--pdf-requests", type=int, default=30)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached dataset")
    parser.add_argument("--only", action="append", help="measure only this page (repeatable); no report")
    parser.add_argument("--sql", help="print the statements and query plans of one request of this page")
    parser.add_argument("--profile", help="cProfile 10 requests of this page")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: the process's CPU time, steadier on a busy machine (with --only, no report)")
    args = parser.parse_args(argv)
    if args.clock == "cpu":
        if not args.only:
            parser.error("--clock cpu goes with --only: the report keeps the wall clock")
        global CLOCK
        CLOCK = time.process_time
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
