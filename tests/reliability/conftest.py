"""The SQLite writers' queue exists on SQLite only: its tests are not collected on PostgreSQL
(rather than reported as skipped there, where a skip means a test that should have run)."""

from tests.conftest import ENGINE

collect_ignore = [] if ENGINE == "sqlite" else ["test_write_queue.py"]
