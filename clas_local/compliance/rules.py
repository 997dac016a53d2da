"""The referential's concertation checks, as pure functions over plain data.

`queries.load_facts()` reads a project and its school year from the database into the
frozen dataclasses below (a fixed number of queries); every rule here is a pure function
of those facts and of `today`, so each one is tested with a table of cases.

Each check is *met*, *partly met* or *missing*, says why in French, points at its proof
(meetings, answers, attendance, files) and quotes the referential sentence it comes from.

What « partly met » means, rule by rule (and nothing else is partly met):

- contacts: some linked schools have a named referent contact, not all. An anonymised
  contact is no longer a named contact.
- diagnostic / lancement: a diagnostic or lancement meeting dated on or before the first day
  of activity exists but (a) it is held and some linked schools were not recorded present
  (none present counts as partly met too: the meeting took place), or (b) it is only planned
  (in the future, or past but not yet marked held).
- suivi: a suivi meeting inside the activity window is only planned (not held yet, or past
  and not marked held).
- bilan: a bilan meeting is held but not every linked school was recorded present, or it
  is only planned.
- territory partners: partners are linked but none has its relation described.
- comité local, porteur / Éducation nationale: present at some of the year's held comité
  local meetings but not all; or no comité local meeting has been held yet and one is planned.

Cancelled meetings are ignored everywhere. A meeting counts as "present" for an
organisation when its attendance says « présent »: an accepted invitation is a promise,
not a proof.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from clas_local.i18n import format_day
from clas_local.meetings.models import MeetingKind, MeetingStatus, MomentState
from clas_local.projects.rules import collectif_warnings, school_weeks_rule


class Status(enum.Enum):
    MET = ("met", "Respecté", "ok")
    PARTLY = ("partly", "Partiellement respecté", "warn")
    MISSING = ("missing", "Manquant", "danger")
    # Collectif checks are advice, never blocks: « conforme » or « à vérifier ».
    CONFORM = ("conform", "Conforme", "ok")
    WARNING = ("warning", "À vérifier", "warn")

    def __init__(self, code: str, label: str, tone: str):
        self.code = code
        self.label = label
        self.tone = tone


# -- the referential's sentences, quoted ---------------------------------------------------

SENTENCE_RELATIONS = (
    "Etablir des relations avec les directeurs d'établissements, les conseillers principaux "
    "d'éducation, les enseignants"
)
SENTENCE_DIAGNOSTIC = (
    "Organiser une réunion de concertation avec les équipes éducatives en amont de la mise en place "
    "du projet et lors du bilan ; « lors du diagnostic préalable puis lors de la conception du projet "
    "Clas afin de repérer les difficultés existantes et les besoins d'accompagnement des enfants et "
    "parents » et « lors du démarrage de l'activité Clas pour harmoniser les interventions entre "
    "l'école, les parents et le coordinateur de l'action Clas »."
)
SENTENCE_SUIVI = "au cours de l'année, notamment en cas de difficulté rencontrée par les intervenants des Clas"
SENTENCE_BILAN = (
    "lors du bilan de fin d'année afin notamment d'évaluer l'efficacité de l'intervention ; "
    "« Organiser une réunion de concertation avec les équipes éducatives en amont de la mise en "
    "place du projet et lors du bilan »."
)
SENTENCE_TERRITORY = "Être en relation avec d'autres associations ou partenaires du secteur."
SENTENCE_COMITE = (
    "participer aux comité locaux Clas et/ ou instance de concertation des politiques éducatives "
    "sur le territoire"
)
SENTENCE_EDUCATION_NATIONALE = (
    "Le dispositif Clas visant à faciliter le lien parents enfants école, la présence de l'Éducation "
    "Nationale au sein de ces instances doit être systématiquement recherchée, afin notamment de "
    "favoriser le partenariat avec les établissements scolaires."
)

AXES = {
    "ecole": "Axe école : concertation et coordination avec l'école",
    "territoire": "Axe territoire : concertation avec les acteurs du territoire",
    "collectifs": "Collectifs d'enfants (avertissements)",
}


# -- facts: what the rules read ----------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFact:
    id: int
    name: str
    kind_label: str


@dataclass(frozen=True)
class MeetingFact:
    id: int
    kind: MeetingKind
    status: MeetingStatus
    day: date  # in the committee's time zone
    title: str = ""
    present: frozenset[int] = frozenset()  # partner ids recorded « présent »
    invited: frozenset[int] = frozenset()
    answered: frozenset[int] = frozenset()  # invited partners with an answer other than « pas encore »
    education_nationale_present: tuple[str, ...] = ()  # names of Éducation nationale partners present
    has_minutes: bool = False
    evidence: tuple[EvidenceFact, ...] = ()

    @property
    def held(self) -> bool:
        return self.status is MeetingStatus.HELD

    @property
    def planned(self) -> bool:
        return self.status is MeetingStatus.PLANNED

    @property
    def label(self) -> str:
        return f"la réunion « {self.title or self.kind.label} » du {format_day(self.day)}"


@dataclass(frozen=True)
class SchoolFact:
    partner_id: int
    name: str
    contact_name: str | None = None  # None: no referent, or an anonymised one


@dataclass(frozen=True)
class TerritoryFact:
    partner_id: int
    name: str
    relation: str = ""


@dataclass(frozen=True)
class ProjectFacts:
    project_id: int
    name: str
    school_year: str
    porteur_id: int
    porteur_name: str
    rural: bool
    activity_start: date
    activity_end: date
    today: date
    schools: tuple[SchoolFact, ...] = ()
    territory: tuple[TerritoryFact, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()  # the project's meetings, cancelled ones left out
    comite_meetings: tuple[MeetingFact, ...] = ()  # the committee's comité local meetings of the year
    collectifs: tuple[CollectifFact, ...] = ()
    available_weeks: int | None = None  # school weeks of the activity window (school_year.school_weeks)


@dataclass(frozen=True)
class CollectifFact:
    id: int
    name: str
    children_count: int
    animateurs_count: int
    weekly_sessions: int
    session_minutes: int
    planned_weeks: int


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proof:
    """Something a reader can open to verify a check."""

    kind: str  # "meeting", "answers", "attendance", "minutes", "file", "school", "partner", "meetings"
    label: str
    meeting_id: int | None = None
    evidence_id: int | None = None
    partner_id: int | None = None
    # "meetings": the project's meetings of this kind, in the meeting list
    project_id: int | None = None
    meeting_kind: MeetingKind | None = None
    school_year: str = ""


@dataclass(frozen=True)
class NextAction:
    kind: str  # "create_meeting", "open_meeting", "school_contact", "territory_partner"
    label: str
    meeting_kind: MeetingKind | None = None
    meeting_id: int | None = None
    partner_id: int | None = None


@dataclass(frozen=True)
class Check:
    key: str
    axis: str
    title: str
    status: Status
    reason: str
    sentence: str
    proofs: tuple[Proof, ...] = ()
    action: NextAction | None = None


@dataclass(frozen=True)
class Checklist:
    checks: tuple[Check, ...]
    warnings: tuple[Check, ...] = field(default=())

    def by_axis(self, axis: str) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.axis == axis)

    def get(self, key: str) -> Check:
        return next(check for check in self.checks if check.key == key)

    @property
    def met_count(self) -> int:
        return sum(check.status is Status.MET for check in self.checks)

    @property
    def overall(self) -> Status:
        statuses = {check.status for check in self.checks}
        if statuses <= {Status.MET}:
            return Status.MET
        return Status.MISSING if Status.MISSING in statuses else Status.PARTLY

    @property
    def next_actions(self) -> tuple[NextAction, ...]:
        return tuple(check.action for check in self.checks if check.action is not None)


# -- helpers ------------------------------------------------------------------------------------


def _names(items) -> str:
    names = [item.name for item in items]
    return _and(names) if names else ""


MAX_LISTED = 3  # meetings a reason names one by one, and whose proofs it shows


def _held_on(meetings) -> str:
    """« le jeudi 8 octobre 2026 et le lundi 2 novembre 2026 »; beyond MAX_LISTED, the span."""
    if len(meetings) <= MAX_LISTED:
        return _and([f"le {format_day(meeting.day)}" for meeting in meetings])
    return f"à {len(meetings)} reprises, du {format_day(meetings[0].day)} au {format_day(meetings[-1].day)}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _recent_proofs(facts: ProjectFacts, meetings, kind: MeetingKind) -> tuple[Proof, ...]:
    """The proofs of the latest MAX_LISTED meetings, and a link to the project's others of this kind."""
    proofs = _meeting_proofs(meetings[-MAX_LISTED:])
    if len(meetings) <= MAX_LISTED:
        return proofs
    label = f"Les {len(meetings)} réunions « {kind.label} » du projet"
    return (*proofs, Proof("meetings", label, project_id=facts.project_id, meeting_kind=kind))


