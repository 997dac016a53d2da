"""The calendars of invitation e-mails (REQUEST, CANCEL) read right in every reader — ical.js,
the strict parser and the RDATE-blind reader — in Paris across both DST changes and in the
overseas zones, with the ORGANIZER a reply address when replies are read."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from clas_local.calendar.ics import build_calendar
from clas_local.invitations import itip
from tests.calendar.ical_tools import assert_both_parsers_read
from tests.calendar.test_ics import ZONES, fake_meeting, local_starts


@pytest.mark.parametrize(("tz", "method"), [(tz, itip.REQUEST) for tz in ZONES] + [("Europe/Paris", itip.CANCEL)])
def test_invitation_calendars_in_every_zone_read_alike(app, tz, method):
    meetings = [fake_meeting(n, start, tz) for n, start in enumerate(local_starts(tz))]
    for meeting in meetings:
        meeting.committee.sender_email = "concertation@rennes.example.fr"
    # One e-mail's calendar per meeting, read all at once: the events as invitation_calendar
    # writes them (ORGANIZER, SEQUENCE…), in one VCALENDAR with the zone's VTIMEZONE.
    single = itip.invitation_calendar(meetings[0], [], method)
    assert f"METHOD:{method}".encode() in single
    assert_both_parsers_read(single, meetings[:1])
    ics = build_calendar([itip.invitation_event(m, []) for m in meetings], method=method, name=None, timezone=tz)
    assert_both_parsers_read(ics, meetings)


def test_the_organizer_is_the_persons_reply_address_when_replies_are_read(app):
    app.config.update(IMAP_SERVER="imap.mairie.example.fr", MAIL_REPLY_ADDRESS="reponses+{token}@mairie.example.fr")
    meeting = fake_meeting(1, local_starts("Europe/Paris")[0])
    meeting.committee.sender_email = "concertation@rennes.example.fr"
    recipient = SimpleNamespace(id=41, meeting_id=1, rsvp_nonce="nonce")
    ics = itip.invitation_calendar(meeting, [], itip.REQUEST, recipient).decode()
    assert re.search(r'ORGANIZER;CN="?Comité local de Rennes"?:mailto:reponses\+41-[a-z2-7]{26}@mairie\.example\.fr\r\n',
                     ics.replace("\r\n ", ""))
    app.config.update(IMAP_SERVER="")
    ics = itip.invitation_calendar(meeting, [], itip.REQUEST, recipient).decode()
    assert "mailto:concertation@rennes.example.fr" in ics.replace("\r\n ", "")
