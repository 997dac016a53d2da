"""A partner's page: details, contacts, linked projects, meeting history with answers and attendance."""

from __future__ import annotations

from datetime import datetime, timezone

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel
from clas_local.partners.models import EducationPrioritaire, PartnerKind
from tests.conftest import count_queries, htmx_get, page_text


def _history_scene(make_partner, make_contact, make_project, make_meeting, make_invitation, link_territory_partner, meetings=1):
    school = make_partner(PartnerKind.ECOLE, name="École Volga", commune_name="Rennes", phone="02 99 00 00 00",
                          education_prioritaire=EducationPrioritaire.REP_PLUS)  # fmt: skip
    director = make_contact(school, full_name="Isabelle Caradec", function="Directrice")
    centre = make_partner(PartnerKind.CENTRE_SOCIAL, name="Centre social Ty-Blosne")
    project = make_project(porteur=centre, schools=(school,), name="Clas du Blosne")
    pre = make_partner(PartnerKind.PRE, name="PRE de Rennes")
    link_territory_partner(project, pre, "Orientation croisée des familles.")
    for n in range(meetings):
        meeting = make_meeting(project=project, title=f"Suivi n° {n + 1}",
                               starts_at=datetime(2026, 12, 3 + n, 16, 30, tzinfo=timezone.utc))  # fmt: skip
        make_invitation(meeting, school, director, answer=Answer.ACCEPTED, answer_channel=AnswerChannel.LINK)
        attendance = Attendance(meeting=meeting, partner=school, presence=Presence.PRESENT)
        attendance.people.append(Attendee(contact=director, function="Directrice"))
        db.session.add(attendance)
    db.session.commit()
    return school, centre, project, pre


def test_the_partner_page_shows_details_contacts_projects_and_meetings(
    client, login_as, make_partner, make_contact, make_project, make_meeting, make_invitation, link_territory_partner
):
    school, _centre, project, pre = _history_scene(
        make_partner, make_contact, make_project, make_meeting, make_invitation, link_territory_partner
    )
    login_as("viewer")
    response = client.get(f"/c/rennes/partners/{school.id}")
    page = page_text(response)
    assert response.status_code == 200 and page.count("<h1") == 1
    assert "<h1>École Volga</h1>" in page and school.uai in page and "REP+" in page and "02 99 00 00 00" in page
    assert "Isabelle Caradec" in page and "Directrice" in page
    assert f'<a href="/c/rennes/projects/{project.id}">Clas du Blosne</a>' in page
    assert "École ou établissement partenaire" in page
    assert "Référent : aucun référent" in page
    # Meeting history: date in French in the committee's time zone, answer, presence, who came.
    assert "Suivi n° 1</a>" in page and "jeudi 3 décembre 2026 à 17 h 30" in page
    assert "Isabelle Caradec : Présent·e" in page and "Présent" in page
    territory = page_text(client.get(f"/c/rennes/partners/{pre.id}"))
    assert "Partenaire du territoire : Orientation croisée des familles." in territory
    assert "Aucune réunion pour cette organisation pour l'instant." in territory
    # No edit buttons for a viewer.
    assert "Modifier la fiche" not in page and "Anonymiser" not in page


def test_a_porteur_sees_only_its_own_projects_and_their_meetings(
    client, login_as, make_partner, make_contact, make_project, make_meeting, make_invitation, link_territory_partner
):
    school, centre, _project, _pre = _history_scene(
        make_partner, make_contact, make_project, make_meeting, make_invitation, link_territory_partner
    )
    other_porteur = make_partner(PartnerKind.ASSOCIATION, name="Cercle Paul Bert")
    login_as("porteur", partner=other_porteur)
    page = page_text(client.get(f"/c/rennes/partners/{school.id}"))
    assert "Clas du Blosne" not in page and "Suivi n° 1" not in page
    login_as("porteur", partner=centre)
    page = page_text(client.get(f"/c/rennes/partners/{school.id}"))
    assert "Clas du Blosne" in page and "Suivi n° 1" in page


def test_the_partner_page_runs_a_bounded_number_of_queries(
    app, client, login_as, make_partner, make_contact, make_project, make_meeting, make_invitation, link_territory_partner
):
    login_as("host")
    school, *_ = _history_scene(make_partner, make_contact, make_project, make_meeting, make_invitation,
                                link_territory_partner, meetings=2)  # fmt: skip
    with count_queries() as few:
        client.get(f"/c/rennes/partners/{school.id}")
    school_b, *_ = _history_scene(make_partner, make_contact, make_project, make_meeting, make_invitation,
                                  link_territory_partner, meetings=12)  # fmt: skip
    with count_queries() as many:
        response = client.get(f"/c/rennes/partners/{school_b.id}")
    assert page_text(response).count("Suivi n° ") == 12
    assert len(few) == len(many)


def test_htmx_request_for_the_page_gets_the_page(client, login_as, make_partner):
    partner = make_partner(PartnerKind.ASSOCIATION, name="Association Bleu Blosne")
    login_as("host")
    response = htmx_get(client, f"/c/rennes/partners/{partner.id}")
    assert response.status_code == 200 and "Association Bleu Blosne" in page_text(response)


def test_a_long_history_is_shown_page_by_page_newest_first(
    client, login_as, make_partner, make_contact, make_project, make_meeting, make_invitation, link_territory_partner
):
    """Every meeting can be reached (the page used to stop at the latest 200), 25 at a time."""
    school, *_ = _history_scene(make_partner, make_contact, make_project, make_meeting, make_invitation,
                                link_territory_partner, meetings=27)  # fmt: skip
    login_as("host")
    first = page_text(client.get(f"/c/rennes/partners/{school.id}"))
    assert first.count("Suivi n° ") == 25
    assert "Suivi n° 27</a>" in first and "Suivi n° 3</a>" in first and "Suivi n° 2</a>" not in first
    assert "27 réunions, des plus récentes aux plus anciennes, 25 par page." in first
    assert "Page 1 sur 2" in first and f'href="/c/rennes/partners/{school.id}?page=2" rel="next"' in first
    second = page_text(client.get(f"/c/rennes/partners/{school.id}?page=2"))
    assert second.count("Suivi n° ") == 2 and "Suivi n° 1</a>" in second and "Page 2 sur 2" in second
    # A page number out of range or not a number gives the first page, never an error.
    assert page_text(client.get(f"/c/rennes/partners/{school.id}?page=deux")).count("Suivi n° ") == 25
