"""Every compliance rule, table-driven: the facts, the status and the reason the user reads.

Each table runs for an urban and a rural project: the referential's rural exceptions concern
the collectifs only, so the école and territoire checks must not change with `rural`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from clas_local.compliance.rules import (
    MOMENT_SENTENCES,
    SENTENCE_BILAN,
    SENTENCE_COMITE,
    SENTENCE_EDUCATION_NATIONALE,
    SENTENCE_EN_AMONT,
    SENTENCE_KEY_MOMENTS,
    SENTENCE_ORIENTATION,
    SENTENCE_RELATIONS,
    SENTENCE_TERRITORY,
    CollectifFact,
    EvidenceFact,
    MeetingFact,
    MomentState,
    ProjectFacts,
    SchoolFact,
    Status,
    TerritoryFact,
    check_bilan,
    check_education_nationale_sought,
    check_en_amont,
    check_orientation,
    check_porteur_concertation,
    check_school_contacts,
    check_territory_partners,
    evaluate,
    key_moment,
)
from clas_local.meetings.models import MeetingKind as K
from clas_local.meetings.models import MeetingStatus as S

# The referential's text, as the Cnaf publishes it (docs/referentiel/README.md says where from).
REFERENTIAL = Path(__file__).resolve().parents[2] / "docs" / "referentiel" / "referentiel-clas-caf.md"

PORTEUR = 1
VOLGA, CHAMPS = 10, 11
EN = 50
TODAY = date(2027, 3, 1)


def school(partner_id=VOLGA, name="École Volga", contact="Isabelle Caradec"):
    return SchoolFact(partner_id, name, contact)


def meeting(kind, day, status=S.HELD, present=(), *, en=(), id=None, **extra):
    return MeetingFact(
        id=id or hash((kind, day)) % 10_000,
        kind=kind,
        status=status,
        day=day,
        present=frozenset(present),
        education_nationale_present=tuple(en),
        **extra,
    )


def facts(rural=False, **overrides) -> ProjectFacts:
    base = ProjectFacts(
        project_id=1,
        name="Clas du Blosne",
        school_year="2026-2027",
        porteur_id=PORTEUR,
        porteur_name="Centre social Ty-Blosne",
        rural=rural,
        activity_start=date(2026, 11, 2),
        activity_end=date(2027, 6, 15),
        today=TODAY,
        schools=(school(),),
    )
    return replace(base, **overrides)


RURAL = pytest.mark.parametrize("rural", [False, True], ids=["urbain", "rural"])

# -- école: contacts --------------------------------------------------------------------------

CONTACT_CASES = [
    ("aucune école", (), Status.MISSING, "Aucune école n'est liée au projet."),
    ("une école avec contact", (school(),), Status.MET, "L'école liée a un contact nommé."),
    (
        "deux écoles avec contact",
        (school(), school(CHAMPS, "École Champion de Cicé", "Karim Haddad")),
        Status.MET,
        "Les 2 écoles liées ont chacune un contact nommé.",
    ),
    (
        "une école sur deux",
        (school(), school(CHAMPS, "École Champion de Cicé", None)),
        Status.PARTLY,
        "1 école sur 2 a un contact nommé ; sans contact : École Champion de Cicé.",
    ),
    ("seule école sans contact", (school(contact=None),), Status.MISSING,
     "L'école liée (École Volga) n'a pas de contact nommé."),
    (
        "aucune des deux",
        (school(contact=None), school(CHAMPS, "École Champion de Cicé", None)),
        Status.MISSING,
        "Aucune des 2 écoles liées n'a de contact nommé.",
    ),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(("case", "schools", "status", "reason"), CONTACT_CASES, ids=[c[0] for c in CONTACT_CASES])
def test_every_school_has_a_named_contact(rural, case, schools, status, reason):
    check = check_school_contacts(facts(rural, schools=schools))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_RELATIONS
    if status is not Status.MET and schools:
        assert check.action.label.startswith("Ajouter un contact pour l'école ")


# -- école: orientation of the children ------------------------------------------------------------

def oriented(partner_id=VOLGA, name="École Volga", count=12, day=date(2026, 11, 5)):
    return SchoolFact(partner_id, name, "Isabelle Caradec", count, day)


ORIENTATION_CASES = [
    ("aucune école", (), Status.MISSING, "Aucune école n'est liée au projet."),
    ("une école, 12 enfants", (oriented(),), Status.MET,
     "L'école liée a orienté des enfants vers le Clas : 12 enfants orientés le 5 novembre 2026."),
    ("deux écoles", (oriented(), oriented(CHAMPS, "École Champion de Cicé", 7)), Status.MET,
     "Les 2 écoles liées ont orienté des enfants vers le Clas (19 en tout)."),
    ("une sur deux", (oriented(), oriented(CHAMPS, "École Champion de Cicé", None, None)), Status.PARTLY,
     "1 école sur 2 a orienté des enfants vers le Clas ; sans orientation notée : École Champion de Cicé."),
    ("zéro enfant ne compte pas", (oriented(count=0),), Status.MISSING,
     "L'école liée (École Volga) n'a orienté aucun enfant noté vers le Clas."),
    ("aucune des deux", (school(), school(CHAMPS, "École Champion de Cicé")), Status.MISSING,
     "Aucune des 2 écoles liées n'a d'orientation d'enfants notée."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(("case", "schools", "status", "reason"), ORIENTATION_CASES, ids=[c[0] for c in ORIENTATION_CASES])
def test_schools_orient_children_towards_the_clas(rural, case, schools, status, reason):
    check = check_orientation(facts(rural, schools=schools))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_ORIENTATION
    if status is not Status.MET and schools:
        assert check.action.label.startswith("Noter l'orientation des enfants par l'école ")


# -- école: the meeting « en amont de la mise en place du projet » -------------------------------------

TWO_SCHOOLS = (school(), school(CHAMPS, "École Champion de Cicé", "Karim Haddad"))
EN_AMONT_CASES = [
    ("aucune réunion", TWO_SCHOOLS, (), Status.MISSING,
     "Aucune réunion de diagnostic ou de conception avant le démarrage de l'activité (lundi 2 novembre 2026)."),
    ("diagnostic tenu, toutes présentes", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA, CHAMPS, PORTEUR}),), Status.MET,
     "Réunion tenue le jeudi 8 octobre 2026 : toutes les écoles liées étaient présentes."),
    ("présences réparties sur deux diagnostics", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 6, 18), present={VOLGA}),
      meeting(K.DIAGNOSTIC, date(2026, 10, 15), present={CHAMPS})), Status.MET,
     "Réunion tenue le jeudi 18 juin 2026 et le jeudi 15 octobre 2026 : toutes les écoles liées étaient présentes."),
    ("une école absente", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA}),), Status.PARTLY,
     "Réunion tenue le jeudi 8 octobre 2026 ; écoles non notées présentes : École Champion de Cicé."),
    ("aucune école présente", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={PORTEUR}),), Status.PARTLY,
     "Réunion tenue le jeudi 8 octobre 2026, mais aucune école liée n'y est notée présente."),
    ("prévue, à venir (1er septembre), écoles invitées", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), S.PLANNED, invited=frozenset({VOLGA, CHAMPS})),), Status.PARTLY,
     "La réunion « Diagnostic » du jeudi 8 octobre 2026 est prévue : elle n'a pas encore eu lieu."),
    ("prévue, à venir (1er septembre), une école pas invitée", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), S.PLANNED, invited=frozenset({VOLGA})),), Status.PARTLY,
     "La réunion « Diagnostic » du jeudi 8 octobre 2026 est prévue : elle n'a pas encore eu lieu. "
     "Écoles liées pas encore invitées : École Champion de Cicé."),
    ("passée, pas marquée tenue", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), S.PLANNED, invited=frozenset({VOLGA, CHAMPS})),), Status.PARTLY,
     "La réunion « Diagnostic » du jeudi 8 octobre 2026 est passée mais n'est pas marquée comme tenue."),
    # The referential: « en amont de la mise en place du projet ».
    ("diagnostic après le démarrage", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 11, 19), present={VOLGA, CHAMPS}),), Status.MISSING,
     "La réunion « Diagnostic » du jeudi 19 novembre 2026 n'est pas antérieure au démarrage de l'activité "
     "(lundi 2 novembre 2026) : la réunion « en amont de la mise en place du projet » doit le précéder."),
    ("diagnostic le jour du démarrage", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 11, 2), present={VOLGA, CHAMPS}),), Status.MISSING,
     "La réunion « Diagnostic » du lundi 2 novembre 2026 n'est pas antérieure au démarrage de l'activité "
     "(lundi 2 novembre 2026) : la réunion « en amont de la mise en place du projet » doit le précéder."),
    # The lancement is its own key moment, « lors du démarrage de l'activité », not the meeting en amont.
    ("un lancement ne compte pas", TWO_SCHOOLS,
     (meeting(K.LANCEMENT, date(2026, 10, 8), present={VOLGA, CHAMPS}),), Status.MISSING,
     "Aucune réunion de diagnostic ou de conception avant le démarrage de l'activité (lundi 2 novembre 2026)."),
    ("tenue sans école liée", (),
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={PORTEUR}),), Status.PARTLY,
     "Réunion tenue le jeudi 8 octobre 2026, mais aucune école n'est liée au projet."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(
    ("case", "schools", "meetings", "status", "reason"), EN_AMONT_CASES, ids=[c[0] for c in EN_AMONT_CASES]
)
def test_meeting_en_amont_before_the_start_with_the_schools(rural, case, schools, meetings, status, reason):
    today = date(2026, 9, 1) if "1er septembre" in case else TODAY
    check = check_en_amont(facts(rural, schools=schools, meetings=meetings, today=today))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_EN_AMONT
    if status is Status.MISSING:
        assert check.action.label == "Planifier la réunion de diagnostic"
        assert check.action.meeting_kind is K.DIAGNOSTIC


def test_the_project_s_own_start_moves_the_window():
    late_start = facts(activity_start=date(2026, 11, 30),
                       meetings=(meeting(K.DIAGNOSTIC, date(2026, 11, 19), present={VOLGA}),))  # fmt: skip
    assert check_en_amont(late_start).status is Status.MET


def test_en_amont_links_its_proofs():
    held = meeting(
        K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA}, id=7, invited=frozenset({VOLGA, CHAMPS}),
        answered=frozenset({VOLGA}), has_minutes=True, evidence=(EvidenceFact(3, "emargement.pdf", "Feuille d'émargement signée"),),
    )  # fmt: skip
    check = check_en_amont(facts(meetings=(held,)))
    labels = [(proof.kind, proof.label) for proof in check.proofs]
    assert labels == [
        ("meeting", "La réunion « Diagnostic » du jeudi 8 octobre 2026"),
        ("answers", "Réponses : 1 sur 2"),
        ("attendance", "Présences : 1"),
        ("minutes", "Compte rendu"),
        ("file", "Feuille d'émargement signée : emargement.pdf"),
    ]
    assert {proof.meeting_id for proof in check.proofs} == {7}
    assert check.proofs[-1].evidence_id == 3


# -- école: the meeting « lors du bilan » ---------------------------------------------------------------

BILAN_CASES = [
    ("aucun", TWO_SCHOOLS, (), Status.MISSING, "Aucune réunion de bilan n'est prévue ni tenue."),
    ("tenu, toutes présentes", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 6, 10), present={VOLGA, CHAMPS}),),
     Status.MET, "Réunion tenue le jeudi 10 juin 2027 : toutes les écoles liées étaient présentes."),
    ("tenu après la fin de l'activité", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 6, 24), present={VOLGA, CHAMPS}),),
     Status.MET, "Réunion tenue le jeudi 24 juin 2027 : toutes les écoles liées étaient présentes."),
    ("tenu, une absente", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 6, 10), present={CHAMPS}),),
     Status.PARTLY, "Réunion tenue le jeudi 10 juin 2027 ; écoles non notées présentes : École Volga."),
    ("prévu, écoles invitées", TWO_SCHOOLS,
     (meeting(K.BILAN, date(2027, 6, 10), S.PLANNED, invited=frozenset({VOLGA, CHAMPS})),), Status.PARTLY,
     "La réunion « Bilan » du jeudi 10 juin 2027 est prévue : elle n'a pas encore eu lieu."),
    ("prévu, personne d'invité", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 6, 10), S.PLANNED),), Status.PARTLY,
     "La réunion « Bilan » du jeudi 10 juin 2027 est prévue : elle n'a pas encore eu lieu. "
     "Écoles liées pas encore invitées : École Volga et École Champion de Cicé."),
    # « lors du bilan de fin d'année »: a bilan before the activity starts does not count.
    ("bilan daté avant le démarrage", TWO_SCHOOLS, (meeting(K.BILAN, date(2026, 10, 8), present={VOLGA, CHAMPS}),),
     Status.MISSING, "La réunion « Bilan » du jeudi 8 octobre 2026 est antérieure au démarrage de l'activité "
     "(lundi 2 novembre 2026) : elle ne compte pas comme réunion de bilan."),
    ("bilan en plein milieu de l'année", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 1, 14), present={VOLGA, CHAMPS}),),
     Status.MISSING, "La réunion « Bilan » du jeudi 14 janvier 2027 est trop tôt pour compter : le bilan se tient "
     "dans la dernière partie de la période d'activité (à partir du jeudi 1er avril 2027) ou après."),
    ("diagnostic ne compte pas", TWO_SCHOOLS, (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA, CHAMPS}),),
     Status.MISSING, "Aucune réunion de bilan n'est prévue ni tenue."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(
    ("case", "schools", "meetings", "status", "reason"), BILAN_CASES, ids=[c[0] for c in BILAN_CASES]
)
def test_bilan_held_with_the_schools(rural, case, schools, meetings, status, reason):
    check = check_bilan(facts(rural, schools=schools, meetings=meetings))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_BILAN
    if status is Status.MISSING:
        assert check.action.label == "Planifier la réunion de bilan"
        assert check.action.meeting_kind is K.BILAN


def test_a_past_unheld_bilan_asks_to_record_it():
    check = check_bilan(facts(today=date(2027, 7, 1), meetings=(meeting(K.BILAN, date(2027, 6, 10), S.PLANNED, id=9),)))
    assert check.action.label == "Marquer la réunion comme tenue et saisir les présences"
    assert check.action.meeting_id == 9


# -- territoire: partners ---------------------------------------------------------------------------

TERRITORY_CASES = [
    ("aucun", (), Status.MISSING, "Aucun partenaire du territoire n'est lié au projet."),
    ("un, décrit", (TerritoryFact(20, "PRE de Rennes", "Orientation croisée des familles."),), Status.MET,
     "1 partenaire du territoire lié avec la relation décrite : PRE de Rennes."),
    ("deux dont un décrit", (TerritoryFact(20, "PRE de Rennes", "Orientation croisée."), TerritoryFact(21, "REAAP 35", "  ")),
     Status.MET, "1 partenaire du territoire lié avec la relation décrite : PRE de Rennes."),
    ("deux décrits", (TerritoryFact(20, "PRE de Rennes", "Orientation."), TerritoryFact(21, "REAAP 35", "Café des parents.")),
     Status.MET, "2 partenaires du territoire liés avec la relation décrite : PRE de Rennes et REAAP 35."),
    ("non décrit", (TerritoryFact(20, "PRE de Rennes", ""),), Status.PARTLY,
     "Partenaires liés sans relation décrite : PRE de Rennes."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(("case", "territory", "status", "reason"), TERRITORY_CASES, ids=[c[0] for c in TERRITORY_CASES])
def test_territory_partner_with_its_relation(rural, case, territory, status, reason):
    check = check_territory_partners(facts(rural, territory=territory))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_TERRITORY


# -- territoire: the porteur at the comités and instances (evidence, never missing) ----------------------

OCT, MAR = date(2026, 10, 15), date(2027, 3, 18)
FIVE_COMITES = (OCT, date(2026, 11, 19), date(2026, 12, 17), MAR, date(2027, 5, 20))
PORTEUR_CASES = [
    ("aucun comité", (),
     "Aucun comité local ni instance de concertation tenu en 2026-2027."),
    ("un comité, présent", (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}),),
     "Le porteur (Centre social Ty-Blosne), en 2026-2027 : présent au comité local tenu le jeudi 15 octobre 2026."),
    ("présent à 1 comité sur 3",
     (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}), meeting(K.COMITE_LOCAL, date(2027, 1, 14), present={EN}),
      meeting(K.COMITE_LOCAL, MAR)),
     "Le porteur (Centre social Ty-Blosne), en 2026-2027 : présent à 1 comité local sur 3 tenus "
     "(le jeudi 15 octobre 2026)."),
    ("absent du comité, présent à une commission PEDT",
     (meeting(K.COMITE_LOCAL, OCT), meeting(K.INSTANCE, MAR, present={PORTEUR}, title="Commission PEDT")),
     "Le porteur (Centre social Ty-Blosne), en 2026-2027 : absent du comité local tenu le jeudi 15 octobre 2026 ; "
     "présent à 1 instance de concertation (le jeudi 18 mars 2027)."),
    ("jamais présent à cinq", tuple(meeting(K.COMITE_LOCAL, day) for day in FIVE_COMITES),
     "Le porteur (Centre social Ty-Blosne) n'est noté présent à aucune réunion de concertation du territoire "
     "tenue en 2026-2027."),
    ("comité prévu seulement", (meeting(K.COMITE_LOCAL, MAR, S.PLANNED),),
     "Aucun comité local ni instance de concertation tenu en 2026-2027."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(("case", "comites", "reason"), PORTEUR_CASES, ids=[c[0] for c in PORTEUR_CASES])
def test_porteur_at_the_comites_is_shown_never_missing(rural, case, comites, reason):
    """« Ces actions peuvent prendre les formes suivantes : … participer aux comité locaux Clas
    et/ ou instance de concertation »: a form, not an obligation."""
    project = facts(rural, comite_meetings=comites)
    check = check_porteur_concertation(project)
    assert (check.status, check.reason) == (Status.INFO, reason)
    assert check.sentence == SENTENCE_COMITE
    checklist = evaluate(project)
    assert "porteur_concertation" not in [item.key for item in checklist.checks]
    assert checklist.evidence == (check,)


# -- the committee: the Éducation nationale « systématiquement recherchée » ---------------------------

def comite(day, status=S.HELD, *, invited=True, present=False):
    return meeting(K.COMITE_LOCAL, day, status, present={EN} if present else (), en=("Circonscription Rennes Sud",) if present else (),
                   education_nationale_invited=invited)  # fmt: skip


EN_CASES = [
    ("aucun comité", (), Status.MISSING, "Aucune réunion du comité local n'est prévue ni tenue en 2026-2027."),
    ("invitée et présente", (comite(OCT, present=True),), Status.MET,
     "L'Éducation nationale a été invitée au comité local de 2026-2027. Présente au comité tenu le jeudi 15 octobre 2026."),
    ("invitée mais absente", (comite(OCT),), Status.MET,
     "L'Éducation nationale a été invitée au comité local de 2026-2027. Absente du comité tenu le jeudi 15 octobre 2026."),
    ("invitée aux deux, présente à un", (comite(OCT, present=True), comite(MAR)), Status.MET,
     "L'Éducation nationale a été invitée aux 2 comités locaux de 2026-2027. Présente à 1 sur 2 comités tenus."),
    ("invitée à un sur deux", (comite(OCT, present=True), comite(MAR, invited=False)), Status.PARTLY,
     "L'Éducation nationale a été invitée à 1 sur 2 comités locaux de 2026-2027 ; pas invitée le jeudi 18 mars 2027. "
     "Présente à 1 sur 2 comités tenus."),
    ("jamais invitée", (comite(OCT, invited=False), comite(MAR, S.PLANNED, invited=False)), Status.MISSING,
     "L'Éducation nationale n'a été invitée à aucun des 2 comités locaux de 2026-2027. "
     "Absente du comité tenu le jeudi 15 octobre 2026."),
]  # fmt: skip


@pytest.mark.parametrize(("case", "comites", "status", "reason"), EN_CASES, ids=[c[0] for c in EN_CASES])
def test_the_committee_seeks_the_education_nationale(case, comites, status, reason):
    check = check_education_nationale_sought(comites, "2026-2027")
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_EDUCATION_NATIONALE


@pytest.mark.parametrize("comites", [(comite(OCT),), (comite(OCT, invited=False),), ()], ids=["absente", "jamais invitée", "aucun"])
def test_the_education_nationale_never_weighs_on_a_project(comites):
    checklist = evaluate(replace(compliant_facts(), comite_meetings=comites))
    assert checklist.overall is Status.MET
    assert all("ducation nationale" not in check.title for check in checklist.checks)


# -- collectifs (warnings), with the rural exceptions ---------------------------------------------------


def collectif(**overrides):
    fields = {"id": 1, "name": "CP–CE1", "children_count": 10, "animateurs_count": 2, "weekly_sessions": 2,
              "session_minutes": 90, "planned_weeks": 27}  # fmt: skip
    fields.update(overrides)
    return CollectifFact(**fields)


COLLECTIF_CASES = [
    # (case, rural, collectif, rule code, status, reason)
    ("urbain conforme", False, collectif(), "children", Status.CONFORM, "10 enfants : dans la fourchette de 8 à 12 enfants."),
    ("urbain 6 enfants", False, collectif(children_count=6), "children", Status.WARNING,
     "6 enfants : un collectif compte de 8 à 12 enfants ; le minimum de 5 enfants n'est accepté qu'en milieu rural."),
    ("rural 6 enfants", True, collectif(children_count=6), "children", Status.CONFORM,
     "6 enfants : accepté en milieu rural (5 enfants au moins)."),
    ("rural 1 animateur pour 6", True, collectif(children_count=6, animateurs_count=1), "animateurs", Status.CONFORM,
     "1 animateur pour 6 enfants : accepté en milieu rural pour un collectif de moins de 8 enfants."),
    ("urbain 1 animateur", False, collectif(animateurs_count=1), "animateurs", Status.WARNING,
     "1 animateur : chaque collectif est encadré par 2 intervenants."),
    ("rural une séance de 2 h", True, collectif(weekly_sessions=1, session_minutes=120), "sessions", Status.CONFORM,
     "1 séance hebdomadaire de 2 h : accepté en milieu rural (une séance hebdomadaire de 2 h au moins)."),
    ("urbain une séance de 2 h", False, collectif(weekly_sessions=1, session_minutes=120), "sessions", Status.WARNING,
     "1 séance hebdomadaire de 2 h : il faut deux séances de 1 h 30 par semaine ; une seule séance de 2 h "
     "n'est acceptée qu'en milieu rural."),
    ("26 semaines", False, collectif(planned_weeks=26), "weeks", Status.WARNING,
     "26 semaines prévues : l'action doit fonctionner 27 semaines dans l'année."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "rural", "group", "code", "status", "reason"), COLLECTIF_CASES, ids=[c[0] for c in COLLECTIF_CASES]
)
def test_collectif_rules_are_warnings_with_rural_exceptions(case, rural, group, code, status, reason):
    checklist = evaluate(facts(rural, collectifs=(group,), available_weeks=27))
    warning = next(check for check in checklist.warnings if check.key == f"collectif-1-{code}")
    assert (warning.status, warning.reason) == (status, reason)
    assert warning.axis == "collectifs"
    # Warnings never count in the checklist's verdict.
    assert len(checklist.checks) == 5


@pytest.mark.parametrize(("weeks", "status"), [(27, Status.CONFORM), (25, Status.WARNING)])
def test_the_years_school_weeks_are_said(weeks, status):
    warning = evaluate(facts(available_weeks=weeks)).warnings[0]
    assert warning.key == "school_weeks"
    assert warning.status is status
    assert f"{weeks} semaines d'école" in warning.reason


# -- the whole checklist and the key moments -----------------------------------------------------------


def compliant_facts(rural=False):
    return facts(
        rural,
        schools=(oriented(),),
        territory=(TerritoryFact(20, "PRE de Rennes", "Orientation croisée."),),
        meetings=(
            meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA}),
            meeting(K.SUIVI, date(2027, 2, 4)),
            meeting(K.BILAN, date(2027, 6, 10), S.HELD, present={VOLGA}),
        ),
        comite_meetings=(meeting(K.COMITE_LOCAL, OCT, present={PORTEUR, EN}, en=("Circonscription",)),),
    )


@RURAL
def test_a_compliant_project_meets_every_obligation(rural):
    checklist = evaluate(compliant_facts(rural))
    assert [check.key for check in checklist.checks] == [
        "school_contacts", "orientation", "en_amont", "bilan", "territory_partners"]  # fmt: skip
    assert [check.status for check in checklist.checks] == [Status.MET] * 5
    assert checklist.overall is Status.MET
    assert checklist.next_actions == ()


def test_one_missing_check_makes_the_project_missing_and_says_what_to_do():
    compliant = compliant_facts()
    checklist = evaluate(replace(compliant, meetings=compliant.meetings[:2]))
    assert checklist.get("bilan").status is Status.MISSING
    assert checklist.overall is Status.MISSING
    assert [action.label for action in checklist.next_actions] == ["Planifier la réunion de bilan"]


MOMENT_CASES = [
    ("aucune réunion", (), MomentState.TO_PLAN, "À planifier"),
    ("prévue", (meeting(K.BILAN, date(2027, 6, 10), S.PLANNED),), MomentState.PLANNED, "Prévue le 10 juin 2027"),
    ("passée, présences non saisies", (meeting(K.BILAN, date(2027, 2, 10), S.PLANNED),), MomentState.TO_COMPLETE,
     "À compléter (présences, compte rendu) : réunion du 10 février 2027"),
    ("tenue", (meeting(K.BILAN, date(2027, 6, 3), S.PLANNED), meeting(K.BILAN, date(2027, 6, 10))), MomentState.HELD,
     "Tenue le 10 juin 2027"),
    # Today: planned until its end, « à compléter » once it has ended, as on the meeting's page.
    ("aujourd'hui, pas encore finie", (meeting(K.BILAN, TODAY, S.PLANNED),), MomentState.PLANNED,
     "Prévue le 1er mars 2027"),
    ("aujourd'hui, finie", (meeting(K.BILAN, TODAY, S.PLANNED, finished=True),), MomentState.TO_COMPLETE,
     "À compléter (présences, compte rendu) : réunion du 1er mars 2027"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "meetings", "state", "text"), MOMENT_CASES, ids=[c[0] for c in MOMENT_CASES])
def test_key_moment_cell(case, meetings, state, text):
    cell = key_moment(meetings, K.BILAN, TODAY)
    assert (cell.state, cell.text) == (state, text)


def test_a_lancement_three_days_after_the_start_is_a_held_key_moment_not_a_gap():
    """« lors du démarrage de l'activité Clas »: around the start, its own key moment."""
    project = replace(compliant_facts(), meetings=(*compliant_facts().meetings,
                                                  meeting(K.LANCEMENT, date(2026, 11, 5), present={VOLGA})))  # fmt: skip
    cell = key_moment(project.meetings, K.LANCEMENT, TODAY)
    assert (cell.state, cell.text) == (MomentState.HELD, "Tenue le 5 novembre 2026")
    checklist = evaluate(project)
    assert checklist.overall is Status.MET
    assert all(check.status is not Status.MISSING for check in checklist.checks)


