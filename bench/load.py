"""`make load`: gunicorn with 2 workers, a bounded number of concurrent clients for 20 s.

    .venv/bin/python bench/load.py [--engines sqlite,postgresql] [--clients 8] [--seconds 20]
                                   [--scale department]

SQLite: a copy of the cached benchmark database (see bench/run.py). PostgreSQL: a database
of its own on the TEST_DATABASE_URL server (created, migrated, filled, dropped at the end).
Clients are Python threads with http.client, one new connection per request (gunicorn's
sync workers close them), logged in with a session cookie signed like the app's own.
Three pages, taken in turn: the committee home, the meeting list, the committee's feed
(a page whose route is not there yet is replaced by the project list, and the table says so).
Prints throughput and latency per page; writes bench/cache/load-report.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from bench import dataset  # noqa: E402
from bench import run as bench  # noqa: E402  (bench/run.py: the cached dataset and the app config)
from bench.pages import PAGES, resolve, url_values  # noqa: E402
from clas_local import create_app  # noqa: E402
from clas_local.extensions import db  # noqa: E402

ROOT = bench.ROOT
VENV_BIN = Path(sys.executable).parent
LOAD_PAGES = ("committee home", "meeting list", "committee feed")
FALLBACK = "project list"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(app, user: dict) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user["session_token"], "_fresh": True, "_login_at": int(time.time())})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def prepare_sqlite(scale: str) -> tuple[str, Path, dict]:
    folder = bench.ensure_dataset(scale)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    database = bench.working_copy(folder)
    return f"sqlite:///{database}", folder / "uploads", meta


def prepare_postgresql(scale: str) -> tuple[str, Path, dict, callable]:
    from flask_migrate import upgrade

    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        raise SystemExit("TEST_DATABASE_URL=postgresql://… is needed for the PostgreSQL run.")
    server_url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"clas_load_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    uploads = bench.CACHE / f"load-pg-{os.getpid()}-uploads"
    print(f"Filling PostgreSQL database {name} with the {scale} dataset …", flush=True)
    started = time.perf_counter()
    app = create_app(bench.bench_config(Path("unused"), uploads, bench.CACHE / "outbox"))
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.extensions.pop("sqlalchemy", None)
    db.init_app(app)
    with app.app_context():
        upgrade(directory=str(bench.MIGRATIONS))
        data = dataset.build(scale, str(uploads))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    print(f"… filled in {time.perf_counter() - started:.0f} s", flush=True)

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(uploads, ignore_errors=True)

    return url, uploads, data.to_json(), drop


def start_gunicorn(database_url: str, uploads: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://", 1),
        "SECRET_KEY": bench.SECRET_KEY,
        "UPLOAD_FOLDER": str(uploads),
        "OUTBOX_FOLDER": str(bench.CACHE / "outbox"),
        "CLAS_ENV": "development",
        "RATELIMIT_STORAGE_URI": "",
    }
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:app"],
        cwd=ROOT, env=env,
    )
    wait_healthy(process, port)
    return process, port


def wait_healthy(process: subprocess.Popen, port: int) -> None:
    """Until gunicorn answers /healthz (stopped, and the run ended, after 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def hammer(port: int, targets: list[dict], clients: int, seconds: float) -> dict:
    """`clients` threads, each requesting the pages in turn until the time is up."""
    results = {target["page"]: [] for target in targets}
    errors = {target["page"]: 0 for target in targets}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int):
        n = offset
        while time.monotonic() < stop_at:
            target = targets[n % len(targets)]
            n += 1
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", target["url"], headers=target["headers"])
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                connection.close()
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    results[target["page"]].append(elapsed)
                else:
                    errors[target["page"]] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - began
    rows = []
    for target in targets:
        times = results[target["page"]]
        rows.append({
            "page": target["page"],
            "url": target["url"],
            "requests": len(times),
            "errors": errors[target["page"]],
            "throughput_rps": round(len(times) / duration, 1),
            "median_ms": round(statistics.median(times), 1) if times else None,
            "p95_ms": round(bench.percentile(times, 0.95), 1) if times else None,
        })
    total = sum(len(times) for times in results.values())
    return {"seconds": round(duration, 1), "throughput_rps": round(total / duration, 1), "pages": rows,
            "errors": sum(errors.values()),
            "p95_ms": round(bench.percentile([t for times in results.values() for t in times], 0.95), 1) if total else None}


def load_targets(database_url: str, uploads: Path, meta: dict) -> list[dict]:
    """The three pages' URLs and session cookies, resolved by an app bound to the same database."""
    app = create_app(bench.bench_config(Path("unused"), uploads, bench.CACHE / "outbox"))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.extensions.pop("sqlalchemy", None)
    db.init_app(app)
    target = meta["targets"][0]
    by_name = {page.name: page for page in PAGES}
    chosen = []
    with app.app_context():
        values = url_values(target)
        for name in LOAD_PAGES:
            page = by_name[name]
            url = resolve(app, page, values)
            label = name
            if url is None:
                page = by_name[FALLBACK]
                url = resolve(app, page, values)
                label = f"{FALLBACK} (instead of {name}: absent)"
            headers = {"Cookie": session_cookie(app, target[page.role])} if page.role else {}
            chosen.append({"page": label, "url": url, "headers": headers})
        db.engine.dispose()
    return chosen


def table(engine: str, result: dict, clients: int, workers: int) -> str:
    lines = [
        f"{engine}: gunicorn {workers} workers, {clients} concurrent clients, {result['seconds']} s — "
        f"{result['throughput_rps']} requests/s in all, p95 {result['p95_ms']} ms, {result['errors']} errors",
        f"| {'page':<44} | {'req/s':>6} | {'median ms':>9} | {'p95 ms':>7} | {'errors':>6} |",
        f"|{'-' * 46}|{'-' * 7}:|{'-' * 10}:|{'-' * 8}:|{'-' * 7}:|",
    ]
    for row in result["pages"]:
        lines.append(f"| {row['page']:<44} | {row['throughput_rps']:>6} | {row['median_ms']!s:>9} | "
                     f"{row['p95_ms']!s:>7} | {row['errors']:>6} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--scale", default="department", choices=sorted(dataset.SCALES))
    args = parser.parse_args(argv)
    report = {"machine": bench.machine(), "scale": args.scale, "clients": args.clients,
              "workers": args.workers, "runs": {}}
    outputs = []
    for engine in args.engines.split(","):
        cleanup = None
        if engine == "sqlite":
            url, uploads, meta = prepare_sqlite(args.scale)
        elif engine == "postgresql":
            if not os.environ.get("TEST_DATABASE_URL"):
                print("TEST_DATABASE_URL not set: PostgreSQL load run skipped.")
                continue
            url, uploads, meta, cleanup = prepare_postgresql(args.scale)
        else:
            raise SystemExit(f"unknown engine {engine}")
        try:
            targets = load_targets(url, uploads, meta)
            process, port = start_gunicorn(url, uploads, args.workers)
            try:
                for target in targets:  # warm both workers
                    for _ in range(4):
                        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                        connection.request("GET", target["url"], headers=target["headers"])
                        connection.getresponse().read()
                print(f"{engine}: {args.clients} clients for {args.seconds:.0f} s …", flush=True)
                result = hammer(port, targets, args.clients, args.seconds)
            finally:
                stop(process)
        finally:
            if cleanup:
                cleanup()
        report["runs"][engine] = result
        outputs.append(table(engine, result, args.clients, args.workers))
    (bench.CACHE / "load-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nMachine: {report['machine']}\n")
    print("\n\n".join(outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
