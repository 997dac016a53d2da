"""Reads for the compliance checks: projects and their year, as plain facts.

`load_facts()` runs a fixed number of queries whatever the number of projects
(schools, territory partners, meetings, attendance, invitations, minutes, files,
collectifs, porteurs), then the pure rules of `rules.py` do the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, and_, case, inspect, or_, select, type_coerce, union
from sqlalchemy.orm import contains_eager, joinedload

from clas_local.attendance.models import Attendance, Presence
from clas_local.compliance.rules import (
    OBLIGATION_MEETING_KINDS,
    Checklist,
    CollectifFact,
    EvidenceFact,
    MeetingFact,
    ProjectFacts,
    SchoolFact,
    TerritoryFact,
    evaluate,
)
from clas_local.db import utcnow
from clas_local.evidence.models import EvidenceFile
from clas_local.extensions import db
from clas_local.holidays.queries import holiday_periods
from clas_local.invitations.models import Answer, Invitation
from clas_local.meetings.models import CONCERTATION_KINDS, Meeting, MeetingKind, MeetingStatus, Minutes
from clas_local.partners.models import Contact, Partner, PartnerKind
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool
from clas_local.revisions import kept
from clas_local.school_year import committee_today, project_window, school_weeks, school_year_bounds, school_year_of


# A meeting's kind, status and start as the driver gives them (see meeting_facts).
RAW_KIND = type_coerce(Meeting.kind, String()).label("kind")
RAW_STATUS = type_coerce(Meeting.status, String()).label("status")
RAW_STARTS_AT = type_coerce(Meeting.starts_at, DateTime()).label("starts_at")
RAW_ENDS_AT = type_coerce(Meeting.ends_at, DateTime()).label("ends_at")
KINDS = {kind.value: kind for kind in MeetingKind}
STATUSES = {status.value: status for status in MeetingStatus}
PLANNED = MeetingStatus.PLANNED.value
OBLIGATION_KIND_VALUES = frozenset(kind.value for kind in OBLIGATION_MEETING_KINDS)


def comite_condition(committee, school_years: set[str], tz: ZoneInfo):
    """SQL condition: the committee's comité local and instance de concertation meetings dated
    in one of `school_years`."""
    ranges = [
        and_(Meeting.starts_at >= start, Meeting.starts_at < end)
        for start, end in (school_year_bounds(year, tz) for year in sorted(school_years))
    ]
    return and_(
        Meeting.committee_id == committee.id,
        Meeting.project_id.is_(None),
        Meeting.kind.in_(CONCERTATION_KINDS),
        or_(*ranges) if ranges else False,
    )


def meeting_facts(
    meeting_scope, tz: ZoneInfo, *, detail: bool = True, invitations: bool = True,
    evidence_files: list[EvidenceFile] | None = None,
) -> list[tuple[int | None, MeetingFact]]:
    """(project id, facts) of every meeting matching `meeting_scope`, with who was present and
    whether it has minutes, and (unless `invitations` is false) who was invited and answered, in
    two queries; with `detail`, also the evidence files (one more query). `evidence_files`: files the caller already holds,
    covering at least the scope's meetings (the project page), read instead of the second."""
    scoped_ids = select(Meeting.id).where(meeting_scope)
    invited: dict[int, set[int]] = defaultdict(set)
    answered: dict[int, set[int]] = defaultdict(set)
    en_invited: set[int] = set()
    evidence: dict[int, list[EvidenceFact]] = defaultdict(list)
    is_education_nationale = Partner.kind == PartnerKind.EDUCATION_NATIONALE
    connection = _connection()

    # One row per meeting and organisation present (or one row for a meeting nobody attended).
    # The meeting's own columns come as the driver gives them, converted once per meeting
    # below rather than on each of its rows.
    rows = connection.execute(
        select(
            Meeting.id, Meeting.project_id, RAW_KIND, RAW_STATUS, RAW_STARTS_AT, Meeting.title,
            Minutes.id.label("minutes_id"), Partner.id.label("partner_id"),
            case((is_education_nationale, Partner.name)).label("education_nationale_name"), RAW_ENDS_AT,
        )  # fmt: skip
        .outerjoin(Minutes, and_(Minutes.meeting_id == Meeting.id, Minutes.body != ""))
        .outerjoin(Attendance, and_(Attendance.meeting_id == Meeting.id, Attendance.presence == Presence.PRESENT))
        .outerjoin(Partner, Attendance.partner_id == Partner.id)
        .where(meeting_scope)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    present: dict[int, set[int]] = defaultdict(set)
    en_present: dict[int, list[str]] = defaultdict(list)
    meetings: dict[int, tuple] = {}
    for row in rows:
        meeting_id, partner_id, education_nationale_name = row[0], row[7], row[8]
        if meeting_id not in meetings:
            meetings[meeting_id] = row
        if partner_id is not None:
            present[meeting_id].add(partner_id)
            if education_nationale_name is not None:
                en_present[meeting_id].append(education_nationale_name)

    # Who was invited is read even without `detail`: the obligations ask it of their meetings
    # still planned (the schools not yet invited to a diagnostic or a bilan), the committee's
    # criterion of the comités (the Éducation nationale invited). Without `detail` no proof is
    # shown, so the other meetings are left out: their « Réponses : x sur y » is never read there.
    # The meetings are those just read, given by their ids: SQLite walked the meetings' index
    # a second time for a subquery (half this query's time on the département's dashboard).
    if invitations or detail:
        asked = [
            meeting_id for meeting_id, (_id, project_id, kind, status, *_rest) in meetings.items()
            if detail or project_id is None or (status == PLANNED and kind in OBLIGATION_KIND_VALUES)
        ]  # fmt: skip
        # Booleans computed by the database: no enum to convert for each of thousands of rows.
        for meeting_id, partner_id, answer_given, education_nationale in connection.execute(
            select(Invitation.meeting_id, Invitation.partner_id, Invitation.answer != Answer.PENDING,
                   is_education_nationale)
            .join(Partner, Invitation.partner_id == Partner.id)
            .where(Invitation.meeting_id.in_(asked))
        ).all():  # fmt: skip
            invited[meeting_id].add(partner_id)
            if answer_given:
                answered[meeting_id].add(partner_id)
            if education_nationale:
                en_invited.add(meeting_id)
    if detail:
        rows = (
            sorted(
                ((f.id, f.meeting_id, f.original_name, f.kind) for f in evidence_files if f.meeting_id is not None),
                key=lambda row: row[0],
            )
            if evidence_files is not None
            else connection.execute(
                select(EvidenceFile.id, EvidenceFile.meeting_id, EvidenceFile.original_name, EvidenceFile.kind)
                .where(EvidenceFile.meeting_id.in_(scoped_ids))
                .order_by(EvidenceFile.id)
            )
        )
        for evidence_id, meeting_id, name, kind in rows:
            evidence[meeting_id].append(EvidenceFact(evidence_id, name, kind.label))

    nobody: frozenset[int] = frozenset()
    facts = []
    now = utcnow()
    for meeting_id, row in meetings.items():
        _id, project_id, kind, status, starts_at, title, minutes_id, _partner, _name, ends_at = row
        names = en_present.get(meeting_id)
        if starts_at.tzinfo is None:  # SQLite: UTC without its offset (see db.UTCDateTime)
            starts_at, ends_at = starts_at.replace(tzinfo=timezone.utc), ends_at.replace(tzinfo=timezone.utc)
        fact = MeetingFact(
            id=meeting_id,
            kind=KINDS[kind],
            status=STATUSES[status],
            day=starts_at.astimezone(tz).date(),
            finished=ends_at <= now,
            title=title or "",
            present=frozenset(present.get(meeting_id, nobody)),
            invited=frozenset(invited.get(meeting_id, nobody)),
            answered=frozenset(answered.get(meeting_id, nobody)),
            education_nationale_present=tuple(sorted(names)) if names else (),
            education_nationale_invited=meeting_id in en_invited,
            has_minutes=minutes_id is not None,
            evidence=tuple(evidence.get(meeting_id, ())),
            ends_at=ends_at,
        )
        facts.append((project_id, fact))
    return facts


def _connection():
    """The session's connection, for column-only selects of many rows: Core rows straight from
    it, without the ORM's row processing, which costs more than the query. Same transaction;
    pending changes are flushed first, as Session.execute would."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection()


def load_comites(committee, school_year: str, *, detail: bool = False) -> tuple[MeetingFact, ...]:
    """The comité local and instance de concertation meetings of a school year (cancelled ones left out)."""
    tz = ZoneInfo(committee.timezone or "Europe/Paris")
    scope = and_(Meeting.status != MeetingStatus.CANCELLED, comite_condition(committee, {school_year}, tz))
    return tuple(fact for _project_id, fact in meeting_facts(scope, tz, detail=detail))


LINKS = ("schools", "territory_partners", "collectifs")


def _holds_links(project: Project) -> bool:
    """Whether the project's schools (with partner and referent), territory partners (with
    partner) and collectifs are already loaded, as on the project page (DETAIL_OPTIONS)."""
    state = inspect(project)
    if state.unloaded & set(LINKS) or state.modified:
        return False
    return all(
        not {"partner", "referent_contact"} & inspect(link).unloaded for link in project.schools
    ) and all("partner" not in inspect(link).unloaded for link in project.territory_partners)


def _school_fact(link: ProjectSchool) -> SchoolFact:
    referent = link.referent_contact
    named = referent.full_name.strip() if referent is not None and referent.anonymised_at is None and referent.full_name else None
    return SchoolFact(link.partner.id, link.partner.name, named or None, link.oriented_children_count, link.oriented_on)


def _collectif_fact(collectif: Collectif) -> CollectifFact:
    return CollectifFact(
        collectif.id,
        collectif.name,
        collectif.children_count,
        collectif.animateurs_count,
        collectif.weekly_sessions,
        collectif.session_minutes,
        collectif.planned_weeks,
    )


def load_facts(
    committee,
    projects: list[Project],
    *,
    today: date | None = None,
    detail: bool = True,
    project_meetings: dict[int, list[MeetingFact]] | None = None,
    evidence_files: list[EvidenceFile] | None = None,
    obligations_only: bool = False,
) -> dict[int, ProjectFacts]:
    """Facts for each project (by id), in a fixed number of queries: four, and three more with
    `detail` (invitations and evidence files for the proofs, collectifs for the warnings), which
    the dashboard and the bilan go without. The porteurs are read from `project.porteur`:
    callers loading many projects eager-load it (see year_projects). `project_meetings`: the
    projects' meeting facts when the caller already holds them (the dossier): only the comité
    local meetings are then read. `obligations_only` (without `detail`): only the meetings the
    obligations read (rules.OBLIGATION_MEETING_KINDS, no comité): enough for the statuses of
    `evaluate(...).checks` (the home page's to-do), not for key moments or evidence."""
    if not projects:
        return {}
    tz = ZoneInfo(committee.timezone or "Europe/Paris")
    today = today or committee_today(committee)
    ids = [project.id for project in projects]
    years = {project.school_year for project in projects}
    comites = comite_condition(committee, years, tz)
    if obligations_only:
        meetings = and_(Meeting.project_id.in_(ids), Meeting.kind.in_(OBLIGATION_MEETING_KINDS))
    else:
        meetings = comites if project_meetings is not None else or_(Meeting.project_id.in_(ids), comites)
    meeting_scope = and_(Meeting.status != MeetingStatus.CANCELLED, meetings)

    schools: dict[int, list[SchoolFact]] = defaultdict(list)
    territory: dict[int, list[TerritoryFact]] = defaultdict(list)
    collectifs: dict[int, list[CollectifFact]] = defaultdict(list)
    # The project page has already loaded its projects' schools, partners and collectifs: read
    # them from there rather than selecting them again.
    preloaded = all(_holds_links(project) for project in projects)
    if preloaded:
        for project in projects:
            schools[project.id] = [_school_fact(link) for link in project.schools]
            territory[project.id] = [
                TerritoryFact(link.partner.id, link.partner.name, link.relation or "") for link in project.territory_partners
            ]
            collectifs[project.id] = [_collectif_fact(collectif) for collectif in project.collectifs] if detail else []
    else:
        schools, territory = _link_facts(ids)

    by_project: dict[int, list[MeetingFact]] = defaultdict(list, project_meetings or {})
    comite_by_year: dict[str, list[MeetingFact]] = defaultdict(list)
    # The comités' invitations and files are never shown: their details are only read with the projects'.
    comite_detail = detail and project_meetings is None
    # The dossier holds its project's meetings: the comités' invitations are then not needed.
    for project_id, fact in meeting_facts(meeting_scope, tz, detail=comite_detail, invitations=project_meetings is None,
                                          evidence_files=evidence_files):  # fmt: skip
        if project_id is None:
            comite_by_year[school_year_of(fact.day)].append(fact)
        else:
            by_project[project_id].append(fact)

    for collectif in db.session.scalars(
        select(Collectif).where(Collectif.project_id.in_(ids)).order_by(Collectif.id)
    ) if detail and not preloaded else ():
        collectifs[collectif.project_id].append(_collectif_fact(collectif))

    # The holidays the host entered, for a year the packaged calendar does not know (no query otherwise).
    periods = holiday_periods(committee, years)
    return {
        project.id: _project_facts(
            committee, project, porteur_name=project.porteur.name, today=today, detail=detail,
            periods=periods.get(project.school_year, ()), schools=schools[project.id], territory=territory[project.id],
            meetings=by_project[project.id], comites=comite_by_year[project.school_year], collectifs=collectifs[project.id],
        )
        for project in projects
    }


def kept_facts(committee, projects: list[Project], revision: int) -> dict[int, ProjectFacts]:
    """load_facts(detail=False) of the committee's projects (the dashboard's), kept under the
    committee's revision (clas_local.revisions, read by the caller before the projects): read
    again after any write of the committee's data, on a new day, for another list of projects,
    and when a planned meeting of the day ends (it then reads « à compléter »)."""
    today = committee_today(committee)
    key = (committee.id, revision, today, tuple(project.id for project in projects))
    store = kept("dashboard-facts")
    found = store.get(key)
    if found is not None and still_true(found[1]):
        return found[0]
    facts = load_facts(committee, projects, detail=False, today=today)
    store.put(key, (facts, true_until(facts.values(), today)))
    return facts


def true_until(facts: Iterable[ProjectFacts], today: date) -> datetime | None:
    """When facts read on `today` stop being true without any write: at the end of the first
    planned meeting of the day still under way (it then reads « à compléter »). None: not
    before the next day."""
    ending = [
        meeting.ends_at
        for project_facts in facts
        for meeting in (*project_facts.meetings, *project_facts.comite_meetings)
        if meeting.planned and meeting.day == today and not meeting.finished
    ]  # fmt: skip
    return min(ending, default=None)


def still_true(until: datetime | None) -> bool:
    """Whether facts kept with `until` (true_until) still hold now."""
    return until is None or utcnow() < until


def _link_facts(ids: list[int]) -> tuple[dict[int, list[SchoolFact]], dict[int, list[TerritoryFact]]]:
    """The projects' schools (with their named referent) and territory partners, in two queries."""
    schools: dict[int, list[SchoolFact]] = defaultdict(list)
    territory: dict[int, list[TerritoryFact]] = defaultdict(list)
    connection = _connection()
    # The referent's name only when the contact is not anonymised (a boolean from the database:
    # no timestamp to convert per school).
    for project_id, partner_id, name, contact_name, oriented, oriented_on in connection.execute(
        select(ProjectSchool.project_id, Partner.id, Partner.name,
               case((Contact.anonymised_at.is_(None), Contact.full_name)),
               ProjectSchool.oriented_children_count, ProjectSchool.oriented_on)
        .join(Partner, ProjectSchool.partner_id == Partner.id)
        .outerjoin(Contact, ProjectSchool.referent_contact_id == Contact.id)
        .where(ProjectSchool.project_id.in_(ids))
        .order_by(ProjectSchool.id)
    ).all():  # fmt: skip
        named = contact_name.strip() if contact_name else None
        schools[project_id].append(SchoolFact(partner_id, name, named or None, oriented, oriented_on))

    for project_id, partner_id, name, relation in connection.execute(
        select(ProjectPartner.project_id, Partner.id, Partner.name, ProjectPartner.relation)
        .join(Partner, ProjectPartner.partner_id == Partner.id)
        .where(ProjectPartner.project_id.in_(ids))
        .order_by(ProjectPartner.id)
    ).all():
        territory[project_id].append(TerritoryFact(partner_id, name, relation or ""))
    return schools, territory


def _project_facts(committee, project, *, porteur_name: str, today: date, detail: bool, periods, schools, territory,
                   meetings, comites, collectifs) -> ProjectFacts:  # fmt: skip
    """`project`: a Project, or a row with the same attributes (load_facts_of_committees)."""
    start, end = project_window(project.school_year, committee.holiday_zone, project.activity_start, periods)
    return ProjectFacts(
        project_id=project.id,
        name=project.name,
        school_year=project.school_year,
        porteur_id=project.porteur_id,
        porteur_name=porteur_name,
        rural=bool(project.is_rural),
        activity_start=start,
        activity_end=end,
        today=today,
        schools=tuple(schools),
        territory=tuple(territory),
        meetings=tuple(meetings),
        comite_meetings=tuple(comites),
        collectifs=tuple(collectifs),
        available_weeks=(
            school_weeks(project.school_year, committee.holiday_zone, project.activity_start, periods)
            if detail
            else None
        ),
    )


def load_facts_of_committees(committees, projects) -> dict[int, ProjectFacts]:
    """load_facts(detail=False, obligations_only=True) of projects spread over many committees
    (a département's): the facts the obligations read, enough for the statuses of
    `evaluate(...).checks`, in a fixed number of queries whatever the number of committees:
    the projects' schools and partners (two), per time zone the diagnostic and bilan meetings
    with their invitations (two), and the holidays entered for years the packaged calendar does
    not know (one at most). `projects`: rows of department.queries.current_projects (id,
    committee_id, school_year, name, porteur_id, porteur_name, is_rural, activity_start)."""
    if not projects:
        return {}
    by_id = {committee.id: committee for committee in committees}
    ids = [project.id for project in projects]
    schools, territory = _link_facts(ids)
    years = {project.school_year for project in projects}

    by_project: dict[int, list[MeetingFact]] = defaultdict(list)
    zones: dict[str, set[int]] = defaultdict(set)
    for committee in committees:
        zones[committee.timezone or "Europe/Paris"].add(committee.id)
    for zone, committee_ids in sorted(zones.items()):
        zone_projects = [project.id for project in projects if project.committee_id in committee_ids]
        scope = and_(
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.project_id.in_(zone_projects),
            Meeting.kind.in_(OBLIGATION_MEETING_KINDS),
        )
        for project_id, fact in meeting_facts(scope, ZoneInfo(zone), detail=False):
            by_project[project_id].append(fact)

    periods = _entered_holidays(committees, years)
    today = {committee.id: committee_today(committee) for committee in committees}
    facts = {}
    for project in projects:
        committee = by_id[project.committee_id]
        facts[project.id] = _project_facts(
            committee, project, porteur_name=project.porteur_name, today=today[committee.id], detail=False,
            periods=periods.get((committee.id, project.school_year), ()), schools=schools[project.id],
            territory=territory[project.id], meetings=by_project[project.id], comites=(), collectifs=(),
        )  # fmt: skip
    return facts


def _entered_holidays(committees, years: set[str]) -> dict[tuple[int, str], tuple]:
    """holiday_periods() of many committees in one query (none when the packaged calendar knows every year)."""
    from clas_local.holidays.models import SchoolHolidayPeriod
    from clas_local.school_year import HolidayPeriod, package_knows

    wanted = {(committee.id, year) for committee in committees for year in years
              if not package_knows(year, committee.holiday_zone)}  # fmt: skip
    if not wanted:
        return {}
    found: dict[tuple[int, str], list] = defaultdict(list)
    for row in db.session.scalars(
        select(SchoolHolidayPeriod)
        .where(SchoolHolidayPeriod.committee_id.in_({committee_id for committee_id, _year in wanted}),
               SchoolHolidayPeriod.school_year.in_({year for _committee_id, year in wanted}))
        .order_by(SchoolHolidayPeriod.first_day, SchoolHolidayPeriod.id)
    ):  # fmt: skip
        if (row.committee_id, row.school_year) in wanted:
            found[(row.committee_id, row.school_year)].append(HolidayPeriod(row.name, row.first_day, row.last_day))
    return {key: tuple(periods) for key, periods in found.items()}


def project_checklist(
    project: Project, *, today: date | None = None, evidence_files: list[EvidenceFile] | None = None
) -> tuple[ProjectFacts, Checklist]:
    """`evidence_files`: from project_page_files(), which the evidence panel shows too."""
    facts = load_facts(project.committee, [project], today=today, evidence_files=evidence_files)[project.id]
    return facts, evaluate(facts)


def project_page_files(project: Project) -> list[EvidenceFile]:
    """In one query, every file the project page reads: the project's own and its meetings'
    (for the evidence panel, in its order, meeting and uploader loaded) and those of the
    comités locaux of its year (for the checklist's proofs)."""
    tz = ZoneInfo(project.committee.timezone or "Europe/Paris")
    # The files' ids first, each side on evidence_file's own indexes (the meetings' side: the
    # committee's files, each joined to its meeting by primary key), then the files by primary
    # key. PostgreSQL scanned every file for « project OR meeting IN », and at national scale
    # walked the 250,000 meetings for « meeting_id IN (the project's meetings) ».
    ids = union(
        select(EvidenceFile.id).where(EvidenceFile.project_id == project.id),
        select(EvidenceFile.id)
        .join(Meeting, EvidenceFile.meeting_id == Meeting.id)
        .where(
            EvidenceFile.committee_id == project.committee_id,
            Meeting.committee_id == project.committee_id,
            or_(Meeting.project_id == project.id, comite_condition(project.committee, {project.school_year}, tz)),
        ),
    ).subquery()
    return list(
        db.session.scalars(
            select(EvidenceFile)
            .join(ids, EvidenceFile.id == ids.c.id)
            .outerjoin(Meeting, EvidenceFile.meeting_id == Meeting.id)
            .options(contains_eager(EvidenceFile.meeting), joinedload(EvidenceFile.uploaded_by))
            .order_by(Meeting.starts_at.is_not(None), Meeting.starts_at, EvidenceFile.created_at, EvidenceFile.id)
        ).unique()
    )


# -- dashboard ------------------------------------------------------------------------------------


def school_years(committee) -> list[str]:
    """The school years that have projects, most recent first."""
    return list(
        db.session.scalars(
            select(Project.school_year)
            .distinct()
            .where(Project.committee_id == committee.id)
            .order_by(Project.school_year.desc())
        )
    )


def year_projects(committee, school_year: str) -> list[Project]:
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.committee_id == committee.id, Project.school_year == school_year)
            .options(joinedload(Project.porteur), joinedload(Project.activity_figures))
            .order_by(Project.name, Project.id)
        )
    )


