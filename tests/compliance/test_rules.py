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
    SENTENCE_BILAN,
    SENTENCE_COMITE,
    SENTENCE_DIAGNOSTIC,
    SENTENCE_EDUCATION_NATIONALE,
    SENTENCE_RELATIONS,
    SENTENCE_SUIVI,
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
    check_comite_education_nationale,
    check_comite_porteur,
    check_diagnostic,
    check_school_contacts,
    check_suivi,
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
        "1 écoles sur 2 ont un contact nommé ; sans contact : École Champion de Cicé.",
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


# -- école: diagnostic / lancement ----------------------------------------------------------------

TWO_SCHOOLS = (school(), school(CHAMPS, "École Champion de Cicé", "Karim Haddad"))
DIAGNOSTIC_CASES = [
    ("aucune réunion", TWO_SCHOOLS, (), Status.MISSING,
     "Aucune réunion de diagnostic ou de lancement avant le démarrage de l'activité (lundi 2 novembre 2026)."),
    ("diagnostic tenu, toutes présentes", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA, CHAMPS, PORTEUR}),), Status.MET,
     "Réunion tenue le jeudi 8 octobre 2026 : toutes les écoles liées étaient présentes."),
    ("lancement le jour du démarrage", (school(),),
     (meeting(K.LANCEMENT, date(2026, 11, 2), present={VOLGA}),), Status.MET,
     "Réunion tenue le lundi 2 novembre 2026 : l'école liée était présente."),
    ("présences réparties sur deux réunions", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 6, 18), present={VOLGA}),
      meeting(K.LANCEMENT, date(2026, 10, 15), present={CHAMPS})), Status.MET,
     "Réunion tenue le jeudi 18 juin 2026 et le jeudi 15 octobre 2026 : toutes les écoles liées étaient présentes."),
    ("une école absente", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA}),), Status.PARTLY,
     "Réunion tenue le jeudi 8 octobre 2026 ; écoles non notées présentes : École Champion de Cicé."),
    ("aucune école présente", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={PORTEUR}),), Status.PARTLY,
     "Réunion tenue le jeudi 8 octobre 2026, mais aucune école liée n'y est notée présente."),
    ("prévue, à venir (1er septembre)", TWO_SCHOOLS,
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), S.PLANNED),), Status.PARTLY,
     "La réunion « Diagnostic » du jeudi 8 octobre 2026 est prévue : elle n'a pas encore eu lieu."),
    ("passée, pas marquée tenue", TWO_SCHOOLS,
     (meeting(K.LANCEMENT, date(2026, 10, 8), S.PLANNED),), Status.PARTLY,
     "La réunion « Lancement » du jeudi 8 octobre 2026 est passée mais n'est pas marquée comme tenue."),
    ("après le démarrage", TWO_SCHOOLS,
     (meeting(K.LANCEMENT, date(2026, 11, 19), present={VOLGA, CHAMPS}),), Status.MISSING,
     "La réunion « Lancement » du jeudi 19 novembre 2026 est postérieure au démarrage de l'activité "
     "(lundi 2 novembre 2026) : la concertation doit le précéder."),
    ("un suivi ne compte pas", TWO_SCHOOLS,
     (meeting(K.SUIVI, date(2026, 10, 8), present={VOLGA, CHAMPS}),), Status.MISSING,
     "Aucune réunion de diagnostic ou de lancement avant le démarrage de l'activité (lundi 2 novembre 2026)."),
    ("tenue sans école liée", (),
     (meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={PORTEUR}),), Status.PARTLY,
     "Réunion tenue le jeudi 8 octobre 2026, mais aucune école n'est liée au projet."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(
    ("case", "schools", "meetings", "status", "reason"), DIAGNOSTIC_CASES, ids=[c[0] for c in DIAGNOSTIC_CASES]
)
def test_diagnostic_before_activity_with_the_schools(rural, case, schools, meetings, status, reason):
    today = date(2026, 9, 1) if "1er septembre" in case else TODAY
    check = check_diagnostic(facts(rural, schools=schools, meetings=meetings, today=today))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_DIAGNOSTIC
    if status is Status.MISSING:
        assert check.action.label == "Planifier la réunion de diagnostic"
        assert check.action.meeting_kind is K.DIAGNOSTIC


