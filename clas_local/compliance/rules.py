"""The referential's concertation checks, as pure functions over plain data.

`queries.load_facts()` reads a project and its school year from the database into the
frozen dataclasses below (a fixed number of queries); every rule here is a pure function
of those facts and of `today`, so each one is tested with a table of cases.

Each check is *met*, *partly met* or *missing*, says why in French, points at its proof
(meetings, answers, attendance, files) and quotes the referential sentence it comes from.

The referential keeps apart what a project must do from the moments where it shows:

- *obligations* (« Les projets doivent obligatoirement développer des actions en réponse
  aux objectifs opérationnels suivants »): the only checks that can be *missing*;
- *key moments* (« notamment … à certains moments clés »): the project's timeline
  (`key_moment`), to plan, planned, to complete or held, never a failure of the dossier;
- *evidence* (« Ces actions peuvent prendre les formes suivantes »): the comités locaux and
  instances de concertation the porteur attended, shown, never required;
- the Éducation nationale's presence in the comités (« doit être systématiquement
  recherchée »): a criterion of the committee (`check_education_nationale_sought`),
  shown on the dashboard, never a gap in a project's dossier.

What « partly met » means, rule by rule (and nothing else is partly met):

- contacts: some linked schools have a named referent contact, not all. An anonymised
  contact is no longer a named contact.
- orientation: some linked schools have oriented children towards the Clas, not all.
- en amont / bilan: a meeting in the right window exists but (a) it is held and some
  linked schools were not recorded present (none present counts as partly met too: the
  meeting took place), or (b) it is only planned (in the future, or past but not yet
  marked held).
- territory partners: partners are linked but none has its relation described.
- Éducation nationale (committee): invited to some of the year's comités, not all.

Cancelled meetings are ignored everywhere. A meeting counts as "present" for an
organisation when its attendance says « présent »: an accepted invitation is a promise,
not a proof.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from datetime import date, datetime

from clas_local.i18n import format_day
from clas_local.meetings.models import MeetingKind, MeetingStatus, MomentState
from clas_local.projects.rules import collectif_warnings, school_weeks_rule
from clas_local.school_year import bilan_from


class Status(enum.Enum):
    MET = ("met", "Respecté", "ok")
    PARTLY = ("partly", "Partiellement respecté", "warn")
    MISSING = ("missing", "Manquant", "danger")
    # Collectif checks are advice, never blocks: « conforme » or « à vérifier ».
    CONFORM = ("conform", "Conforme", "ok")
    WARNING = ("warning", "À vérifier", "warn")
    # Evidence is shown, never required.
    INFO = ("info", "Pour information", "info")

    def __init__(self, code: str, label: str, tone: str):
        self.code = code
        self.label = label
        self.tone = tone


# -- the referential's sentences, quoted ---------------------------------------------------

SENTENCE_RELATIONS = (
    "Etablir des relations avec les directeurs d'établissements, les conseillers principaux "
    "d'éducation, les enseignants"
)
SENTENCE_ORIENTATION = "Etablir une collaboration avec les équipes éducatives pour l'orientation des enfants vers le Clas"
SENTENCE_EN_AMONT = (
    "Organiser une réunion de concertation avec les équipes éducatives en amont de la mise en place "
    "du projet et lors du bilan ; « lors du diagnostic préalable puis lors de la conception du projet "
    "Clas afin de repérer les difficultés existantes et les besoins d'accompagnement des enfants et "
    "parents »."
)
SENTENCE_BILAN = (
    "Organiser une réunion de concertation avec les équipes éducatives en amont de la mise en place "
    "du projet et lors du bilan ; « lors du bilan de fin d'année afin notamment d'évaluer l'efficacité "
    "de l'intervention »."
)
# The key moments: the project's timeline, not obligations.
SENTENCE_KEY_MOMENTS = (
    "Cette concertation et cette coordination avec les établissements scolaires doivent être "
    "permanentes et se traduire notamment par la mise en place d'actions spécifiques à certains moments"
)
SENTENCE_DIAGNOSTIC = (
    "lors du diagnostic préalable puis lors de la conception du projet Clas afin de repérer les "
    "difficultés existantes et les besoins d'accompagnement des enfants et parents"
)
SENTENCE_LANCEMENT = (
    "lors du démarrage de l'activité Clas pour harmoniser les interventions entre l'école, les parents "
    "et le coordinateur de l'action Clas"
)
SENTENCE_SUIVI = "au cours de l'année, notamment en cas de difficulté rencontrée par les intervenants des Clas"
SENTENCE_BILAN_MOMENT = "lors du bilan de fin d'année afin notamment d'évaluer l'efficacité de l'intervention"
MOMENT_SENTENCES = {
    MeetingKind.DIAGNOSTIC: SENTENCE_DIAGNOSTIC,
    MeetingKind.LANCEMENT: SENTENCE_LANCEMENT,
    MeetingKind.SUIVI: SENTENCE_SUIVI,
    MeetingKind.BILAN: SENTENCE_BILAN_MOMENT,
}
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

# What the checklist covers: the concertation, not the whole of a funding decision.
CHECKLIST_TITLE = "Concertation (axes école et territoire)"
AXES = {
    "ecole": "Axe école : concertation et coordination avec l'école",
    "territoire": "Axe territoire : concertation avec les acteurs du territoire",
    "evidence": "Participation aux comités locaux et instances de concertation (pour information)",
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
    finished: bool = False  # over when the facts were read (its end is past)
    title: str = ""
    present: frozenset[int] = frozenset()  # partner ids recorded « présent »
    invited: frozenset[int] = frozenset()
    answered: frozenset[int] = frozenset()  # invited partners with an answer other than « pas encore »
    education_nationale_present: tuple[str, ...] = ()  # names of Éducation nationale partners present
    education_nationale_invited: bool = False  # an Éducation nationale partner is invited
    has_minutes: bool = False
    evidence: tuple[EvidenceFact, ...] = ()
    ends_at: datetime | None = None  # when `finished` turns true

    @property
    def held(self) -> bool:
        return self.status is MeetingStatus.HELD

    @property
    def planned(self) -> bool:
        return self.status is MeetingStatus.PLANNED

    def over(self, today: date) -> bool:
        """Past on `today` (the facts' day): an earlier day, or today and already ended, as the
        meeting's own page says (MeetingState: « à compléter » once its end is past)."""
        return self.day < today or (self.day == today and self.finished)

    @property
    def label(self) -> str:
        return f"la réunion « {self.title or self.kind.label} » du {format_day(self.day)}"


@dataclass(frozen=True)
class SchoolFact:
    partner_id: int
    name: str
    contact_name: str | None = None  # None: no referent, or an anonymised one
    oriented_children_count: int | None = None  # children the school's team oriented towards the Clas
    oriented_on: date | None = None


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
    activity_end: date  # activity_start: the project's own, or the referential's default
    today: date
    schools: tuple[SchoolFact, ...] = ()
    territory: tuple[TerritoryFact, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()  # the project's meetings, cancelled ones left out
    # The committee's comité local and instance de concertation meetings of the year.
    comite_meetings: tuple[MeetingFact, ...] = ()
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


class Check:
    """One check: its status, why (`reason`, in French), its proofs and the next action.

    `reason` and `proofs` are given written, or as functions that write them when first read:
    the lists of projects (the dashboards, the home page) read the statuses of hundreds of
    checklists and show none of their texts, whose French dates and proofs cost more than the
    verdicts. Read, a check is the same either way. Immutable, as the other results."""

    __slots__ = ("key", "axis", "title", "status", "sentence", "action", "_reason", "_proofs")

    def __init__(
        self, key: str, axis: str, title: str, status: Status, reason: str | Callable[[], str], sentence: str,
        proofs: tuple[Proof, ...] | Callable[[], tuple[Proof, ...]] = (), action: NextAction | None = None,
    ):  # fmt: skip
        init = object.__setattr__
        init(self, "key", key)
        init(self, "axis", axis)
        init(self, "title", title)
        init(self, "status", status)
        init(self, "_reason", reason)
        init(self, "sentence", sentence)
        init(self, "_proofs", proofs)
        init(self, "action", action)

    @property
    def reason(self) -> str:
        reason = self._reason
        if not isinstance(reason, str):
            reason = reason()
            object.__setattr__(self, "_reason", reason)
        return reason

    @property
    def proofs(self) -> tuple[Proof, ...]:
        proofs = self._proofs
        if not isinstance(proofs, tuple):
            proofs = proofs()
            object.__setattr__(self, "_proofs", proofs)
        return proofs

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _fields(self) -> tuple:
        return (self.key, self.axis, self.title, self.status, self.reason, self.sentence, self.proofs, self.action)

    def __eq__(self, other):
        return self._fields() == other._fields() if isinstance(other, Check) else NotImplemented

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"Check(key={self.key!r}, axis={self.axis!r}, title={self.title!r}, status={self.status!r}, "
            f"reason={self.reason!r}, sentence={self.sentence!r}, proofs={self.proofs!r}, action={self.action!r})"
        )


@dataclass(frozen=True)
class Checklist:
    checks: tuple[Check, ...]  # the obligations
    warnings: tuple[Check, ...] = field(default=())
    evidence: tuple[Check, ...] = field(default=())  # shown, never counted

    def by_axis(self, axis: str) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.axis == axis)

    def get(self, key: str) -> Check:
        return next(check for check in self.checks if check.key == key)

    @property
    def met_count(self) -> int:
        return sum(check.status is Status.MET for check in self.checks)

    @property
    def overall(self) -> Status:
        # A list, not a set: a set hashes each status (Enum.__hash__ is Python code), and the
        # dashboards read this of hundreds of checklists, several times each.
        statuses = [check.status for check in self.checks]
        if statuses.count(Status.MET) == len(statuses):
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
    if not meeting.over(today):
        return f"{_cap(meeting.label)} est prévue : elle n'a pas encore eu lieu."
    return f"{_cap(meeting.label)} est passée mais n'est pas marquée comme tenue."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count <= 1 else plural}"


