"""`make bench-http`: every page of `make bench`, served by gunicorn, measured from outside.

    .venv/bin/python bench/http_pages.py [--engine sqlite|postgresql] [--scale department]
                                         [--rounds 3] [--seconds 2] [--only PAGE] [--strict]

gunicorn runs the application with 2 sync workers (bench/wsgi.py: the bench's config and its
anchor route) on the department dataset (a copy of bench/cache's SQLite database, or a
PostgreSQL database of its own, see bench/load.py). The load generator is wrk (Debian's
package: `apt install wrk`), 2 threads and 8 connections. Each page is measured in rounds:
wrk on the anchor for N seconds, then on the page for N seconds, `--rounds` times; the ratio
compares the page's median latency with the anchor's rounds taken just around it, so that
a busy machine slows both alike. The load average is recorded with each page.

Budgets: HTML pages and fragments ≤ 1.5 × the anchor's median, every page's p95 ≤ 3 × its
own median, fragments ≤ 20 % of their page's bytes, ≤ 12 queries (counted in process, one
request each). Writes bench/report-http.json; --strict exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load  # noqa: E402
from bench import run as bench  # noqa: E402
from bench.pages import PAGES, Page, request, resolve, sign_in, url_values  # noqa: E402
from clas_local import create_app  # noqa: E402
from clas_local.extensions import db  # noqa: E402

ROOT = bench.ROOT
REPORT = ROOT / "bench" / "report-http.json"
VENV_BIN = Path(sys.executable).parent

HTML_RATIO = 1.5
P95_RATIO = 3.0
MAX_QUERIES = bench.MAX_QUERIES
FRAGMENT_SHARE = bench.FRAGMENT_SHARE
MIN_REQUESTS = 20  # per page (and per anchor), over all its rounds
CONNECTIONS = 8
THREADS = 2

WRK_SCRIPT = """
wrk.method = [==[{method}]==]
{body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{{"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "status_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed (Debian: sudo apt install wrk).")
    return found


def wrk_script(target: dict, folder: Path) -> Path:
    body = f"wrk.body = [==[{target['body']}]==]" if target.get("body") else ""
    headers = "\n".join(f'wrk.headers["{name}"] = [==[{value}]==]' for name, value in target["headers"].items())
    path = folder / f"{abs(hash(target['url']))}-{target['method']}.lua"
    path.write_text(WRK_SCRIPT.format(method=target["method"], body=body, headers=headers), encoding="utf-8")
    return path


def run_wrk(wrk: str, port: int, target: dict, seconds: float, folder: Path) -> dict:
    script = wrk_script(target, folder)
    output = subprocess.run(
        [wrk, "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds:g}s", "--timeout", "30s",
         "-s", str(script), f"http://127.0.0.1:{port}{target['url']}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    drain(port)
    line = [line for line in output.stdout.splitlines() if line.startswith("{")][-1]
    result = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if os.environ.get("BENCH_DEBUG"):
        print(target["url"], result, output.stdout[-600:], output.stderr[-600:])
    return result


def drain(port: int) -> None:
    """Wait until the requests wrk left queued when it stopped are served: gunicorn accepts
    connections in order, so a request sent now is answered after them (one per worker)."""
    import http.client

    for _ in range(2):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        connection.close()


def warm(port: int, target: dict) -> None:
    """One request before the page's rounds: a PDF that a page measured before made stale
    (the attendance row changes the dossier's) is built here, not inside the timed runs."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request(target["method"], target["url"], body=target.get("body") or None, headers=target["headers"])
    connection.getresponse().read()
    connection.close()


def rounds(wrk: str, port: int, page: dict, anchor: dict, count: int, seconds: float, folder: Path) -> dict:
    """The page and the anchor, alternated: anchor, page, anchor, page…"""
    warm(port, page)
    page_runs, anchor_runs = [], []
    load_before = os.getloadavg()[0]
    for _ in range(count):
        anchor_runs.append(run_wrk(wrk, port, anchor, seconds, folder))
        page_runs.append(run_wrk(wrk, port, page, seconds, folder))

    def summary(runs):
        runs = [run for run in runs if run["requests"]] or runs  # a run too short to finish one request
        return {
            "requests_per_s": round(statistics.median(run["rps"] for run in runs), 1),
            "median_ms": round(statistics.median(run["p50_us"] for run in runs) / 1000, 2),
            "p95_ms": round(statistics.median(run["p95_us"] for run in runs) / 1000, 2),
            "requests": sum(run["requests"] for run in runs),
            "errors": sum(run["errors"] + run["status_errors"] for run in runs),
        }

    result = summary(page_runs)
    result["anchor"] = summary(anchor_runs)
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result


def targets(app, meta: dict, pages: list[Page]) -> tuple[dict, list[dict]]:
    """Each page's URL, method, headers (its user's session cookie), bytes and query count."""
    from sqlalchemy import event

    target = meta["targets"][0]
    counter = {"n": 0}

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")):
            counter["n"] += 1

    chosen = []
    with app.app_context():
        engine = db.engine
        values = url_values(target)
        urls = {page.name: resolve(app, page, values) for page in pages}
        anchor = {"page": "ANCHOR", "url": f"/__bench__/anchor/{target['slug']}", "method": "GET",
                  "headers": {"Cookie": load.session_cookie(app, target["host"])}}  # fmt: skip
        cookies = {role: load.session_cookie(app, target[role]) for role in {p.role for p in pages if p.role}}
    # The requests run outside that app context: each gets its own, as under gunicorn (a shared
    # one would keep the first request's user in flask.g for all of them).
    event.listen(engine, "before_cursor_execute", count)
    for page in pages:
        url = urls[page.name]
        if url is None:
            chosen.append({"page": page.name, "absent": True})
            continue
        headers = {"Cookie": cookies[page.role]} if page.role else {}
        if page.htmx:
            headers["HX-Request"] = "true"
        body = ""
        if page.method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = "&".join(f"{key}={value}" for key, value in page.data.items())
        client = app.test_client()
        if page.role:
            sign_in(client, target[page.role])
        request(client, page, url)  # warm
        counter["n"] = 0
        response = request(client, page, url)
        chosen.append({"page": page.name, "kind": page.kind, "url": url, "method": page.method,
                       "headers": headers, "body": body, "queries": counter["n"],
                       "bytes": len(response.get_data()), "status": response.status_code,
                       "full_page": page.full_page})  # fmt: skip
    event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    return anchor, chosen


def check(row: dict, by_name: dict) -> list[str]:
    misses = []
    if row["status"] != 200 or row["errors"]:
        misses.append(f"HTTP {row['status']}, {row['errors']} errors over HTTP")
    if min(row["requests"], row["anchor"]["requests"]) < MIN_REQUESTS:
        misses.append(f"{min(row['requests'], row['anchor']['requests'])} requests: too few to judge (--seconds)")
    if row["kind"] in ("html", "fragment"):
        if row["cost_ratio"] > HTML_RATIO:
            misses.append(f"{row['cost_ratio']:.2f}× anchor > {HTML_RATIO}×")
        if row["queries"] > MAX_QUERIES:
            misses.append(f"{row['queries']} queries > {MAX_QUERIES}")
    if row["p95_ms"] > P95_RATIO * row["median_ms"]:
        misses.append(f"p95 {row['p95_ms']:.0f} ms > {P95_RATIO:.0f} × median")
    if row["kind"] == "fragment" and row.get("full_page"):
        full = by_name.get(row["full_page"])
        if full:
            share = row["bytes"] / full["bytes"]
            row["share_of_full_page"] = round(share, 3)
            if share > FRAGMENT_SHARE:
                misses.append(f"{share:.0%} of « {row['full_page']} » bytes > {FRAGMENT_SHARE:.0%}")
    return misses


def worker_rss_mb(master: int) -> list[float]:
    """The resident memory of each gunicorn worker (children of the master), in MB."""
    sizes = []
    children = Path(f"/proc/{master}/task/{master}/children")
    for pid in children.read_text().split() if children.exists() else ():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


def prepare(engine: str, scale: str, database_url: str | None = None, meta_file: str | None = None):
    if database_url:  # an already filled database (bench/explain.py --keep), kept afterwards
        meta = json.loads(Path(meta_file).read_text(encoding="utf-8"))
        return database_url, bench.CACHE / "explain-uploads", meta, None
    if engine == "sqlite":
        url, uploads, meta = load.prepare_sqlite(scale)
        return url, uploads, meta, None
    if engine == "postgresql":
        return load.prepare_postgresql(scale)
    raise SystemExit(f"unknown engine {engine}")


def start_gunicorn(database_url: str, uploads: Path, pdf_cache: Path, workers: int):
    port = load.free_port()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "BENCH_UPLOADS": str(uploads),
        "BENCH_OUTBOX": str(bench.CACHE / "outbox"),
        "BENCH_PDF_CACHE": str(pdf_cache),
        "CLAS_ENV": "development",
    }
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "300", "--log-level", "warning", "bench.wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    load.wait_healthy(process, port)
    return process, port


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--scale", default="department", choices=sorted(bench.dataset.SCALES))
    parser.add_argument("--rounds", type=int, default=3, help="anchor/page alternations per page")
    parser.add_argument("--seconds", type=float, default=5, help="length of each wrk run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", action="append", help="measure only this page (repeatable); no report")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed")
    parser.add_argument("--database-url", help="an already filled database (e.g. national, kept by bench/explain.py --keep)")
    parser.add_argument("--meta", help="with --database-url: its BenchData JSON")
    parser.add_argument("--report", type=Path, default=REPORT,
                        help="where to write the report (e.g. bench/report-http-national.json for a kept national database)")
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    pages = [page for page in PAGES if not page.cold and (not args.only or page.name in args.only)]
    url, uploads, meta, cleanup = prepare(args.engine, args.scale, args.database_url, args.meta)
    rss: list[float] = []
    pdf_cache = Path(tempfile.mkdtemp(prefix="pdf-cache-", dir=bench.CACHE))
    try:
        app = create_app(bench.bench_config(Path("unused"), uploads, bench.CACHE / "outbox"))
        app.config["SQLALCHEMY_DATABASE_URI"] = url
        app.config["DOSSIER_CACHE_FOLDER"] = str(pdf_cache)
        app.extensions.pop("sqlalchemy", None)
        db.init_app(app)
        anchor, chosen = targets(app, meta, pages)
        process, port = start_gunicorn(url, uploads, pdf_cache, args.workers)
        rows, by_name = [], {}
        try:
            with tempfile.TemporaryDirectory() as folder:
                for target in [anchor, *chosen]:  # warm both workers (and the PDF cache)
                    if not target.get("absent"):
                        run_wrk(wrk, port, target, 1, Path(folder))
                for target in chosen:
                    if target.get("absent"):
                        rows.append({"page": target["page"], "status": "absent", "budget": "FAIL",
                                     "misses": ["route missing"]})  # fmt: skip
                        continue
                    measured = rounds(wrk, port, target, anchor, args.rounds, args.seconds, Path(folder))
                    row = {key: target[key] for key in ("page", "kind", "url", "method", "queries", "bytes", "status")}
                    row.update(measured)
                    row["full_page"] = target["full_page"]
                    row["cost_ratio"] = round(row["median_ms"] / max(row["anchor"]["median_ms"], 0.01), 2)
                    rows.append(row)
                    by_name[row["page"]] = row
                    print(f"  {row['page']:<26} {row['median_ms']:>8.1f} ms  ×{row['cost_ratio']:.2f}  "
                          f"{row['requests_per_s']:>7.1f} req/s  (load {row['load_average'][1]})", flush=True)  # fmt: skip
            rss = worker_rss_mb(process.pid)
        finally:
            load.stop(process)
    finally:
        shutil.rmtree(pdf_cache, ignore_errors=True)
        if cleanup:
            cleanup()
    failures = 0
    for row in rows:
        if row.get("status") == "absent":
            failures += 1
            continue
        misses = check(row, by_name)
        row["budget"] = "FAIL" if misses else "PASS"
        if misses:
            row["misses"] = misses
            failures += 1
    engine = "postgresql" if (args.database_url or "").startswith("postgresql") else args.engine
    report = {
        "engine": engine,
        "scale": {"name": meta.get("scale", args.scale), **meta["counts"]},
        "machine": bench.machine(),
        "server": f"gunicorn, {args.workers} sync workers",
        "load_generator": f"wrk, {THREADS} threads, {CONNECTIONS} connections, {args.rounds} rounds of "
                          f"{args.seconds:g} s on the anchor then {args.seconds:g} s on the page",
        "budgets": {"html_cost_ratio": HTML_RATIO, "p95_over_median": P95_RATIO, "queries": MAX_QUERIES,
                    "fragment_share": FRAGMENT_SHARE},
        "worker_rss_mb": rss,
        "pages": rows,
    }  # fmt: skip
    if not args.only:
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(table(report))
    return 1 if failures and args.strict else 0


def table(report: dict) -> str:
    lines = [
        f"{report['engine']}, {report['scale']['name']}: {report['server']}; {report['load_generator']}",
        f"Machine: {report['machine']}; RSS of each worker after the run: {report.get('worker_rss_mb')} MB",
        "",
        "| page | req/s | median ms | p95 ms | anchor median ms | × anchor | queries | bytes | load | budget |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in report["pages"]:
        if row.get("status") == "absent":
            lines.append(f"| {row['page']} | absent | | | | | | | | FAIL |")
            continue
        lines.append(
            f"| {row['page']} | {row['requests_per_s']:.1f} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{row['anchor']['median_ms']:.1f} | {row['cost_ratio']:.2f} | {row['queries']} | {row['bytes']:,} | "
            f"{row['load_average'][1]:.1f} | {row['budget'].lower()} |"
        )
    notes = [f"- {row['page']}: " + "; ".join(row["misses"]) for row in report["pages"] if row.get("misses")]
    return "\n".join(lines + ([""] + notes if notes else []))


if __name__ == "__main__":
    sys.exit(main())