def test_diagnostic_links_its_proofs():
    held = meeting(
        K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA}, id=7, invited=frozenset({VOLGA, CHAMPS}),
        answered=frozenset({VOLGA}), has_minutes=True, evidence=(EvidenceFact(3, "emargement.pdf", "Feuille d'émargement signée"),),
    )  # fmt: skip
    check = check_diagnostic(facts(meetings=(held,)))
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


# -- école: suivi -----------------------------------------------------------------------------------

TWELVE_THURSDAYS = (*(date(2026, 11, day) for day in (5, 12, 19, 26)), date(2027, 1, 7), date(2027, 1, 14),
                    date(2027, 2, 4), date(2027, 2, 11), date(2027, 3, 4), date(2027, 3, 11), date(2027, 4, 1),
                    date(2027, 6, 3))  # fmt: skip
SUIVI_CASES = [
    ("aucun", (), Status.MISSING,
     "Aucune réunion de suivi pendant l'activité (du lundi 2 novembre 2026 au mardi 15 juin 2027)."),
    ("tenu", (meeting(K.SUIVI, date(2027, 2, 4)),), Status.MET, "Réunion de suivi tenue le jeudi 4 février 2027."),
    ("tenu sans école: suffit", (meeting(K.SUIVI, date(2027, 2, 4), present=()),), Status.MET,
     "Réunion de suivi tenue le jeudi 4 février 2027."),
    ("prévu", (meeting(K.SUIVI, date(2027, 4, 1), S.PLANNED),), Status.PARTLY,
     "La réunion « Suivi » du jeudi 1er avril 2027 est prévue : elle n'a pas encore eu lieu."),
    ("passé non marqué", (meeting(K.SUIVI, date(2027, 1, 14), S.PLANNED),), Status.PARTLY,
     "La réunion « Suivi » du jeudi 14 janvier 2027 est passée mais n'est pas marquée comme tenue."),
    ("avant l'activité", (meeting(K.SUIVI, date(2026, 10, 1)),), Status.MISSING,
     "La réunion « Suivi » du jeudi 1er octobre 2026 est en dehors de la période d'activité "
     "(du lundi 2 novembre 2026 au mardi 15 juin 2027)."),
    ("un bilan ne compte pas", (meeting(K.BILAN, date(2027, 2, 4)),), Status.MISSING,
     "Aucune réunion de suivi pendant l'activité (du lundi 2 novembre 2026 au mardi 15 juin 2027)."),
    ("deux tenus", (meeting(K.SUIVI, date(2027, 2, 4)), meeting(K.SUIVI, date(2027, 3, 4))), Status.MET,
     "Réunion de suivi tenue le jeudi 4 février 2027 et le jeudi 4 mars 2027."),
    ("douze tenus: la période, pas la liste",
     tuple(meeting(K.SUIVI, day, id=100 + n) for n, day in enumerate(TWELVE_THURSDAYS)),
     Status.MET, "Réunion de suivi tenue à 12 reprises, du jeudi 5 novembre 2026 au jeudi 3 juin 2027."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(("case", "meetings", "status", "reason"), SUIVI_CASES, ids=[c[0] for c in SUIVI_CASES])
def test_suivi_during_the_year(rural, case, meetings, status, reason):
    check = check_suivi(facts(rural, meetings=meetings))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_SUIVI


def test_many_suivis_show_the_latest_three_and_a_link_to_the_others():
    suivis = tuple(meeting(K.SUIVI, date(2027, 1 + n % 5, 4 + n // 5), id=100 + n) for n in range(10))
    check = check_suivi(facts(meetings=tuple(sorted(suivis, key=lambda m: m.day))))
    latest = sorted(suivis, key=lambda m: m.day)[-3:]
    assert [proof.meeting_id for proof in check.proofs if proof.kind == "meeting"] == [m.id for m in latest]
    assert (check.proofs[-1].kind, check.proofs[-1].label) == ("meetings", "Les 10 réunions « Suivi » du projet")
    assert (check.proofs[-1].project_id, check.proofs[-1].meeting_kind) == (1, K.SUIVI)


# -- école: bilan -----------------------------------------------------------------------------------

BILAN_CASES = [
    ("aucun", TWO_SCHOOLS, (), Status.MISSING, "Aucune réunion de bilan n'est prévue ni tenue."),
    ("tenu, toutes présentes", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 6, 10), present={VOLGA, CHAMPS}),),
     Status.MET, "Réunion tenue le jeudi 10 juin 2027 : toutes les écoles liées étaient présentes."),
    ("tenu, une absente", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 6, 10), present={CHAMPS}),),
     Status.PARTLY, "Réunion tenue le jeudi 10 juin 2027 ; écoles non notées présentes : École Volga."),
    ("prévu", TWO_SCHOOLS, (meeting(K.BILAN, date(2027, 6, 10), S.PLANNED),), Status.PARTLY,
     "La réunion « Bilan » du jeudi 10 juin 2027 est prévue : elle n'a pas encore eu lieu."),
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


