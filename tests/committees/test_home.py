"""The home page is the member's to-do list: each item links to where it is done, and goes away once done."""

from __future__ import annotations

from datetime import timedelta

from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.invitations.models import Answer
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
from clas_local.partners.models import PartnerKind
from tests.conftest import page_text, post


def _text(client, url="/c/rennes/") -> str:
    return " ".join(page_text(client.get(url)).split())


def test_a_past_meeting_still_planned_is_to_complete_until_attendance_is_recorded(
    client, login_as, make_partner, make_project, make_meeting, make_invitation
):
    login_as("host")
    school = make_partner(PartnerKind.ECOLE, name="École Volga")
    project = make_project(schools=(school,), name="Clas du Blosne")
    meeting = make_meeting(project=project, title="Suivi de novembre", starts_at=utcnow() - timedelta(days=3))
    make_invitation(meeting, school)
    text = _text(client)
    assert "Réunion « Suivi de novembre » – Clas du Blosne du" in text and "présences et compte rendu à compléter" in text
    assert f'href="/c/rennes/meetings/{meeting.id}/attendance">Noter les présences' in text
    # The meeting list and the meeting page say the same.
    assert "À compléter (présences, compte rendu)" in _text(client, "/c/rennes/meetings")
    assert "À compléter (présences, compte rendu)" in _text(client, f"/c/rennes/meetings/{meeting.id}")
    post(client, f"/c/rennes/meetings/{meeting.id}/attendance/partners/{school.id}", {"presence": "present"})
    text = _text(client)
    assert "Suivi de novembre" not in text.split("Ensuite")[0]
    assert "Tenue" in _text(client, "/c/rennes/meetings")


def test_unanswered_invitations_before_a_near_meeting(client, login_as, make_partner, make_meeting, make_invitation):
    login_as("host")
    centre = make_partner(PartnerKind.CENTRE_SOCIAL, name="Centre social Ty-Blosne")
    far = make_meeting(title="Comité de printemps", starts_at=utcnow() + timedelta(days=60))
    near = make_meeting(title="Comité de décembre", starts_at=utcnow() + timedelta(days=5))
    make_invitation(far, centre)
    invitation = make_invitation(near, centre)
    text = _text(client)
    assert "Comité de décembre du" in text and "1 organisation invitée n'a pas encore répondu" in text
    assert f'href="/c/rennes/meetings/{near.id}#invitations-panel">Voir les réponses et relancer' in text
    assert "Comité de printemps du" not in text  # not near yet: listed below, not in the to-do
    invitation.answer = Answer.ACCEPTED
    db.session.commit()
    assert "pas encore répondu" not in _text(client)


def test_failed_mail_and_missing_obligations_are_on_the_hosts_list(client, login_as, committee, make_project):
    login_as("host")
    project = make_project(name="Clas de Maurepas")
    db.session.add(OutgoingMessage(committee_id=committee.id, kind=MessageKind.INVITATION, recipient="a@exemple.fr",
                                   subject="Invitation", raw=b"x", status=MessageStatus.FAILED))
    db.session.commit()
    text = _text(client)
    assert "1 courriel n'a pas pu être envoyé." in text
    assert 'href="/c/rennes/mail?statut=failed">Voir les courriels en échec' in text
    assert "Clas de Maurepas :" in text and "à remplir" in text
    assert f'href="/c/rennes/projects/{project.id}#conformite"' in text


def test_a_new_committee_sees_its_first_steps_until_they_are_done(client, login_as, make_partner, make_project,
                                                                 make_meeting):
    from clas_local.meetings.models import MeetingKind

    login_as("host")
    text = _text(client)
    assert "Premiers pas du comité" in text
    for link in ("Importer les établissements", "Ajouter une organisation", "Créer un projet", "Planifier un diagnostic"):
        assert link in text
    school = make_partner(PartnerKind.ECOLE)
    project = make_project(schools=(school,))
    make_meeting(project=project, kind=MeetingKind.DIAGNOSTIC)
    assert "Premiers pas du comité" not in _text(client)


def test_a_viewer_has_nothing_to_do_and_no_first_steps(client, login_as):
    login_as("viewer")
    text = _text(client)
    assert "Premiers pas" not in text and "Rien ne vous attend pour l'instant" in text
    assert "Heure de Paris" in text and "Europe/Paris" not in text
