"""The answer page /rsvp/<token>: no account, GET changes nothing, bad links refused in French."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.invitations import tokens
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.meetings.models import MeetingStatus
from tests.calendar.ical_tools import READERS
from tests.conftest import count_queries, page_text, post
from tests.invitations.conftest import visible


@pytest.fixture
def link(invited, make_invitation):
    row = make_invitation(invited.meeting, invited.school, invited.director)
    return row, f"/rsvp/{tokens.make_token(row)}"


def _writes(statements):
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_get_shows_the_meeting_in_french_and_changes_nothing(client, invited, link):
    row, url = link
    before = (row.answer, row.answered_at, row.updated_at, db.session.scalar(select(db.func.count(AuditEvent.id))))

    with count_queries() as statements:
        first = client.get(url)
        client.get(url)  # a mail scanner, then the person
    response = first

    assert response.status_code == 200
    assert _writes(statements) == []
    db.session.expire_all()
    row = db.session.get(Invitation, row.id)
    assert (row.answer, row.answered_at, row.updated_at, db.session.scalar(select(db.func.count(AuditEvent.id)))) == before
    text = page_text(response)
    local = invited.meeting.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    from clas_local.i18n import format_day, format_time

    assert format_day(local.date()) in text
    assert f"de {format_time(local)} à" in text
    assert "Centre social Ty-Blosne, salle 2" in text
    assert "Bilan du premier trimestre" in text
    assert "Vous n'avez pas encore répondu." in text
    assert "Isabelle Caradec (École élémentaire Volga)" in text
    assert response.headers["Cache-Control"] == "no-store"
    assert 'name="viewport"' in text and "<h1>" in text


def test_post_records_each_answer_with_its_channel_and_comment(client, invited, link):
    row, url = link
    for answer in ("accepted", "tentative", "declined"):
        response = post(client, url, {"answer": answer, "comment": "Je serai représentée par Mme Martin"})
        assert response.status_code == 303
        db.session.expire_all()
        row = db.session.get(Invitation, row.id)
        assert row.answer is Answer(answer)
        assert row.answer_channel is AnswerChannel.LINK
    assert row.comment == "Je serai représentée par Mme Martin"
    page = client.get(url)
    assert "Réponse actuelle : Excusé·e" in visible(page)
    assert "Ajouter à mon agenda (fichier .ics)" in page_text(page)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invitation.answered")).all()
    assert len(events) == 3 and events[0].actor_id is None


def test_answer_is_required_and_comment_is_bounded(client, invited, link):
    row, url = link
    missing = post(client, url, {"comment": "rien"})
    assert missing.status_code == 422
    assert "Choisissez votre réponse." in page_text(missing)
    too_long = post(client, url, {"answer": "accepted", "comment": "x" * 501})
    assert too_long.status_code == 422
    assert "500 caractères au plus." in page_text(too_long)
    db.session.expire_all()
    assert db.session.get(Invitation, row.id).answer is Answer.PENDING


def test_post_without_csrf_token_is_refused(client, invited, link):
    row, url = link
    response = client.post(url, data={"answer": "accepted"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Invitation, row.id).answer is Answer.PENDING


def test_the_ics_offered_reads_alike_in_three_parsers(client, invited, link):
    row, url = link
    response = client.get(url + "/reunion.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert "attachment" in response.headers["Content-Disposition"]
    for reader in READERS:
        event = reader(response.data)[invited.meeting.uid]
        assert (event["start"], event["end"]) == (invited.meeting.starts_at, invited.meeting.ends_at)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature broken
        lambda token: "x" + token,
        lambda token: "pas-un-jeton",
    ],
)
def test_tampered_links_get_a_french_404(client, invited, link, mangle):
    row, url = link
    token = url.rsplit("/", 1)[1]
    response = client.get(f"/rsvp/{mangle(token)}")
    assert response.status_code == 404
    assert "Lien de réponse introuvable" in page_text(response)
    assert post(client, f"/rsvp/{mangle(token)}", {"answer": "accepted"}).status_code == 404
    assert client.get(f"/rsvp/{mangle(token)}/reunion.ics").status_code == 404


def _signed(app, payload) -> str:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=tokens.SALT).dumps(payload)


def test_token_of_another_meeting_or_revoked_or_partner_level_is_refused(app, client, invited, link, make_meeting):
    row, url = link
    other = make_meeting(invited.project, starts_at=invited.meeting.starts_at + timedelta(days=7))
    for payload in (
        [row.id, other.id, row.rsvp_nonce],  # bound to another meeting
        [row.id, row.meeting_id, "ancien-nonce"],  # revoked
        [invited.school_row.id, invited.meeting.id, invited.school_row.rsvp_nonce],  # organisation row
        {"i": row.id},
        [True, row.meeting_id, row.rsvp_nonce],
    ):
        response = client.get(f"/rsvp/{_signed(app, payload)}")
        assert response.status_code == 404, payload
        assert "Lien de réponse introuvable" in page_text(response)
    # Signed with another key (another installation): refused.
    foreign = URLSafeSerializer("une-autre-cle", salt=tokens.SALT).dumps([row.id, row.meeting_id, row.rsvp_nonce])
    assert client.get(f"/rsvp/{foreign}").status_code == 404
    # Renewing the nonce revokes the link already sent.
    row.rsvp_nonce = "renouvele"
    db.session.commit()
    assert client.get(url).status_code == 404


def test_link_expires_30_days_after_the_meeting(client, invited, link):
    row, url = link
    meeting = invited.meeting
    meeting.starts_at = datetime.now(timezone.utc) - timedelta(days=31, hours=2)
    meeting.ends_at = meeting.starts_at + timedelta(hours=1)
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 410
    assert "Lien de réponse expiré" in page_text(response)
    assert post(client, url, {"answer": "accepted"}).status_code == 410

    meeting.starts_at = datetime.now(timezone.utc) - timedelta(days=29)
    meeting.ends_at = meeting.starts_at + timedelta(hours=1)
    db.session.commit()
    past = client.get(url)
    assert past.status_code == 200
    assert "Cette réunion a eu lieu : elle n'attend plus de réponse." in page_text(past)
    assert post(client, url, {"answer": "accepted"}).status_code == 409
    db.session.expire_all()
    assert db.session.get(Invitation, row.id).answer is Answer.PENDING


def test_cancelled_meeting_shows_it_and_takes_no_answer(client, invited, link):
    row, url = link
    invited.meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    page = client.get(url)
    assert page.status_code == 200
    assert "Cette réunion est annulée." in page_text(page)
    assert 'name="answer"' not in page.get_data(as_text=True)
    assert post(client, url, {"answer": "accepted"}).status_code == 409