# -- territoire: comité local -------------------------------------------------------------------------

OCT, MAR = date(2026, 10, 15), date(2027, 3, 18)
FIVE_COMITES = (OCT, date(2026, 11, 19), date(2026, 12, 17), MAR, date(2027, 5, 20))
PORTEUR_CASES = [
    ("aucun comité", (), Status.MISSING, "Aucune réunion du comité local n'est prévue ni tenue en 2026-2027."),
    ("un comité, présent", (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}),), Status.MET,
     "Le porteur présent·e au comité local tenu le jeudi 15 octobre 2026."),
    ("deux comités, présent aux deux",
     (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}), meeting(K.COMITE_LOCAL, date(2027, 1, 14), present={PORTEUR})),
     Status.MET, "Le porteur présent·e aux 2 comités locaux tenus cette année."),
    ("présent à un sur deux",
     (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}), meeting(K.COMITE_LOCAL, date(2027, 1, 14), present={EN})),
     Status.PARTLY, "Le porteur présent·e à 1 sur 2 comités locaux tenus ; absent·e le jeudi 14 janvier 2027."),
    ("jamais présent", (meeting(K.COMITE_LOCAL, OCT, present={EN}),), Status.MISSING,
     "Le porteur n'est pas noté·e présent·e au comité local tenu le jeudi 15 octobre 2026."),
    ("jamais présent à deux", (meeting(K.COMITE_LOCAL, OCT), meeting(K.COMITE_LOCAL, MAR)), Status.MISSING,
     "Le porteur n'est noté·e présent·e à aucun des 2 comités locaux tenus (le jeudi 15 octobre 2026 et "
     "le jeudi 18 mars 2027)."),
    ("jamais présent à cinq",
     tuple(meeting(K.COMITE_LOCAL, day) for day in FIVE_COMITES),
     Status.MISSING, "Le porteur n'est noté·e présent·e à aucun des 5 comités locaux tenus "
     "(du jeudi 15 octobre 2026 au jeudi 20 mai 2027)."),
    ("absent à quatre sur cinq",
     (meeting(K.COMITE_LOCAL, date(2026, 9, 17), present={PORTEUR}),
      *(meeting(K.COMITE_LOCAL, day) for day in FIVE_COMITES[:4])),
     Status.PARTLY, "Le porteur présent·e à 1 sur 5 comités locaux tenus ; absent·e à 4 reprises, "
     "du jeudi 15 octobre 2026 au jeudi 18 mars 2027."),
    ("comité prévu seulement", (meeting(K.COMITE_LOCAL, MAR, S.PLANNED, title="Comité local de printemps"),),
     Status.PARTLY, "Aucun comité local tenu cette année. La réunion « Comité local de printemps » du jeudi 18 mars 2027 "
     "est prévue : elle n'a pas encore eu lieu."),
    ("un prévu ne pèse pas quand un est tenu",
     (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}), meeting(K.COMITE_LOCAL, MAR, S.PLANNED)),
     Status.MET, "Le porteur présent·e au comité local tenu le jeudi 15 octobre 2026."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(("case", "comites", "status", "reason"), PORTEUR_CASES, ids=[c[0] for c in PORTEUR_CASES])
def test_porteur_takes_part_in_the_comites_locaux(rural, case, comites, status, reason):
    check = check_comite_porteur(facts(rural, comite_meetings=comites))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_COMITE


def test_many_comites_show_the_latest_three_and_a_link_to_the_year_s_comites(app):
    from clas_local.compliance.links import proof_url

    check = check_comite_porteur(facts(comite_meetings=tuple(meeting(K.COMITE_LOCAL, day) for day in FIVE_COMITES)))
    assert [proof.kind for proof in check.proofs].count("meeting") == 3
    last = check.proofs[-1]
    assert (last.kind, last.label) == ("meetings", "Les 5 comités locaux tenus en 2026-2027")
    committee = type("Committee", (), {"slug": "rennes"})
    with app.test_request_context():
        assert proof_url(last, committee) == "/c/rennes/meetings?status=held&kind=comite_local&school_year=2026-2027"


