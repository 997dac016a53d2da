from __future__ import annotations

import pytest

from clas_local.signals import meeting_changed


@pytest.fixture
def meeting_signals(app):
    """The meeting_changed signals sent during the test: [(meeting, kwargs), …]."""
    sent = []

    def receiver(meeting, **kwargs):
        sent.append((meeting, kwargs))

    meeting_changed.connect(receiver)
    yield sent
    meeting_changed.disconnect(receiver)
