"""`make bench-explain`: every query of every committee page uses an index (PostgreSQL's EXPLAIN).

    .venv/bin/python bench/explain.py [--scale department|national] [--database-url URL] [--strict]

Without --database-url, a PostgreSQL database of its own is created on the TEST_DATABASE_URL
server, filled with the dataset, analysed, and dropped at the end (bench/load.py). Each page
of bench/pages.py is requested once in process; each SELECT it ran is explained with its own
parameters, and a sequential scan of a table holding more than SMALL_TABLE rows is a miss
(a planner may rightly scan a table of a few hundred rows). Writes bench/report-explain.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

from bench import load  # noqa: E402
from bench import run as bench  # noqa: E402
from bench.pages import PAGES, request, resolve, sign_in, url_values  # noqa: E402
from clas_local import create_app  # noqa: E402
from clas_local.extensions import db  # noqa: E402

REPORT = bench.ROOT / "bench" / "report-explain.json"
SMALL_TABLE = 1_000
SKIP = ("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")


def _tail(statement: str) -> str:
    """The statement from its outermost FROM on (its columns say little about its plan)."""
    flat = " ".join(statement.split())
    return flat[flat.find(" FROM ") :][:1200] if " FROM " in flat else flat[:1200]


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def explain_pages(app, meta: dict) -> list[dict]:
    target = meta["targets"][0]
    rows = []
    with app.app_context():
        sizes = dict(db.session.execute(text(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )).all())  # fmt: skip
        values = url_values(target)
        captured: list[tuple[str, object]] = []

        def keep(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(SKIP):
                captured.append((statement, parameters))

        for page in PAGES:
            if page.cold or page.kind == "pdf":
                continue  # the PDF's queries are the dossier page's
            url = resolve(app, page, values)
            if url is None:
                continue
            client = app.test_client()
            if page.role:
                sign_in(client, target[page.role])
            captured.clear()
            event.listen(db.engine, "before_cursor_execute", keep)
            try:
                request(client, page, url)
            finally:
                event.remove(db.engine, "before_cursor_execute", keep)
            scans = []
            selects = [(s, p) for s, p in captured if s.lstrip().upper().startswith(("SELECT", "WITH"))]
            with db.engine.connect() as connection:
                for statement, parameters in selects:
                    plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
                    for node in plan_nodes(plan[0]["Plan"]):
                        table = node.get("Relation Name")
                        if node["Node Type"] == "Seq Scan" and sizes.get(table, 0) > SMALL_TABLE:
                            scans.append({"table": table, "rows": sizes[table], "statement": _tail(statement)})
            rows.append({"page": page.name, "url": url, "selects": len(selects), "seq_scans": scans,
                         "budget": "FAIL" if scans else "PASS"})  # fmt: skip
            print(f"  {page.name:<26} {len(selects):>3} selects  "
                  + ("every one on an index" if not scans else f"{len(scans)} sequential scans: "
                     + ", ".join(sorted({scan['table'] for scan in scans}))), flush=True)  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="department", choices=sorted(bench.dataset.SCALES))
    parser.add_argument("--database-url", help="an already filled PostgreSQL database (kept)")
    parser.add_argument("--meta", help="with --database-url: the BenchData JSON that bench-data printed")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a query scans a large table")
    parser.add_argument("--keep", action="store_true", help="keep the database it filled (and print its URL and meta file)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    cleanup = None
    if args.database_url:
        url, uploads = args.database_url, bench.CACHE / "explain-uploads"
        meta = json.loads(Path(args.meta).read_text(encoding="utf-8"))
    else:
        url, uploads, meta, cleanup = load.prepare_postgresql(args.scale)
    filled = time.perf_counter() - started
    try:
        app = create_app(bench.bench_config(Path("unused"), uploads, bench.CACHE / "outbox"))
        app.config["SQLALCHEMY_DATABASE_URI"] = url
        app.config["DOSSIER_CACHE_FOLDER"] = str(bench.CACHE / "explain-pdf-cache")
        app.extensions.pop("sqlalchemy", None)
        db.init_app(app)
        rows = explain_pages(app, meta)
    finally:
        if cleanup and args.keep:
            kept = bench.CACHE / f"explain-{args.scale}-meta.json"
            kept.write_text(json.dumps(meta, default=str), encoding="utf-8")
            print(f"Kept: --database-url {url} --meta {kept}")
        elif cleanup:
            cleanup()
    # A kept database says its own scale; its filling time belongs to the run that filled it.
    report = {"scale": {"name": meta.get("scale", args.scale), **meta.get("counts", {})}, "machine": bench.machine(),
              "filled_seconds": None if args.database_url else round(filled),
              "small_table_rows": SMALL_TABLE, "pages": rows}  # fmt: skip
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    misses = [row for row in rows if row["seq_scans"]]
    print(f"\n{len(rows) - len(misses)} of {len(rows)} pages: every query on an index. Report: {REPORT.relative_to(bench.ROOT)}")
    return 1 if misses and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