# The actions that name nothing of the project: the same for every project.
CREATE_DIAGNOSTIC = NextAction("create_meeting", "Planifier la réunion de diagnostic", meeting_kind=MeetingKind.DIAGNOSTIC)
CREATE_BILAN = NextAction("create_meeting", "Planifier la réunion de bilan", meeting_kind=MeetingKind.BILAN)
LINK_TERRITORY_PARTNER = NextAction("territory_partner", "Lier un partenaire du territoire et décrire la relation")
DESCRIBE_TERRITORY_RELATION = NextAction("territory_partner", "Décrire la relation avec les partenaires du territoire")


# -- axe école ----------------------------------------------------------------------------------


def check_school_contacts(facts: ProjectFacts) -> Check:
    common = {"key": "school_contacts", "axis": "ecole", "sentence": SENTENCE_RELATIONS,
              "title": "Chaque école liée a un contact nommé"}  # fmt: skip
    if not facts.schools:
        return Check(**common, status=Status.MISSING, reason="Aucune école n'est liée au projet.")

    def proofs() -> tuple[Proof, ...]:
        return tuple(
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
    named = total - len(without)
    reason = (
        f"{named} école{'s' if named > 1 else ''} sur {total} {'ont' if named > 1 else 'a'} un contact nommé ; "
        f"sans contact : {_names(without)}."
    )
    return Check(**common, status=Status.PARTLY, reason=reason, proofs=proofs, action=action)


def _schools_presence_check(facts: ProjectFacts, candidates: list[MeetingFact], common: dict) -> Check | None:
    """The shared logic of the diagnostic and bilan checks: held with every linked school present.
    None when no candidate is held or planned: the caller says why it is missing."""
    held = [meeting for meeting in candidates if meeting.held]
    if held:
        present = frozenset().union(*(meeting.present for meeting in held))
        absent = [school for school in facts.schools if school.partner_id not in present]

        def proofs() -> tuple[Proof, ...]:
            return _meeting_proofs(held)

        if not facts.schools:
            return Check(**common, status=Status.PARTLY, proofs=proofs,
                         reason=lambda: f"Réunion tenue {_held_on(held)}, mais aucune école n'est liée au projet.")  # fmt: skip
        if not absent:
            schools = "l'école liée était présente" if len(facts.schools) == 1 else "toutes les écoles liées étaient présentes"
            return Check(**common, status=Status.MET, proofs=proofs,
                         reason=lambda: f"Réunion tenue {_held_on(held)} : {schools}.")  # fmt: skip
        first = held[-1]
        action = NextAction("open_meeting", "Saisir la présence des écoles", meeting_id=first.id)
        if len(absent) == len(facts.schools):
            reason = lambda: f"Réunion tenue {_held_on(held)}, mais aucune école liée n'y est notée présente."  # noqa: E731
        else:
            reason = lambda: f"Réunion tenue {_held_on(held)} ; écoles non notées présentes : {_names(absent)}."  # noqa: E731
        return Check(**common, status=Status.PARTLY, proofs=proofs, reason=reason, action=action)
    planned = [meeting for meeting in candidates if meeting.planned]
    if planned:
        meeting = planned[0]
        action = (
            NextAction("open_meeting", "Marquer la réunion comme tenue et saisir les présences", meeting_id=meeting.id)
            if meeting.over(facts.today)
            else None
        )
        # The schools must be there: say which ones nobody has invited yet.
        invited = frozenset().union(*(item.invited for item in planned))
        uninvited = [school for school in facts.schools if school.partner_id not in invited]
        if uninvited:
            action = action or NextAction("invite_schools", "Inviter les écoles liées à la réunion", meeting_id=meeting.id)

        def reason() -> str:
            text = _unheld_reason(meeting, facts.today)
            if uninvited:
                text += f" Écoles liées pas encore invitées : {_names(uninvited)}."
            return text

        return Check(**common, status=Status.PARTLY, reason=reason,
                     proofs=lambda: _meeting_proofs(planned, attendance=False), action=action)  # fmt: skip
    return None


def _oriented(school: SchoolFact) -> str:
    """« 12 enfants orientés le 3 octobre 2026 »."""
    count = _plural(school.oriented_children_count or 0, "enfant orienté", "enfants orientés")
    return f"{count}" + (f" le {format_day(school.oriented_on, weekday=False)}" if school.oriented_on else "")


def check_orientation(facts: ProjectFacts) -> Check:
    """Every linked school's team has oriented children towards the Clas (counts and date)."""
    common = {"key": "orientation", "axis": "ecole", "sentence": SENTENCE_ORIENTATION,
              "title": "Les équipes éducatives orientent les enfants vers le Clas"}  # fmt: skip
    if not facts.schools:
        return Check(**common, status=Status.MISSING, reason="Aucune école n'est liée au projet.")

    def proofs() -> tuple[Proof, ...]:
        return tuple(
            Proof("school", f"{school.name} : {_oriented(school) if school.oriented_children_count else 'aucune orientation notée'}",
                  partner_id=school.partner_id)
            for school in facts.schools
        )  # fmt: skip

    without = [school for school in facts.schools if not school.oriented_children_count]
    total = len(facts.schools)
    if not without:
        if total == 1:
            reason = lambda: f"L'école liée a orienté des enfants vers le Clas : {_oriented(facts.schools[0])}."  # noqa: E731
        else:
            children = sum(school.oriented_children_count or 0 for school in facts.schools)
            reason = f"Les {total} écoles liées ont orienté des enfants vers le Clas ({children} en tout)."
        return Check(**common, status=Status.MET, reason=reason, proofs=proofs)
    action = NextAction(
        "school_orientation", f"Noter l'orientation des enfants par l'école {without[0].name}",
        partner_id=without[0].partner_id,
    )  # fmt: skip
    if len(without) == total:
        reason = (
            f"L'école liée ({without[0].name}) n'a orienté aucun enfant noté vers le Clas."
            if total == 1
            else f"Aucune des {total} écoles liées n'a d'orientation d'enfants notée."
        )
        return Check(**common, status=Status.MISSING, reason=reason, proofs=proofs, action=action)
    oriented = total - len(without)
    reason = (
        f"{oriented} école{'s' if oriented > 1 else ''} sur {total} {'ont' if oriented > 1 else 'a'} orienté des "
        f"enfants vers le Clas ; sans orientation notée : {_names(without)}."
    )
    return Check(**common, status=Status.PARTLY, reason=reason, proofs=proofs, action=action)


def check_en_amont(facts: ProjectFacts) -> Check:
    """A diagnostic / conception meeting dated before the project's start of activity, with the
    linked schools present (« en amont de la mise en place du projet »)."""
    common = {"key": "en_amont", "axis": "ecole", "sentence": SENTENCE_EN_AMONT,
              "title": "Réunion avec les équipes éducatives en amont du projet (diagnostic, conception)"}  # fmt: skip
    start = facts.activity_start
    diagnostics = [meeting for meeting in facts.meetings if meeting.kind is MeetingKind.DIAGNOSTIC]
    candidates = [meeting for meeting in diagnostics if meeting.day < start]
    check = _schools_presence_check(facts, candidates, common)
    if check is not None:
        return check

    def missing() -> str:
        late = [meeting for meeting in diagnostics if meeting.day >= start]
        if late and not candidates:
            return (
                f"{_cap(late[0].label)} n'est pas antérieure au démarrage de l'activité ({format_day(start)}) : "
                "la réunion « en amont de la mise en place du projet » doit le précéder."
            )
        return f"Aucune réunion de diagnostic ou de conception avant le démarrage de l'activité ({format_day(start)})."

    return Check(**common, status=Status.MISSING, reason=missing, action=CREATE_DIAGNOSTIC)


def check_bilan(facts: ProjectFacts) -> Check:
    """A bilan meeting in the last part of the activity period or after it, schools present."""
    common = {"key": "bilan", "axis": "ecole", "sentence": SENTENCE_BILAN,
              "title": "Réunion de bilan avec les équipes éducatives"}  # fmt: skip
    start, earliest = facts.activity_start, bilan_from(facts.activity_start, facts.activity_end)
    bilans = [meeting for meeting in facts.meetings if meeting.kind is MeetingKind.BILAN]
    candidates = [meeting for meeting in bilans if meeting.day >= earliest]
    check = _schools_presence_check(facts, candidates, common)
    if check is not None:
        return check

    def missing() -> str:
        before = [meeting for meeting in bilans if meeting.day < start]
        early = [meeting for meeting in bilans if start <= meeting.day < earliest]
        if early:
            return (
                f"{_cap(early[0].label)} est trop tôt pour compter : le bilan se tient dans la dernière partie "
                f"de la période d'activité (à partir du {format_day(earliest)}) ou après."
            )
        if before:
            return (
                f"{_cap(before[0].label)} est antérieure au démarrage de l'activité ({format_day(start)}) : "
                "elle ne compte pas comme réunion de bilan."
            )
        return "Aucune réunion de bilan n'est prévue ni tenue."

    return Check(**common, status=Status.MISSING, reason=missing, action=CREATE_BILAN)


# -- axe territoire -----------------------------------------------------------------------------


def check_territory_partners(facts: ProjectFacts) -> Check:
    common = {"key": "territory_partners", "axis": "territoire", "sentence": SENTENCE_TERRITORY,
              "title": "Au moins un partenaire du territoire, relation décrite"}  # fmt: skip
    if not facts.territory:
        return Check(**common, status=Status.MISSING, reason="Aucun partenaire du territoire n'est lié au projet.",
                     action=LINK_TERRITORY_PARTNER)  # fmt: skip
    described = [partner for partner in facts.territory if partner.relation.strip()]

    def proofs() -> tuple[Proof, ...]:
        return tuple(
            Proof("partner", f"{partner.name} : {partner.relation.strip() or 'relation non décrite'}",
                  partner_id=partner.partner_id)
            for partner in facts.territory
        )  # fmt: skip

    if described:
        count = _plural(len(described), "partenaire du territoire lié", "partenaires du territoire liés")
        return Check(**common, status=Status.MET, proofs=proofs,
                     reason=f"{count} avec la relation décrite : {_names(described)}.")  # fmt: skip
    return Check(**common, status=Status.PARTLY, proofs=proofs, action=DESCRIBE_TERRITORY_RELATION,
                 reason=f"Partenaires liés sans relation décrite : {_names(facts.territory)}.")  # fmt: skip


def check_porteur_concertation(facts: ProjectFacts) -> Check:
    """Evidence, never an obligation: the comités locaux and instances de concertation of the
    year the porteur was recorded present at (« participer aux comité locaux Clas et/ ou
    instance de concertation … » is one of the forms the territory's actions « peuvent prendre »)."""
    common = {"key": "porteur_concertation", "axis": "evidence", "sentence": SENTENCE_COMITE,
              "title": "Le porteur aux comités locaux et instances de concertation"}  # fmt: skip
    held = [meeting for meeting in facts.comite_meetings if meeting.held]
    if not held:
        return Check(**common, status=Status.INFO,
                     reason=f"Aucun comité local ni instance de concertation tenu en {facts.school_year}.")  # fmt: skip
    attended = [meeting for meeting in held if facts.porteur_id in meeting.present]

    def reason() -> str:
        comites = [meeting for meeting in held if meeting.kind is MeetingKind.COMITE_LOCAL]
        instances = [meeting for meeting in held if meeting.kind is MeetingKind.INSTANCE]
        parts = []
        comites_attended = [meeting for meeting in comites if meeting in attended]
        if len(comites) == 1:
            parts.append(("présent au" if comites_attended else "absent du") + f" comité local tenu le {format_day(comites[0].day)}")
        elif comites_attended:
            noun = "comités locaux" if len(comites_attended) > 1 else "comité local"
            parts.append(f"présent à {len(comites_attended)} {noun} sur {len(comites)} tenus ({_held_on(comites_attended)})")
        elif comites:
            parts.append(f"absent des {len(comites)} comités locaux tenus")
        instances_attended = [meeting for meeting in instances if meeting in attended]
        if instances_attended:
            noun = "instance de concertation" if len(instances_attended) == 1 else "instances de concertation"
            parts.append(f"présent à {len(instances_attended)} {noun} ({_held_on(instances_attended)})")
        who = f"Le porteur ({facts.porteur_name})"
        if attended:
            return f"{who}, en {facts.school_year} : {' ; '.join(parts)}."
        return f"{who} n'est noté présent à aucune réunion de concertation du territoire tenue en {facts.school_year}."

    return Check(**common, status=Status.INFO, reason=reason, proofs=lambda: _meeting_proofs(attended[-MAX_LISTED:]))


def check_education_nationale_sought(comites: tuple[MeetingFact, ...], school_year: str) -> Check:
    """The committee's criterion (never a project's): the Éducation nationale invited to every
    comité local of the year. Its presence is reported, its absence is information."""
    common = {"key": "education_nationale", "axis": "territoire", "sentence": SENTENCE_EDUCATION_NATIONALE,
              "title": "L'Éducation nationale invitée à chaque comité local"}  # fmt: skip
    comites = tuple(meeting for meeting in comites if meeting.kind is MeetingKind.COMITE_LOCAL)
    if not comites:
        return Check(**common, status=Status.MISSING,
                     reason=f"Aucune réunion du comité local n'est prévue ni tenue en {school_year}.")  # fmt: skip
    not_invited = [meeting for meeting in comites if not meeting.education_nationale_invited]
    held = [meeting for meeting in comites if meeting.held]
    present = [meeting for meeting in held if meeting.education_nationale_present]
    if not held:
        presence = ""
    elif len(held) == 1:
        presence = (" Présente au comité tenu le " if present else " Absente du comité tenu le ") + format_day(held[0].day) + "."
    else:
        presence = f" Présente à {len(present)} sur {len(held)} comités tenus."
    proofs = _meeting_proofs(comites[-MAX_LISTED:], attendance=False)
    if not not_invited:
        invited = "au comité local" if len(comites) == 1 else f"aux {len(comites)} comités locaux"
        return Check(**common, status=Status.MET, proofs=proofs,
                     reason=f"L'Éducation nationale a été invitée {invited} de {school_year}.{presence}")  # fmt: skip
    if len(not_invited) == len(comites):
        reason = (
            "L'Éducation nationale n'a pas été invitée au comité local" if len(comites) == 1
            else f"L'Éducation nationale n'a été invitée à aucun des {len(comites)} comités locaux"
        ) + f" de {school_year}.{presence}"
        return Check(**common, status=Status.MISSING, proofs=proofs, reason=reason)
    reason = (
        f"L'Éducation nationale a été invitée à {len(comites) - len(not_invited)} sur {len(comites)} comités "
        f"locaux de {school_year} ; pas invitée {_held_on(not_invited)}.{presence}"
    )
    return Check(**common, status=Status.PARTLY, proofs=proofs, reason=reason)


# The obligations: « Les projets doivent obligatoirement développer des actions en réponse aux
# objectifs opérationnels suivants ». Only these can be missing.
RULES = (
    check_school_contacts,
    check_orientation,
    check_en_amont,
    check_bilan,
    check_territory_partners,
)
EVIDENCE = (check_porteur_concertation,)
# The meetings the obligations read (check_en_amont, check_bilan): a caller that only wants
# their statuses may load these alone (queries.load_facts(obligations_only=True)).
OBLIGATION_MEETING_KINDS = (MeetingKind.DIAGNOSTIC, MeetingKind.BILAN)


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


def evaluate_obligations(facts: ProjectFacts) -> Checklist:
    """The obligations alone (no collectif warning, no evidence): what a list of projects shows
    (their overall status, what is missing), from facts loaded with `obligations_only`."""
    return Checklist(checks=tuple(rule(facts) for rule in RULES))


def evaluate(facts: ProjectFacts) -> Checklist:
    return Checklist(
        checks=tuple(rule(facts) for rule in RULES),
        warnings=collectif_checks(facts),
        evidence=tuple(rule(facts) for rule in EVIDENCE),
    )


# -- key moments: the project's timeline -------------------------------------------------------


@dataclass(frozen=True)
class MomentCell:
    kind: MeetingKind
    state: MomentState
    meeting: MeetingFact | None = None

    @property
    def text(self) -> str:
        if self.meeting is None:
            return self.state.label
        if self.state is MomentState.TO_COMPLETE:
            return f"{self.state.label} : réunion du {format_day(self.meeting.day, weekday=False)}"
        return f"{self.state.label} le {format_day(self.meeting.day, weekday=False)}"


def key_moment(meetings: tuple[MeetingFact, ...], kind: MeetingKind, today: date) -> MomentCell:
    """Held (the last held one), else to complete (a past one not marked held), else planned
    (the next one), else to plan: never missing, a key moment is not an obligation."""
    of_kind = [meeting for meeting in meetings if meeting.kind is kind]
    held = [meeting for meeting in of_kind if meeting.held]
    if held:
        return MomentCell(kind, MomentState.HELD, max(held, key=lambda meeting: meeting.day))
    planned = [meeting for meeting in of_kind if meeting.planned]
    past = [meeting for meeting in planned if meeting.over(today)]
    if past:
        return MomentCell(kind, MomentState.TO_COMPLETE, max(past, key=lambda meeting: meeting.day))
    if planned:
        return MomentCell(kind, MomentState.PLANNED, min(planned, key=lambda meeting: meeting.day))
    return MomentCell(kind, MomentState.TO_PLAN)


def local_day(moment: datetime, timezone) -> date:
    return moment.astimezone(timezone).date()
