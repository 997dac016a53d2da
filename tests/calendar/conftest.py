import pytest

from clas_local.calendar import writer


@pytest.fixture(autouse=True)
def empty_event_cache():
    """Each test starts with no written event kept: test databases reuse meeting ids."""
    writer.cache.clear()
    yield
    writer.cache.clear()
