"""Calendar files: a meeting's and a project's .ics, subscribable feeds, and the page to manage them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from flask_login import current_user, login_required

from clas_local import htmx
from clas_local.calendar import feeds
from clas_local.calendar.writer import cached_event, event_data, publish_calendar
from clas_local.committees.models import Committee
from clas_local.extensions import db
from clas_local.loaders import load_committee, load_meeting, load_project
from clas_local.forms import Form
from clas_local.security import keep_cache_control
from clas_local.meetings.queries import project_meetings

bp = Blueprint("calendar", __name__)

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _ics_response(body: bytes, *, method: str, filename: str | None) -> Response:
    response = Response(body, content_type=f"{CALENDAR_TYPE}; method={method}")
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if filename else "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/c/<slug>/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id)
    calendar = publish_calendar(
        [cached_event(event_data(meeting, current_app.config["BASE_URL"]))], name=None, timezone=committee.timezone
    )
    return _ics_response(calendar.body, method="PUBLISH", filename=f"reunion-{meeting.id}.ics")


@bp.get("/c/<slug>/projects/<int:project_id>/calendar.ics")
@login_required
def project_ics(slug: str, project_id: int):
    committee = load_committee(slug)
    project = load_project(committee, project_id)
    base_url = current_app.config["BASE_URL"]
    calendar = publish_calendar(
        [cached_event(event_data(meeting, base_url)) for meeting in project_meetings(project)],
        name=f"Réunions – {project.name}",
        timezone=committee.timezone,
    )
    return _ics_response(calendar.body, method="PUBLISH", filename=f"projet-{project.id}-reunions.ics")


@bp.get("/cal/<token>.ics")
def feed(token: str):
    """A subscribed calendar: no session, the secret token is the key. Unknown token: 404.

    The answer carries a weak ETag from the feed's version stamp (feeds.version_stamp: one
    aggregate query), so a client that sends it back in If-None-Match gets 304 without the
    calendar being built — three statements in all. There is no Last-Modified: a meeting
    leaving the feed (rights withdrawn, deleted) moves no date, so If-Modified-Since could
    not be answered safely. `private, max-age=300`: the client may keep it a few minutes,
    no shared cache may."""
    found = feeds.find_feed(token)
    if found is None:
        abort(404)
    scope = feeds.feed_scope(found)
    start = feeds.window_start()
    etag = feeds.version_stamp(found.user, scope, start)
    if request.if_none_match.contains_weak(etag):
        response = _ics_response(b"", method="PUBLISH", filename=None)
        response.status_code = 304
    else:
        response = _ics_response(feeds.feed_calendar(found, scope, start).body, method="PUBLISH", filename=None)
    feed_id, last_used_at = found.id, found.last_used_at  # read before the commit expires them
    # End the read-only transaction first: on SQLite the UPDATE then starts its own
    # and waits its turn for the write lock instead of failing on a stale snapshot.
    db.session.commit()
    feeds.note_use(feed_id, last_used_at)
    db.session.commit()
    response.set_etag(etag, weak=True)
    return keep_cache_control(response)


class RegenerateForm(Form):
    pass


@bp.route("/compte/agenda", methods=["GET", "POST"])
@login_required
def account_feeds():
    user = current_user._get_current_object()
    committees = feeds.member_committees(user)
    form = RegenerateForm()
    new_token, new_scope = None, None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        scope = request.form.get("scope", "")
        committee: Committee | None = None
        if scope != "person":
            committee = next((c for c in committees if str(c.id) == scope), None)
            if committee is None:
                abort(404)
        new_token = feeds.regenerate_feed(user, committee)
        new_scope = scope
        db.session.commit()
    return htmx.render(
        "calendar/account_feeds.html",
        "calendar/_feeds.html",
        committees=committees,
        existing=feeds.user_feeds(user),
        form=form,
        new_token=new_token,
        new_scope=new_scope,
        feed_url=feeds.feed_url,
    )
