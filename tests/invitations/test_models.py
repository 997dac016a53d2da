"""One rule each: an organisation's answer from its own and its people's (the Answer enum's
order), and until when invitees may answer (Meeting.open_for_answers)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from clas_local.invitations.models import Answer
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus

A, T, D, P = Answer.ACCEPTED, Answer.TENTATIVE, Answer.DECLINED, Answer.PENDING


@pytest.mark.parametrize(("answers", "best"), [
    ((), P),
    ((P, P), P),
    ((D, P), D),
    ((D, T, P), T),
    ((D, T, A), A),
    ((A, D), A),
])
def test_someone_coming_outweighs_maybe_which_outweighs_excused(answers, best):
    assert Answer.best(answers) is best


def test_answers_are_open_until_the_meeting_ends_and_never_once_it_is_cancelled():
    """The answer link and the school's own page apply this one rule (same boundary)."""
    end = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc)
    meeting = Meeting(kind=MeetingKind.SUIVI, status=MeetingStatus.PLANNED, starts_at=end - timedelta(hours=2), ends_at=end)
    assert meeting.open_for_answers(end - timedelta(seconds=1))
    assert not meeting.open_for_answers(end)
    meeting.status = MeetingStatus.CANCELLED
    assert not meeting.open_for_answers(end - timedelta(days=1))
