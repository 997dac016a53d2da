"""THE table: every route × method of the app, and what each actor must get.

Adding a route = adding one line to MATRIX (and, if it takes a URL parameter the world
does not know yet, one entry to PARAMS). tests/security/test_permission_matrix.py fails,
naming the route, when a rule of app.url_map is missing here.

Outcomes: OK (the actor gets through: 2xx, 3xx elsewhere than the login page, or a
form error 400/422), LOGIN (sent to the login page: 302, or 401 for HTMX), or an exact
status (403: visible but not allowed; 404: another committee's, or not visible).
POSTs are sent with a valid CSRF token and an empty form.
"""

from __future__ import annotations

OK, LOGIN = "ok", "login"

ROLES = ("host", "porteur", "other_porteur", "school", "viewer")
ROLE_ACTOR = {"host": "host_a", "porteur": "porteur", "other_porteur": "other_porteur", "school": "school",
              "viewer": "viewer"}

ALL = set(ROLES)
DIRECTORY = {"host", "porteur", "other_porteur", "viewer"}
DASHBOARD = {"host", "viewer"}
HOST = {"host"}
CREATORS = {"host", "porteur", "other_porteur"}
# The project of "porteur" (and its meeting, to which "school"'s school is invited).
PROJECT_READERS, PROJECT_HIDDEN = {"host", "porteur", "viewer"}, {"other_porteur", "school"}
PROJECT_EDITORS = {"host", "porteur"}
MEETING_READERS, MEETING_HIDDEN = {"host", "porteur", "viewer", "school"}, {"other_porteur"}
MEETING_EDITORS = {"host", "porteur"}
# A school sees the meeting, not its evidence files (signed sheets name everyone present).
EVIDENCE_READERS = MEETING_READERS - {"school"}


# The department user of committee A's département (35) reads it as a viewer does and writes
# nothing in it; the department user of another département (29) sees nothing of it (404).
DEPARTMENT_ACTORS = ("department", "other_department")


def everyone(outcome=OK) -> dict:
    return {actor: outcome for actor in ("anonymous", "admin", *ROLE_ACTOR.values(), "host_b", *DEPARTMENT_ACTORS)}


PUBLIC = everyone()
SIGNED_IN = {**everyone(), "anonymous": LOGIN}
ADMIN_ONLY = {**everyone(404), "anonymous": LOGIN, "admin": OK}


def committee(ok: set, hidden: set = frozenset(), **overrides) -> dict:
    """A page of committee A: members in `ok` get through, those in `hidden` get 404, other members 403;
    the admin (no membership), committee B's host and the other département's user get 404,
    anonymous visitors the login page; the département's user gets what a viewer gets."""
    expected = {"anonymous": LOGIN, "admin": 404, "host_b": 404, "other_department": 404}
    for role in ROLES:
        expected[ROLE_ACTOR[role]] = OK if role in ok else 404 if role in hidden else 403
    expected["department"] = expected["viewer"]
    expected.update(overrides)
    return expected


def only(actor: str, others) -> dict:
    """One actor gets through, everybody else `others` (anonymous: the login page)."""
    return {**everyone(others), "anonymous": LOGIN, actor: OK}


PROJECT_READ = committee(PROJECT_READERS, PROJECT_HIDDEN)
PROJECT_EDIT = committee(PROJECT_EDITORS, PROJECT_HIDDEN)
MEETING_READ = committee(MEETING_READERS, MEETING_HIDDEN)
MEETING_EDIT = committee(MEETING_EDITORS, MEETING_HIDDEN)
# The département's pages (/d/35/…): its department user only; the other département's, 404.
DEPARTMENT_ONLY = only("department", 404)

