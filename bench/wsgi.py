"""The application as `make bench-http` serves it through gunicorn: the bench's config and its anchor route.

    gunicorn bench.wsgi:app   (BENCH_DATABASE_URL, BENCH_UPLOADS, BENCH_OUTBOX, BENCH_PDF_CACHE)
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.run import add_anchor, bench_config
from clas_local import create_app


def make_app():
    config = bench_config(Path("unused"), Path(os.environ["BENCH_UPLOADS"]), Path(os.environ["BENCH_OUTBOX"]))
    url = os.environ["BENCH_DATABASE_URL"]
    if url.startswith("postgresql://"):  # the driver we install
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    config.SQLALCHEMY_DATABASE_URI = url
    config.DOSSIER_CACHE_FOLDER = os.environ["BENCH_PDF_CACHE"]
    application = create_app(config)
    add_anchor(application)
    return application


app = make_app()