def test_a_key_moment_not_held_is_never_a_missing_obligation():
    """No suivi, no lancement: the timeline says « À planifier », the dossier misses nothing."""
    project = replace(compliant_facts(), meetings=tuple(m for m in compliant_facts().meetings if m.kind is not K.SUIVI))
    assert key_moment(project.meetings, K.SUIVI, TODAY).text == "À planifier"
    assert key_moment(project.meetings, K.LANCEMENT, TODAY).text == "À planifier"
    assert evaluate(project).overall is Status.MET
    assert "Manqu" not in " ".join(state.label for state in MomentState)


def test_every_sentence_is_quoted_from_the_referential():
    referential = " ".join(REFERENTIAL.read_text(encoding="utf-8").split())
    referential = referential.replace("’", "'").replace("**", "")
    quoted = [SENTENCE_RELATIONS, SENTENCE_ORIENTATION, SENTENCE_TERRITORY, SENTENCE_COMITE,
              SENTENCE_EDUCATION_NATIONALE, SENTENCE_KEY_MOMENTS, *MOMENT_SENTENCES.values()]  # fmt: skip
    # The en amont and bilan checks quote several sentences: « … » each, and the first one before « ; ».
    for composite in (SENTENCE_EN_AMONT, SENTENCE_BILAN):
        quoted.append(composite.split(" ; ")[0])
        quoted.extend(part.split(" »")[0] for part in composite.split("« ")[1:])
    for sentence in quoted:
        assert sentence.replace("’", "'") in referential, sentence


def test_the_porteur_at_two_comites_out_of_three_reads_in_correct_french():
    comites = (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}), meeting(K.COMITE_LOCAL, MAR, present={PORTEUR}),
               meeting(K.COMITE_LOCAL, date(2027, 5, 20)))  # fmt: skip
    check = check_porteur_concertation(facts(comite_meetings=comites))
    assert check.reason == ("Le porteur (Centre social Ty-Blosne), en 2026-2027 : présent à 2 comités locaux sur 3 "
                            "tenus (le jeudi 15 octobre 2026 et le jeudi 18 mars 2027).")  # fmt: skip


def test_a_planned_meeting_without_the_schools_asks_to_invite_them(app):
    from clas_local.compliance.links import action_url

    planned = meeting(K.DIAGNOSTIC, date(2026, 10, 20), S.PLANNED, id=12)
    check = check_en_amont(facts(today=date(2026, 10, 1), meetings=(planned,)))
    assert check.action.label == "Inviter les écoles liées à la réunion"
    committee = type("Committee", (), {"slug": "rennes"})
    with app.test_request_context():
        assert action_url(check.action, committee, 1) == "/c/rennes/meetings/12#invitations-panel"