def _meeting_proofs(meetings, *, attendance: bool = True) -> tuple[Proof, ...]:
    proofs: list[Proof] = []
    for meeting in meetings:
        proofs.append(Proof("meeting", _cap(meeting.label), meeting_id=meeting.id))
        if meeting.invited:
            proofs.append(
                Proof("answers", f"Réponses : {len(meeting.answered)} sur {len(meeting.invited)}", meeting_id=meeting.id)
            )
        if attendance and meeting.held:
            proofs.append(Proof("attendance", f"Présences : {len(meeting.present)}", meeting_id=meeting.id))
        if meeting.has_minutes:
            proofs.append(Proof("minutes", "Compte rendu", meeting_id=meeting.id))
        proofs.extend(
            Proof("file", f"{evidence.kind_label} : {evidence.name}", meeting_id=meeting.id, evidence_id=evidence.id)
            for evidence in meeting.evidence
        )
    return tuple(proofs)


def _unheld_reason(meeting: MeetingFact, today: date) -> str:
    if meeting.day >= today:
        return f"{_cap(meeting.label)} est prévue : elle n'a pas encore eu lieu."
    return f"{_cap(meeting.label)} est passée mais n'est pas marquée comme tenue."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count <= 1 else plural}"


# -- axe école ----------------------------------------------------------------------------------