# fmt: off
MATRIX: dict[tuple[str, str], dict] = {
    # core, accounts, committees
    ("core.healthz", "GET"):                    PUBLIC,
    ("core.privacy", "GET"):                    PUBLIC,
    ("core.accessibility", "GET"):              PUBLIC,
    ("core.sitemap", "GET"):                    PUBLIC,
    ("auth.login", "GET"):                      PUBLIC,
    ("auth.login", "POST"):                     PUBLIC,
    ("auth.logout", "POST"):                    {**everyone(303), "anonymous": LOGIN},
    ("auth.account", "GET"):                    SIGNED_IN,
    ("auth.account", "POST"):                   SIGNED_IN,
    ("auth.choose_password", "GET"):            PUBLIC,
    ("auth.choose_password", "POST"):           PUBLIC,
    ("auth.forgotten_password", "GET"):         PUBLIC,
    ("auth.forgotten_password", "POST"):        PUBLIC,
    ("auth.accounts", "GET"):                   ADMIN_ONLY,
    ("auth.disable_account", "POST"):           ADMIN_ONLY,
    ("auth.enable_account", "POST"):            ADMIN_ONLY,
    ("auth.send_account_link", "POST"):         ADMIN_ONLY,
    ("committees.index", "GET"):                SIGNED_IN,
    ("committees.admin", "GET"):                ADMIN_ONLY,
    ("committees.admin", "POST"):               ADMIN_ONLY,
    ("committees.home", "GET"):                 committee(ALL),
    ("committees.members", "GET"):              committee(HOST),
    ("committees.members", "POST"):             committee(HOST),
    ("committees.settings", "GET"):             committee(HOST),
    ("committees.settings", "POST"):            committee(HOST),
    ("committees.school_calendar", "GET"):      committee(HOST),
    ("committees.school_calendar", "POST"):     committee(HOST),
    ("committees.remove_holiday", "POST"):      committee(HOST),
    ("committees.remove_member", "POST"):       committee(HOST),
    ("committees.send_password_link", "POST"):  committee(HOST),
    ("audit.index", "GET"):                     committee(HOST),
    # directory
    ("partners.index", "GET"):                  committee(DIRECTORY),
    ("partners.export_csv", "GET"):             committee(DIRECTORY),
    ("partners.show", "GET"):                   committee(DIRECTORY),
    ("partners.create", "GET"):                 committee(CREATORS),
    ("partners.create", "POST"):                committee(CREATORS),
    ("partners.edit", "GET"):                   committee(HOST),
    ("partners.edit", "POST"):                  committee(HOST),
    ("partners.import_directory", "GET"):       committee(HOST),
    ("partners.import_directory", "POST"):      committee(HOST),
    ("partners.add_contact", "GET"):            committee(HOST),
    ("partners.add_contact", "POST"):           committee(HOST),
    ("partners.edit_contact", "GET"):           committee(HOST),
    ("partners.edit_contact", "POST"):          committee(HOST),
    ("partners.remove_contact", "POST"):        committee(HOST),
    ("partners.anonymise_contact", "POST"):     committee(HOST),
    ("partners.export_contact", "POST"):        committee(HOST),
    # projects
    ("projects.index", "GET"):                  committee(ALL),
    ("projects.create", "GET"):                 committee(CREATORS),
    ("projects.create", "POST"):                committee(CREATORS),
    ("projects.detail", "GET"):                 PROJECT_READ,
    ("projects.edit", "GET"):                   PROJECT_EDIT,
    ("projects.edit", "POST"):                  PROJECT_EDIT,
    ("projects.folded_form", "GET"):            PROJECT_EDIT,
    ("projects.add_school", "POST"):            PROJECT_EDIT,
    ("projects.school_referents", "GET"):       PROJECT_EDIT,
    ("projects.school_link_form", "GET"):       PROJECT_EDIT,
    ("projects.set_referent", "POST"):          PROJECT_EDIT,
    ("projects.set_orientation", "POST"):       PROJECT_EDIT,
    ("projects.remove_school", "POST"):         PROJECT_EDIT,
    ("projects.add_partner", "POST"):           PROJECT_EDIT,
    ("projects.relation_form", "GET"):          PROJECT_EDIT,
    ("projects.update_relation", "POST"):       PROJECT_EDIT,
    ("projects.remove_partner", "POST"):        PROJECT_EDIT,
    ("projects.add_collectif", "POST"):         PROJECT_EDIT,
    ("projects.edit_collectif", "GET"):         PROJECT_EDIT,
    ("projects.edit_collectif", "POST"):        PROJECT_EDIT,
    ("projects.remove_collectif", "POST"):      PROJECT_EDIT,
    ("projects.reconduct", "GET"):              PROJECT_EDIT,
    ("projects.reconduct", "POST"):             PROJECT_EDIT,
    ("projects.set_financing", "POST"):         PROJECT_EDIT,
    ("projects.set_caf_decision", "POST"):      PROJECT_EDIT,
    ("projects.add_suggested_partner", "POST"): PROJECT_EDIT,
    # meetings
    ("meetings.index", "GET"):                  committee(ALL),
    ("meetings.export_csv", "GET"):             committee(ALL),
    ("meetings.create", "GET"):                 committee(CREATORS),
    ("meetings.create", "POST"):                committee(CREATORS),
    ("meetings.detail", "GET"):                 MEETING_READ,
    ("meetings.edit", "GET"):                   MEETING_EDIT,
    ("meetings.edit", "POST"):                  MEETING_EDIT,
    ("meetings.cancel", "POST"):                MEETING_EDIT,
    # calendar
    ("calendar.meeting_ics", "GET"):            MEETING_READ,
    ("calendar.project_ics", "GET"):            PROJECT_READ,
    ("calendar.feed", "GET"):                   PUBLIC,
    ("calendar.account_feeds", "GET"):          SIGNED_IN,
    ("calendar.account_feeds", "POST"):         SIGNED_IN,
    # invitations and mail
    ("invitations.panel", "GET"):               MEETING_READ,
    ("invitations.answers", "GET"):             MEETING_READ,
    ("invitations.send", "POST"):               MEETING_EDIT,
    ("invitations.remind", "POST"):             MEETING_EDIT,
    ("invitations.record_answer", "POST"):      MEETING_EDIT,
    ("invitations.resend", "POST"):             MEETING_EDIT,
    ("invitations.my_invitations", "GET"):      committee({"school"}),
    ("invitations.answer_as_school", "POST"):   committee({"school"}),
    ("invitations.rsvp", "GET"):                PUBLIC,
    ("invitations.rsvp", "POST"):               PUBLIC,
    ("invitations.rsvp_calendar", "GET"):       PUBLIC,
    ("mail.outbox", "GET"):                     committee(HOST),
    ("mail.download", "GET"):                   committee(HOST),
    ("mail.resend", "POST"):                    committee(HOST),
    # attendance and minutes
    ("attendance.page", "GET"):                 MEETING_READ,
    ("attendance.minutes", "GET"):              MEETING_READ,
    ("attendance.edit_minutes", "GET"):         MEETING_EDIT,
    ("attendance.edit_minutes", "POST"):        MEETING_EDIT,
    ("attendance.send_minutes", "POST"):        MEETING_EDIT,
    ("attendance.signin_sheet", "GET"):         MEETING_EDIT,
    ("attendance.export_csv", "GET"):           MEETING_EDIT,
    ("attendance.set_partner", "POST"):         MEETING_EDIT,
    ("attendance.set_other", "POST"):           MEETING_EDIT,
    ("attendance.add_uninvited", "GET"):        MEETING_EDIT,
    ("attendance.add_uninvited", "POST"):       MEETING_EDIT,
    ("attendance.add_person", "POST"):          MEETING_EDIT,
    ("attendance.remove_person", "POST"):       MEETING_EDIT,
    ("attendance.remove_attendance", "POST"):   MEETING_EDIT,
    # evidence (the world's file is on the meeting, uploaded by nobody: only hosts may delete it)
    ("evidence.download", "GET"):               committee(EVIDENCE_READERS, MEETING_HIDDEN | {"school"}),
    ("evidence.delete", "POST"):                committee(HOST, MEETING_HIDDEN | {"school"}),
    ("evidence.meeting_upload", "GET"):         committee(EVIDENCE_READERS, MEETING_HIDDEN),  # the list; the form needs edit rights
    ("evidence.meeting_upload", "POST"):        MEETING_EDIT,
    ("evidence.project_upload", "GET"):         PROJECT_READ,  # readers see the list; the form needs edit rights
    ("evidence.project_upload", "POST"):        PROJECT_EDIT,
    # compliance and dossier
    ("compliance.dashboard", "GET"):            committee(DASHBOARD),
    ("compliance.renewals", "GET"):             committee(DASHBOARD),
    ("dossier.annual_bilan", "GET"):            committee(DASHBOARD),
    ("dossier.annual_bilan_csv", "GET"):        committee(DASHBOARD),
    ("dossier.page", "GET"):                    PROJECT_READ,
    ("dossier.pdf", "GET"):                     PROJECT_READ,
    ("dossier.archive", "GET"):                 PROJECT_READ,
    # the project's « Bilan d'activité »: its readers read it, its porteur and the host enter it
    ("activity.page", "GET"):                   PROJECT_READ,
    ("activity.save", "POST"):                  PROJECT_EDIT,
    # département
    ("department.dashboard", "GET"):            DEPARTMENT_ONLY,
    ("department.bilan", "GET"):                DEPARTMENT_ONLY,
    ("department.bilan_csv", "GET"):            DEPARTMENT_ONLY,
    ("department.field_visits", "GET"):         DEPARTMENT_ONLY,
    ("department.field_visits", "POST"):        DEPARTMENT_ONLY,
    ("department.difficulties", "GET"):         DEPARTMENT_ONLY,
    ("department.difficulties", "POST"):        DEPARTMENT_ONLY,
    ("department.close_difficulty", "POST"):    DEPARTMENT_ONLY,
    ("department.account_department", "GET"):   ADMIN_ONLY,
    ("department.account_department", "POST"):  ADMIN_ONLY,
    ("department.committee_departement", "GET"):  ADMIN_ONLY,
    ("department.committee_departement", "POST"): ADMIN_ONLY,
}
# fmt: on

