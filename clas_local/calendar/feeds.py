"""Subscribable calendar feeds: secret tokens (stored hashed), and what each feed holds.

A person's feed (CalendarFeed.committee None) holds every meeting they may see in all
their committees; a committee's feed, that committee's meetings as its owner may see
them. Rights are checked when the feed is fetched, not when the token was made: a
person who leaves a committee stops seeing its meetings at the next refresh.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from clas_local.audit.services import record
from clas_local.auth.models import Membership
from clas_local.calendar.ics import FEED_REFRESH, build_calendar, meeting_event
from clas_local.calendar.models import CalendarFeed
from clas_local.committees.models import Committee
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.meetings.queries import feed_meetings

TOKEN_BYTES = 32
# Note a feed's use at most this often: clients refresh hourly, the database need not hear of each.
USE_NOTED_EVERY = timedelta(hours=6)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_url(token: str, *, webcal: bool = False) -> str:
    url = f"{current_app.config['BASE_URL'].rstrip('/')}/cal/{token}.ics"
    if webcal:
        return "webcal://" + url.split("://", 1)[1]
    return url


def regenerate_feed(user, committee: Committee | None = None) -> str:
    """A new secret token for the user's feed (personal, or of one committee); the old
    URL stops working. Returns the token: it is shown once and never stored in clear."""
    db.session.execute(
        delete(CalendarFeed).where(
            CalendarFeed.user_id == user.id,
            CalendarFeed.committee_id.is_(None) if committee is None else CalendarFeed.committee_id == committee.id,
        )
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(user_id=user.id, committee_id=committee.id if committee else None, token_hash=hash_token(token))
    db.session.add(feed)
    db.session.flush()
    record(
        "calendar_feed.regenerated",
        feed,
        committee=committee,
        actor=user,
        summary="Lien d'agenda " + (f"du comité {committee.name}" if committee else "personnel") + " renouvelé",
    )
    return token


def user_feeds(user) -> dict[int | None, CalendarFeed]:
    """The user's feeds by committee id (None: the personal feed)."""
    feeds = db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return {feed.committee_id: feed for feed in feeds}


def find_feed(token: str) -> CalendarFeed | None:
    if not token or len(token) > 200:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token)))
    if feed is None or not feed.user.is_active:
        return None
    return feed


def member_committees(user) -> list[Committee]:
    return list(
        db.session.scalars(
            select(Committee)
            .join(Membership, Membership.committee_id == Committee.id)
            .where(Membership.user_id == user.id)
            .order_by(Committee.name)
        )
    )


def feed_calendar(feed: CalendarFeed) -> bytes:
    """The feed's iCalendar, METHOD:PUBLISH, cancelled meetings included as such."""
    user = feed.user
    if feed.committee_id is None:
        committees = member_committees(user)
        name = "Réunions Clas Local"
        timezone = committees[0].timezone if committees else "Europe/Paris"
    else:
        is_member = db.session.scalar(
            select(Membership.id).where(Membership.user_id == user.id, Membership.committee_id == feed.committee_id)
        )
        committees = [feed.committee] if is_member else []
        name = f"Réunions – {feed.committee.name}"
        timezone = feed.committee.timezone
    meetings = feed_meetings(user, committees)
    zones = {meeting.committee.timezone for meeting in meetings}
    if len(zones) > 1:
        # Committees in several zones: one calendar per zone is not possible in one file,
        # so the events keep their own TZID and each zone gets its VTIMEZONE.
        return _multi_zone_calendar(meetings, name, timezone)
    base_url = current_app.config["BASE_URL"]
    return build_calendar(
        [meeting_event(meeting, base_url) for meeting in meetings],
        method="PUBLISH",
        name=name,
        timezone=zones.pop() if zones else timezone,
        refresh=FEED_REFRESH,
    )


def _multi_zone_calendar(meetings, name: str, timezone: str) -> bytes:
    import icalendar

    from clas_local.calendar.ics import _event_years, vtimezone

    base_url = current_app.config["BASE_URL"]
    events = [meeting_event(meeting, base_url) for meeting in meetings]
    calendar = icalendar.Calendar.from_ical(
        build_calendar(events, method="PUBLISH", name=name, timezone=timezone, refresh=FEED_REFRESH)
    )
    first, last = _event_years(events)
    for zone in sorted({m.committee.timezone for m in meetings} - {timezone}):
        calendar.subcomponents.insert(1, vtimezone(zone, first, last))
    return calendar.to_ical()


def note_use(feed: CalendarFeed) -> None:
    """Remember when the feed was last fetched, at most every few hours.

    Always one conditional UPDATE: the fetch costs the same number of queries whether or
    not the date is due, and concurrent fetches do not fight over the row."""
    now = utcnow()
    db.session.execute(
        update(CalendarFeed)
        .where(
            CalendarFeed.id == feed.id,
            or_(CalendarFeed.last_used_at.is_(None), CalendarFeed.last_used_at < now - USE_NOTED_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