def check_school_contacts(facts: ProjectFacts) -> Check:
    common = {"key": "school_contacts", "axis": "ecole", "sentence": SENTENCE_RELATIONS,
              "title": "Chaque école liée a un contact nommé"}  # fmt: skip
    if not facts.schools:
        return Check(**common, status=Status.MISSING, reason="Aucune école n'est liée au projet.")
    proofs = tuple(
        Proof("school", f"{school.name} : {school.contact_name or 'aucun contact'}", partner_id=school.partner_id)
        for school in facts.schools
    )
    without = [school for school in facts.schools if not school.contact_name]
    total = len(facts.schools)
    if not without:
        reason = (
            "L'école liée a un contact nommé."
            if total == 1
            else f"Les {total} écoles liées ont chacune un contact nommé."
        )
        return Check(**common, status=Status.MET, reason=reason, proofs=proofs)
    action = NextAction(
        "school_contact", f"Ajouter un contact pour l'école {without[0].name}", partner_id=without[0].partner_id
    )
    if len(without) == total:
        reason = (
            f"L'école liée ({without[0].name}) n'a pas de contact nommé."
            if total == 1
            else f"Aucune des {total} écoles liées n'a de contact nommé."
        )
        return Check(**common, status=Status.MISSING, reason=reason, proofs=proofs, action=action)
    reason = (
        f"{total - len(without)} écoles sur {total} ont un contact nommé ; "
        f"sans contact : {_names(without)}."
    )
    return Check(**common, status=Status.PARTLY, reason=reason, proofs=proofs, action=action)


