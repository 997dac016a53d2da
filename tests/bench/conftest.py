"""The small benchmark dataset, built by the generator into the test database."""

from __future__ import annotations

import pytest

from bench import dataset
from clas_local.extensions import db


@pytest.fixture
def app_config(app_config):
    # The attendance row is measured as the POST the page sends; CSRF is tested elsewhere.
    app_config["WTF_CSRF_ENABLED"] = False
    return app_config


@pytest.fixture
def bench_data(app) -> dataset.BenchData:
    data = dataset.build("small", app.config["UPLOAD_FOLDER"])
    db.session.commit()
    return data
