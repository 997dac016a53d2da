"""Subscribable calendar feeds: secret tokens (stored hashed), and what each feed holds.

A person's feed (CalendarFeed.committee None) holds every meeting they may see in all
their committees; a committee's feed, that committee's meetings as its owner may see
them. Rights are checked when the feed is fetched, not when the token was made: a
person who leaves a committee stops seeing its meetings at the next refresh.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

from flask import current_app, g
from sqlalchemy import DateTime, and_, delete, func, or_, select, type_coerce, union_all, update
from sqlalchemy.orm import joinedload

from clas_local.audit.services import record
from clas_local.auth.models import Membership
from clas_local.calendar.ics import FEED_REFRESH
from clas_local.calendar.models import CalendarFeed
from clas_local.calendar import writer
from clas_local.calendar.writer import Calendar, CommitteeData, EventData, ProjectData, WrittenEvent, publish_calendar
from clas_local.committees.models import Committee
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.meetings.models import Meeting
from clas_local.projects.models import Project
from clas_local.visibility import visible_meetings

TOKEN_BYTES = 32
# A feed holds the meetings of the last 12 months and everything to come (the feed page says
# so): a busy committee's feed stays the same size year after year.
FEED_WINDOW = timedelta(days=365)
# Part of every ETag: raise it when the writer's output changes for the same rows.
FEED_FORMAT = "3"
# Note a feed's use at most this often: clients refresh hourly, the database need not hear of each.
USE_NOTED_EVERY = timedelta(hours=6)
# EventData's fields read from the meeting row, in order.
EVENT_COLUMNS = (
    Meeting.id, Meeting.uid, Meeting.kind, Meeting.status, Meeting.sequence, Meeting.title, Meeting.starts_at,
    Meeting.ends_at, Meeting.place, Meeting.online_url, Meeting.agenda, Meeting.created_at, Meeting.updated_at,
)  # fmt: skip
# updated_at as the driver gives it, for the cache key only: the key need not be an aware
# datetime, and skipping UTCDateTime's conversion on thousands of rows saves real time.
RAW_UPDATED_AT = type_coerce(Meeting.updated_at, DateTime()).label("raw_updated_at")


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
    """The feed of a token, its user and committee loaded (one query), or None."""
    if not token or len(token) > 200:
        return None
    feed = db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.token_hash == hash_token(token))
        .options(joinedload(CalendarFeed.user), joinedload(CalendarFeed.committee))
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed


def window_start(now: datetime | None = None) -> datetime:
    """Midnight UTC, 12 months ago: meetings starting before are left out of feeds."""
    day = ((now or utcnow()) - FEED_WINDOW).date()
    return datetime(day.year, day.month, day.day, tzinfo=dt_timezone.utc)


@dataclass
class FeedScope:
    """What a feed shows: the committees whose meetings it holds (as its owner may see them), its name and zone."""

    committees: list[Committee]
    name: str
    timezone: str


def feed_scope(feed: CalendarFeed) -> FeedScope:
    """The committees of the feed's owner (all of them, or the feed's one if still a member), in
    one query; their memberships are remembered for permissions.membership (visible_meetings)."""
    query = (
        select(Membership, Committee)
        .join(Committee, Committee.id == Membership.committee_id)
        .where(Membership.user_id == feed.user_id)
        .order_by(Committee.name)
    )
    if feed.committee_id is not None:
        query = query.where(Membership.committee_id == feed.committee_id)
    cache: dict = g.setdefault("_memberships", {})
    committees = []
    for membership, committee in db.session.execute(query):
        cache[(feed.user_id, committee.id)] = membership
        committees.append(committee)
    if feed.committee_id is None:
        return FeedScope(committees, "Réunions Clas Local", committees[0].timezone if committees else "Europe/Paris")
    return FeedScope(committees, f"Réunions – {feed.committee.name}", feed.committee.timezone)


def version_stamp(user, scope: FeedScope, start: datetime) -> str:
    """A weak ETag for the feed, from one aggregate query: how many meetings it holds, which
    (sum of ids), their latest change and their projects' latest change, and what else the
    file is written from (committees' names and zones, base URL, window, writer format).
    A 304 costs this query, the feed's and the memberships', never the calendar."""
    committees = sorted(scope.committees, key=lambda committee: committee.id)
    row = (0, 0, None, None)
    if committees:
        visible = union_all(
            *(
                visible_meetings(user, committee)
                .where(Meeting.starts_at >= start)
                .with_only_columns(Meeting.id, RAW_UPDATED_AT, Meeting.project_id)
                for committee in committees
            )
        ).cte("feed_meetings")
        row = db.session.execute(
            select(
                func.count(visible.c.id),
                func.coalesce(func.sum(visible.c.id), 0),
                func.max(visible.c.raw_updated_at),
                func.max(type_coerce(Project.updated_at, DateTime())),
            ).select_from(visible.outerjoin(
                # Naming the committees lets PostgreSQL read their projects on the committee
                # index rather than hash the whole project table (national scale).
                Project,
                and_(Project.id == visible.c.project_id, Project.committee_id.in_([c.id for c in committees])),
            ))
        ).one()
    about = [(c.id, c.slug, c.name, c.timezone, str(c.updated_at)) for c in committees]
    key = repr((FEED_FORMAT, current_app.config["BASE_URL"], scope.name, scope.timezone, start.date().isoformat(),
                about, tuple(str(value) for value in row)))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def member_committees(user) -> list[Committee]:
    return list(
        db.session.scalars(
            select(Committee)
            .join(Membership, Membership.committee_id == Committee.id)
            .where(Membership.user_id == user.id)
            .order_by(Committee.name)
        )
    )


def feed_events(user, committees, base_url: str, start: datetime | None = None) -> list[WrittenEvent]:
    """What `user` may see of `committees`' meetings (cancelled ones too: feeds show them as
    cancelled), written, in time order.

    Per committee, one light query (id, sequence, updated_at, project) under the same rule
    as the meeting list (visibility.visible_meetings); when the cache lacks one of the
    events, a second query reads the whole rows. Columns, not Meeting objects: a feed
    holds thousands of rows and needs none of the ORM's bookkeeping."""
    events: list[WrittenEvent] = []
    # Core rows straight from the connection: the ORM's row processing costs more than the query.
    connection = db.session.connection()
    for committee in committees:
        about = CommitteeData(committee.slug, committee.name, committee.timezone)
        visible = (
            visible_meetings(user, committee)
            # The committee's condition lets PostgreSQL read its projects on their index
            # rather than hash every project of the instance.
            .join_from(Meeting, Project, and_(Project.id == Meeting.project_id, Project.committee_id == committee.id),
                       isouter=True)
            .order_by(Meeting.starts_at, Meeting.id)
        )
        if start is not None:
            visible = visible.where(Meeting.starts_at >= start)
        found = []
        keys = connection.execute(
            visible.with_only_columns(Meeting.id, Meeting.sequence, RAW_UPDATED_AT, Project.name, Project.school_year)
        ).all()
        for meeting_id, sequence, updated_at, project_name, school_year in keys:
            project = ProjectData(project_name, school_year) if project_name is not None else None
            written = writer.cache.get(writer.event_key(meeting_id, sequence, updated_at, about, project, base_url))
            if written is None:
                break
            found.append(written)
        else:
            events.extend(found)
            continue
        for *values, raw_updated_at, project_name, school_year in connection.execute(
            visible.with_only_columns(*EVENT_COLUMNS, RAW_UPDATED_AT, Project.name, Project.school_year)
        ):
            project = ProjectData(project_name, school_year) if project_name is not None else None
            data = EventData(*values, about, project, base_url)
            key = writer.event_key(data.id, data.sequence, raw_updated_at, about, project, base_url)
            events.append(writer.cached_event(data, key))
    return events


def feed_calendar(feed: CalendarFeed, scope: FeedScope | None = None, start: datetime | None = None) -> Calendar:
    """The feed's iCalendar, METHOD:PUBLISH, cancelled meetings included as such, within the window."""
    scope = scope or feed_scope(feed)
    # Committees in several zones: each event keeps its own TZID and each zone gets its VTIMEZONE.
    events = feed_events(feed.user, scope.committees, current_app.config["BASE_URL"], start or window_start())
    return publish_calendar(events, name=scope.name, timezone=scope.timezone, refresh=FEED_REFRESH)


def note_use(feed_id: int, last_used_at: datetime | None) -> None:
    """Remember when the feed was last fetched, at most every few hours: clients refresh
    hourly, and most fetches (304s included) then cost no write at all. The UPDATE is
    conditional: concurrent fetches do not fight over the row."""
    now = utcnow()
    if last_used_at is not None and last_used_at >= now - USE_NOTED_EVERY:
        return
    db.session.execute(
        update(CalendarFeed)
        .where(
            CalendarFeed.id == feed_id,
            or_(CalendarFeed.last_used_at.is_(None), CalendarFeed.last_used_at < now - USE_NOTED_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