def _schools_presence_check(
    facts: ProjectFacts, candidates: list[MeetingFact], common: dict, *, missing_reason: str, create: NextAction
) -> Check:
    """The shared logic of the diagnostic and bilan checks: held with every linked school present."""
    held = [meeting for meeting in candidates if meeting.held]
    if held:
        present = frozenset().union(*(meeting.present for meeting in held))
        absent = [school for school in facts.schools if school.partner_id not in present]
        proofs = _meeting_proofs(held)
        dates = _held_on(held)
        if not facts.schools:
            return Check(**common, status=Status.PARTLY, proofs=proofs,
                         reason=f"Réunion tenue {dates}, mais aucune école n'est liée au projet.")  # fmt: skip
        if not absent:
            schools = "l'école liée était présente" if len(facts.schools) == 1 else "toutes les écoles liées étaient présentes"
            return Check(**common, status=Status.MET, proofs=proofs, reason=f"Réunion tenue {dates} : {schools}.")
        first = held[-1]
        action = NextAction("open_meeting", "Saisir la présence des écoles", meeting_id=first.id)
        if len(absent) == len(facts.schools):
            reason = f"Réunion tenue {dates}, mais aucune école liée n'y est notée présente."
        else:
            reason = f"Réunion tenue {dates} ; écoles non notées présentes : {_names(absent)}."
        return Check(**common, status=Status.PARTLY, proofs=proofs, reason=reason, action=action)
    planned = [meeting for meeting in candidates if meeting.planned]
    if planned:
        meeting = planned[0]
        action = (
            NextAction("open_meeting", "Marquer la réunion comme tenue et saisir les présences", meeting_id=meeting.id)
            if meeting.day < facts.today
            else None
        )
        return Check(**common, status=Status.PARTLY, reason=_unheld_reason(meeting, facts.today),
                     proofs=_meeting_proofs(planned, attendance=False), action=action)  # fmt: skip
    return Check(**common, status=Status.MISSING, reason=missing_reason, action=create)


def check_diagnostic(facts: ProjectFacts) -> Check:
    """Diagnostic or lancement meeting dated on or before the first day of activity, schools present."""
    common = {"key": "diagnostic", "axis": "ecole", "sentence": SENTENCE_DIAGNOSTIC,
              "title": "Réunion de diagnostic ou de lancement avant le démarrage, avec les écoles"}  # fmt: skip
    start = facts.activity_start
    kinds = (MeetingKind.DIAGNOSTIC, MeetingKind.LANCEMENT)
    relevant = [meeting for meeting in facts.meetings if meeting.kind in kinds]
    candidates = [meeting for meeting in relevant if meeting.day <= start]
    late = [meeting for meeting in relevant if meeting.day > start]
    missing = f"Aucune réunion de diagnostic ou de lancement avant le démarrage de l'activité ({format_day(start)})."
    if late and not candidates:
        missing = (
            f"{_cap(late[0].label)} est postérieure au démarrage de l'activité ({format_day(start)}) : "
            "la concertation doit le précéder."
        )
    create = NextAction("create_meeting", "Planifier la réunion de diagnostic", meeting_kind=MeetingKind.DIAGNOSTIC)
    return _schools_presence_check(facts, candidates, common, missing_reason=missing, create=create)


def check_suivi(facts: ProjectFacts) -> Check:
    """A suivi meeting inside the activity window (schools' presence not required)."""
    common = {"key": "suivi", "axis": "ecole", "sentence": SENTENCE_SUIVI,
              "title": "Réunion de suivi pendant l'année"}  # fmt: skip
    start, end = facts.activity_start, facts.activity_end
    suivis = [meeting for meeting in facts.meetings if meeting.kind is MeetingKind.SUIVI]
    inside = [meeting for meeting in suivis if start <= meeting.day <= end]
    held = [meeting for meeting in inside if meeting.held]
    if held:
        return Check(**common, status=Status.MET, reason=f"Réunion de suivi tenue {_held_on(held)}.",
                     proofs=_recent_proofs(facts, held, MeetingKind.SUIVI))  # fmt: skip
    planned = [meeting for meeting in inside if meeting.planned]
    if planned:
        meeting = planned[0]
        action = (
            NextAction("open_meeting", "Marquer la réunion comme tenue et saisir les présences", meeting_id=meeting.id)
            if meeting.day < facts.today
            else None
        )
        return Check(**common, status=Status.PARTLY, reason=_unheld_reason(meeting, facts.today),
                     proofs=_meeting_proofs(planned, attendance=False), action=action)  # fmt: skip
    window = f"du {format_day(start)} au {format_day(end)}"
    reason = f"Aucune réunion de suivi pendant l'activité ({window})."
    if suivis:
        reason = f"{_cap(suivis[0].label)} est en dehors de la période d'activité ({window})."
    create = NextAction("create_meeting", "Planifier une réunion de suivi", meeting_kind=MeetingKind.SUIVI)
    return Check(**common, status=Status.MISSING, reason=reason, action=create)


