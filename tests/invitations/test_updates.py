"""Updates done right: an answer given before a change of date stands « à reconfirmer » until
the person answers again; the answer page's download is a plain copy (PUBLISH, no ATTENDEE);
calendar names are escaped TEXT; a cancelled meeting keeps no time busy."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import icalendar

from clas_local.calendar.ics import build_calendar, meeting_event
from clas_local.calendar.writer import cached_event, event_data, publish_calendar
from clas_local.extensions import db
from clas_local.invitations import services, tokens
from clas_local.invitations.models import Answer, AnswerChannel
from clas_local.meetings import services as meetings
from clas_local.meetings.models import MeetingStatus
from tests.calendar.test_ics import fake_meeting
from tests.conftest import post
from tests.invitations.conftest import contact_invitation, visible


def test_a_new_time_asks_for_answers_again_and_a_new_answer_clears_it(client, invited):
    services.invite_contacts(invited.meeting, [invited.director.id])
    db.session.commit()
    row = contact_invitation(invited.meeting, invited.director)
    link = f"/rsvp/{tokens.make_token(row)}"
    assert post(client, link, {"answer": "accepted", "comment": ""}).status_code == 303

    # A change of place keeps the answer as it is.
    meetings.update_meeting(invited.meeting, place="Mairie annexe")
    db.session.commit()
    db.session.refresh(row)
    assert (row.answer, row.answer_to_reconfirm) == (Answer.ACCEPTED, False)

    start = invited.meeting.starts_at + timedelta(days=2)
    meetings.update_meeting(invited.meeting, starts_at=start, ends_at=start + timedelta(hours=1))
    db.session.commit()
    db.session.refresh(row)
    assert (row.answer, row.answer_to_reconfirm) == (Answer.ACCEPTED, True)
    assert "À reconfirmer : la date ou l'heure de la réunion a changé" in visible(client.get(link))

    assert post(client, link, {"answer": "declined", "comment": "Pas ce jour-là"}).status_code == 303
    db.session.refresh(row)
    assert (row.answer, row.answer_to_reconfirm, row.answer_channel) == (Answer.DECLINED, False, AnswerChannel.LINK)
    assert "À reconfirmer" not in visible(client.get(link))


def test_the_answer_page_download_is_a_copy_without_organizer_nor_attendee(client, invited):
    services.invite_contacts(invited.meeting, [invited.director.id])
    db.session.commit()
    row = contact_invitation(invited.meeting, invited.director)
    response = client.get(f"/rsvp/{tokens.make_token(row)}/reunion.ics")
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    event = calendar.walk("VEVENT")[0]
    assert "ATTENDEE" not in event and "ORGANIZER" not in event
    assert str(event["UID"]) == invited.meeting.uid


def test_calendar_names_are_escaped_text_in_both_writers():
    meeting = fake_meeting(1, datetime(2026, 11, 12, 16, 30, tzinfo=timezone.utc))
    name = "Réunions – Comité, quartier Nord; \\ Sud"
    escaped = b"Comit\xc3\xa9\\, quartier Nord\\; \\\\ Sud"
    library = build_calendar([meeting_event(meeting, "http://x")], method="PUBLISH", name=name, timezone="Europe/Paris")
    fast = publish_calendar([cached_event(event_data(meeting, "http://x"))], name=name, timezone="Europe/Paris").body
    for ics in (library, fast):
        assert b"\r\nNAME:R\xc3\xa9unions \xe2\x80\x93 " + escaped + b"\r\n" in ics
        assert b"\r\nX-WR-CALNAME:R\xc3\xa9unions \xe2\x80\x93 " + escaped + b"\r\n" in ics
        value = re.search(rb"\r\nNAME:(.*)\r\n", ics).group(1).decode()
        assert re.sub(r"\\([\\;,])", r"\1", value) == name  # RFC 5545 §3.3.11 unescaping


def test_a_cancelled_meeting_is_transparent_in_feeds_and_files():
    planned = fake_meeting(1, datetime(2026, 11, 12, 16, 30, tzinfo=timezone.utc))
    cancelled = fake_meeting(2, datetime(2026, 11, 19, 16, 30, tzinfo=timezone.utc), status=MeetingStatus.CANCELLED)
    fast = publish_calendar([cached_event(event_data(m, "http://x")) for m in (planned, cancelled)], name=None,
                            timezone="Europe/Paris").body
    library = build_calendar([meeting_event(m, "http://x") for m in (planned, cancelled)], method="PUBLISH", name=None,
                             timezone="Europe/Paris")
    for ics in (fast, library):
        events = {str(e["UID"]): str(e["TRANSP"]) for e in icalendar.Calendar.from_ical(ics).walk("VEVENT")}
        assert events == {planned.uid: "OPAQUE", cancelled.uid: "TRANSPARENT"}