EN_CASES = [
    ("aucun comité", (), Status.MISSING, "Aucune réunion du comité local n'est prévue ni tenue en 2026-2027."),
    ("présente", (meeting(K.COMITE_LOCAL, OCT, present={EN}, en=("Circonscription de Rennes Sud",)),), Status.MET,
     "L'Éducation nationale présent·e au comité local tenu le jeudi 15 octobre 2026."),
    ("présente à un sur deux",
     (meeting(K.COMITE_LOCAL, OCT, present={EN}, en=("Circonscription de Rennes Sud",)),
      meeting(K.COMITE_LOCAL, date(2027, 1, 14), present={PORTEUR})),
     Status.PARTLY, "L'Éducation nationale présent·e à 1 sur 2 comités locaux tenus ; absent·e le jeudi 14 janvier 2027."),
    ("absente", (meeting(K.COMITE_LOCAL, OCT, present={PORTEUR}),), Status.MISSING,
     "L'Éducation nationale n'est pas noté·e présent·e au comité local tenu le jeudi 15 octobre 2026."),
]  # fmt: skip


@RURAL
@pytest.mark.parametrize(("case", "comites", "status", "reason"), EN_CASES, ids=[c[0] for c in EN_CASES])
def test_education_nationale_attends_the_comites_locaux(rural, case, comites, status, reason):
    check = check_comite_education_nationale(facts(rural, comite_meetings=comites))
    assert (check.status, check.reason) == (status, reason)
    assert check.sentence == SENTENCE_EDUCATION_NATIONALE


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
    assert len(checklist.checks) == 7


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
        territory=(TerritoryFact(20, "PRE de Rennes", "Orientation croisée."),),
        meetings=(
            meeting(K.DIAGNOSTIC, date(2026, 10, 8), present={VOLGA}),
            meeting(K.SUIVI, date(2027, 2, 4)),
            meeting(K.BILAN, date(2027, 6, 10), S.HELD, present={VOLGA}),
        ),
        comite_meetings=(meeting(K.COMITE_LOCAL, OCT, present={PORTEUR, EN}, en=("Circonscription",)),),
    )


@RURAL
def test_a_compliant_project_meets_every_check(rural):
    checklist = evaluate(compliant_facts(rural))
    assert [check.status for check in checklist.checks] == [Status.MET] * 7
    assert checklist.overall is Status.MET
    assert checklist.next_actions == ()


def test_one_missing_check_makes_the_project_missing_and_says_what_to_do():
    compliant = compliant_facts()
    checklist = evaluate(replace(compliant, meetings=compliant.meetings[:2]))
    assert checklist.get("bilan").status is Status.MISSING
    assert checklist.overall is Status.MISSING
    assert [action.label for action in checklist.next_actions] == ["Planifier la réunion de bilan"]


@pytest.mark.parametrize(
    ("meetings", "state", "text"),
    [
        ((), MomentState.MISSING, "Manquante"),
        ((meeting(K.BILAN, date(2027, 6, 10), S.PLANNED),), MomentState.PLANNED, "Prévue le 10 juin 2027"),
        ((meeting(K.BILAN, date(2027, 6, 3), S.PLANNED), meeting(K.BILAN, date(2027, 6, 10))), MomentState.HELD,
         "Tenue le 10 juin 2027"),
    ],
)  # fmt: skip
def test_key_moment_cell(meetings, state, text):
    cell = key_moment(meetings, K.BILAN)
    assert (cell.state, cell.text) == (state, text)


def test_every_sentence_is_quoted_from_the_referential():
    referential = " ".join(REFERENTIAL.read_text(encoding="utf-8").split())
    referential = referential.replace("’", "'").replace("**", "")
    quoted = [SENTENCE_RELATIONS, SENTENCE_SUIVI, SENTENCE_TERRITORY, SENTENCE_COMITE, SENTENCE_EDUCATION_NATIONALE]
    # The diagnostic and bilan checks quote several sentences: « … » each, and the first one before « ; ».
    for composite in (SENTENCE_DIAGNOSTIC, SENTENCE_BILAN):
        quoted.append(composite.split(" ; ")[0])
        quoted.extend(part.split(" »")[0] for part in composite.split("« ")[1:])
    for sentence in quoted:
        assert sentence.replace("’", "'") in referential, sentence