def check_bilan(facts: ProjectFacts) -> Check:
    common = {"key": "bilan", "axis": "ecole", "sentence": SENTENCE_BILAN,
              "title": "Réunion de bilan tenue avec les écoles"}  # fmt: skip
    candidates = [meeting for meeting in facts.meetings if meeting.kind is MeetingKind.BILAN]
    create = NextAction("create_meeting", "Planifier la réunion de bilan", meeting_kind=MeetingKind.BILAN)
    return _schools_presence_check(
        facts, candidates, common, missing_reason="Aucune réunion de bilan n'est prévue ni tenue.", create=create
    )


# -- axe territoire -----------------------------------------------------------------------------


def check_territory_partners(facts: ProjectFacts) -> Check:
    common = {"key": "territory_partners", "axis": "territoire", "sentence": SENTENCE_TERRITORY,
              "title": "Au moins un partenaire du territoire, relation décrite"}  # fmt: skip
    action = NextAction("territory_partner", "Lier un partenaire du territoire et décrire la relation")
    if not facts.territory:
        return Check(**common, status=Status.MISSING, reason="Aucun partenaire du territoire n'est lié au projet.",
                     action=action)  # fmt: skip
    described = [partner for partner in facts.territory if partner.relation.strip()]
    proofs = tuple(
        Proof("partner", f"{partner.name} : {partner.relation.strip() or 'relation non décrite'}", partner_id=partner.partner_id)
        for partner in facts.territory
    )
    if described:
        count = _plural(len(described), "partenaire du territoire lié", "partenaires du territoire liés")
        return Check(**common, status=Status.MET, proofs=proofs,
                     reason=f"{count} avec la relation décrite : {_names(described)}.")  # fmt: skip
    action = NextAction("territory_partner", "Décrire la relation avec les partenaires du territoire")
    return Check(**common, status=Status.PARTLY, proofs=proofs, action=action,
                 reason=f"Partenaires liés sans relation décrite : {_names(facts.territory)}.")  # fmt: skip


def _comite_check(facts: ProjectFacts, common: dict, present_at, who: str) -> Check:
    """Shared logic: `who` present at every held comité local meeting of the year."""
    held = [meeting for meeting in facts.comite_meetings if meeting.held]
    planned = [meeting for meeting in facts.comite_meetings if meeting.planned]
    if not held:
        if planned:
            return Check(**common, status=Status.PARTLY, proofs=_meeting_proofs(planned, attendance=False),
                         reason=f"Aucun comité local tenu cette année. {_unheld_reason(planned[0], facts.today)}")  # fmt: skip
        return Check(**common, status=Status.MISSING,
                     reason=f"Aucune réunion du comité local n'est prévue ni tenue en {facts.school_year}.")  # fmt: skip
    attended = [meeting for meeting in held if present_at(meeting)]
    proofs = _meeting_proofs(held[-MAX_LISTED:])
    if len(held) > MAX_LISTED:
        label = f"Les {len(held)} comités locaux tenus en {facts.school_year}"
        proofs += (Proof("meetings", label, meeting_kind=MeetingKind.COMITE_LOCAL, school_year=facts.school_year),)
    if len(attended) == len(held):
        reason = (
            f"{who} présent·e au comité local tenu le {format_day(held[0].day)}."
            if len(held) == 1
            else f"{who} présent·e aux {len(held)} comités locaux tenus cette année."
        )
        return Check(**common, status=Status.MET, reason=reason, proofs=proofs)
    missed = [meeting for meeting in held if not present_at(meeting)]
    if attended:
        return Check(**common, status=Status.PARTLY, proofs=proofs,
                     reason=f"{who} présent·e à {len(attended)} sur {len(held)} comités locaux tenus ; "
                            f"absent·e {_held_on(missed)}.")  # fmt: skip
    if len(held) == 1:
        reason = f"{who} n'est pas noté·e présent·e au comité local tenu le {format_day(held[0].day)}."
    else:
        span = _held_on(held) if len(held) <= MAX_LISTED else f"du {format_day(held[0].day)} au {format_day(held[-1].day)}"
        reason = f"{who} n'est noté·e présent·e à aucun des {len(held)} comités locaux tenus ({span})."
    return Check(**common, status=Status.MISSING, proofs=proofs, reason=reason)