# URL parameters: by argument name (a key of World.ids, or a callable of the world);
# per endpoint where one name means different objects.
DEFAULT_PARAMS = {
    "slug": lambda world: world.slug,
    "meeting_id": "meeting",
    "project_id": "project",
    "partner_id": "school",
    "contact_id": "contact",
    "attendance_id": "uninvited",
    "attendee_id": "attendee",
    "invitation_id": "invitation",
    "message_id": "message",
    "membership_id": "membership",
    "collectif_id": "collectif",
    "evidence_id": "evidence",
    "file_id": "evidence",
    "user_id": "extra_user",
    "period_id": "holiday",
    "code": lambda world: world.committee.departement_code,
    "difficulty_id": "difficulty",
    "committee_id": lambda world: world.committee.id,
}
PARAMS: dict[str, dict] = {
    "auth.choose_password": {"token": lambda world: world.tokens["password"]},
    "calendar.feed": {"token": lambda world: world.tokens["feed"]},
    "invitations.rsvp": {"token": lambda world: world.tokens["rsvp"]},
    "invitations.rsvp_calendar": {"token": lambda world: world.tokens["rsvp"]},
    "projects.set_referent": {"link_id": "school_link"},
    "projects.set_orientation": {"link_id": "school_link"},
    "projects.remove_school": {"link_id": "school_link"},
    "projects.update_relation": {"link_id": "partner_link"},
    "projects.relation_form": {"link_id": "partner_link"},
    "projects.remove_partner": {"link_id": "partner_link"},
    "projects.add_suggested_partner": {"partner_id": "territory"},
    "projects.folded_form": {"form": lambda world: "school"},
    "projects.school_link_form": {"link_id": "school_link", "form": lambda world: "referent"},
}


# Form fields a POST needs to get past its own checks (the rest of the form stays empty).
FORM_DATA: dict[str, dict] = {
    "calendar.account_feeds": {"scope": "person"},
}


def url_values(endpoint: str, arguments, world) -> dict:
    values = {}
    for name in arguments:
        source = PARAMS.get(endpoint, {}).get(name, DEFAULT_PARAMS.get(name))
        if source is None:
            raise LookupError(
                f"{endpoint}: no value for URL parameter <{name}>; add it to PARAMS or DEFAULT_PARAMS "
                "in tests/security/matrix.py"
            )
        values[name] = source(world) if callable(source) else world.ids[source]
    return values
