"""The address of a meeting's page, for every domain that links or redirects to it."""

from __future__ import annotations

from flask import url_for


def meeting_url(meeting, anchor: str = "") -> str:
    """/c/<slug>/meetings/<id>, then `anchor` (« #invitations-panel »)."""
    return url_for("meetings.detail", slug=meeting.committee.slug, meeting_id=meeting.id) + anchor