def check_comite_porteur(facts: ProjectFacts) -> Check:
    common = {"key": "comite_porteur", "axis": "territoire", "sentence": SENTENCE_COMITE,
              "title": "Le porteur participe aux comités locaux de l'année"}  # fmt: skip
    return _comite_check(facts, common, lambda meeting: facts.porteur_id in meeting.present, "Le porteur")


def check_comite_education_nationale(facts: ProjectFacts) -> Check:
    common = {"key": "comite_education_nationale", "axis": "territoire", "sentence": SENTENCE_EDUCATION_NATIONALE,
              "title": "L'Éducation nationale présente aux comités locaux"}  # fmt: skip
    return _comite_check(
        facts, common, lambda meeting: bool(meeting.education_nationale_present), "L'Éducation nationale"
    )


RULES = (
    check_school_contacts,
    check_diagnostic,
    check_suivi,
    check_bilan,
    check_territory_partners,
    check_comite_porteur,
    check_comite_education_nationale,
)


COLLECTIF_RULE_TITLES = {
    "children": "Nombre d'enfants",
    "animateurs": "Encadrement",
    "sessions": "Séances hebdomadaires",
    "weeks": "Semaines de fonctionnement",
    "school_weeks": "Semaines d'école disponibles dans l'année",
}


def _warning(result, key: str, title: str) -> Check:
    return Check(
        key=key,
        axis="collectifs",
        title=title,
        status=Status.CONFORM if result.is_conforme else Status.WARNING,
        reason=result.reason,
        sentence=result.source,
    )


def collectif_checks(facts: ProjectFacts) -> tuple[Check, ...]:
    """The collectif rules (projects.rules), as warnings: the year's school weeks, then each collectif."""
    checks: list[Check] = []
    if facts.available_weeks is not None:
        year = school_weeks_rule(
            facts.available_weeks, school_year=facts.school_year, window=(facts.activity_start, facts.activity_end)
        )
        checks.append(_warning(year, "school_weeks", COLLECTIF_RULE_TITLES["school_weeks"]))
    for collectif in facts.collectifs:
        for result in collectif_warnings(collectif, rural=facts.rural, available_weeks=facts.available_weeks):
            title = f"{collectif.name} : {COLLECTIF_RULE_TITLES.get(result.code, result.code).lower()}"
            checks.append(_warning(result, f"collectif-{collectif.id}-{result.code}", title))
    return tuple(checks)


def evaluate(facts: ProjectFacts) -> Checklist:
    return Checklist(checks=tuple(rule(facts) for rule in RULES), warnings=collectif_checks(facts))


# -- key moments (dashboard) ---------------------------------------------------------------------


@dataclass(frozen=True)
class MomentCell:
    kind: MeetingKind
    state: MomentState
    meeting: MeetingFact | None = None

    @property
    def text(self) -> str:
        if self.meeting is None:
            return self.state.label
        return f"{self.state.label} le {format_day(self.meeting.day, weekday=False)}"


def key_moment(meetings: tuple[MeetingFact, ...], kind: MeetingKind) -> MomentCell:
    """Held (the last held one), else planned (the next one), else missing."""
    of_kind = [meeting for meeting in meetings if meeting.kind is kind]
    held = [meeting for meeting in of_kind if meeting.held]
    if held:
        return MomentCell(kind, MomentState.HELD, max(held, key=lambda meeting: meeting.day))
    planned = [meeting for meeting in of_kind if meeting.planned]
    if planned:
        return MomentCell(kind, MomentState.PLANNED, min(planned, key=lambda meeting: meeting.day))
    return MomentCell(kind, MomentState.MISSING)


def local_day(moment: datetime, timezone) -> date:
    return moment.astimezone(timezone).date()
