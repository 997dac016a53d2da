from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clas_local.extensions import db


def test_migrations_match_the_models(app):
    """The schema the migrations built (on this run's engine) is exactly the models' schema."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_migrations_reached_the_head(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