def year_meeting_condition(committee, school_year: str, tz: ZoneInfo):
    """The meetings that belong to a school year: its projects' and its comité local ones."""
    year_project_ids = select(Project.id).where(
        Project.committee_id == committee.id, Project.school_year == school_year
    )
    return or_(Meeting.project_id.in_(year_project_ids), comite_condition(committee, {school_year}, tz))


def upcoming_with_pending(committee, school_year: str, now: datetime, limit: int = 10) -> list[dict]:
    """The year's next meetings, each with the invited organisations that have not answered (one query)."""
    tz = ZoneInfo(committee.timezone or "Europe/Paris")
    upcoming = (
        select(Meeting.id, Meeting.kind, Meeting.title, Meeting.starts_at, Meeting.ends_at, Project.name)
        .outerjoin(Project, Meeting.project_id == Project.id)
        .where(
            Meeting.committee_id == committee.id,
            Meeting.status == MeetingStatus.PLANNED,
            Meeting.ends_at >= now,
            year_meeting_condition(committee, school_year, tz),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        select(upcoming, Partner.id.label("partner_id"), Partner.name.label("partner_name"), Invitation.answer)
        .outerjoin(Invitation, Invitation.meeting_id == upcoming.c.id)
        .outerjoin(Partner, Invitation.partner_id == Partner.id)
        .order_by(upcoming.c.starts_at, upcoming.c.id)
    ).all()
    meetings: dict[int, dict] = {}
    answers: dict[int, dict[int, list]] = defaultdict(dict)
    for row in rows:
        meetings.setdefault(
            row.id,
            {
                "id": row.id,
                "title": row.title or row.kind.label,
                "kind": row.kind,
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "project_name": row.name,
            },
        )
        if row.partner_id is not None:
            entry = answers[row.id].setdefault(row.partner_id, [row.partner_name, False])
            entry[1] = entry[1] or row.answer is not Answer.PENDING
    for meeting_id, meeting in meetings.items():
        invited = answers[meeting_id]
        meeting["invited_count"] = len(invited)
        meeting["pending"] = sorted(name for name, has_answer in invited.values() if not has_answer)
    return list(meetings.values())


def partners_never_invited(committee, school_year: str, meeting_ids: list[int] | None = None) -> list[Partner]:
    """Partners the year concerns (its projects' schools and territory partners, the porteurs,
    the Éducation nationale) that no meeting of the year has invited. `meeting_ids`: the year's
    meetings (cancelled ones left out) when the caller holds them (the dashboard's facts)."""
    tz = ZoneInfo(committee.timezone or "Europe/Paris")
    year_project_ids = select(Project.id).where(
        Project.committee_id == committee.id, Project.school_year == school_year
    )
    concerned = or_(
        Partner.id.in_(select(ProjectSchool.partner_id).where(ProjectSchool.project_id.in_(year_project_ids))),
        Partner.id.in_(select(ProjectPartner.partner_id).where(ProjectPartner.project_id.in_(year_project_ids))),
        Partner.id.in_(select(Project.porteur_id).where(Project.id.in_(year_project_ids))),
        Partner.kind == PartnerKind.EDUCATION_NATIONALE,
    )
    # The year's meetings first (committee and project indexes), then their invitations (the
    # invitation index leads with meeting_id): a correlated EXISTS per partner made PostgreSQL
    # scan every invitation and meeting of every committee.
    year_meetings = select(Meeting.id).where(
        Meeting.committee_id == committee.id,
        Meeting.status != MeetingStatus.CANCELLED,
        year_meeting_condition(committee, school_year, tz),
    )
    # Given as a list, the meetings let PostgreSQL's planner see how few invitations it reads
    # (as a subquery it estimated a scan of the whole table cheaper).
    invited = select(Invitation.partner_id).where(
        Invitation.meeting_id.in_(meeting_ids if meeting_ids is not None else year_meetings)
    )
    return list(
        db.session.scalars(
            select(Partner)
            .where(Partner.committee_id == committee.id, concerned, Partner.id.not_in(invited))
            .order_by(Partner.name, Partner.id)
        )
    )


def comite_meetings_of_year(facts_by_project: dict[int, ProjectFacts]) -> tuple[MeetingFact, ...]:
    """The year's comité local meetings, as the facts already loaded hold them."""
    for facts in facts_by_project.values():
        return facts.comite_meetings
    return ()
