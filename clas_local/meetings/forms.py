"""Forms of meetings: plan or change a meeting, cancel it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from flask import url_for
from wtforms import DateField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from clas_local.db import NAME_LEN
from clas_local.forms import EmptyWay, Form, SelectField, SelectMultipleField, choices, enum_choices
from clas_local.i18n import format_time
from clas_local.meetings.models import PROJECTLESS_KINDS, MeetingKind
from clas_local.url_numbers import parse_id

DURATIONS = (30, 45, 60, 90, 120, 150, 180, 240)
DEFAULT_DURATION = 90
DEFAULT_START = time(17, 0)


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(Form):
    kind = SelectField("Type de réunion", choices=enum_choices(MeetingKind),
                       validators=[DataRequired("Choisissez le type de réunion.")])
    project = SelectField(
        "Projet",
        description="Aucun pour une réunion du comité local.",
        validate_choice=False,
    )
    title = StringField(
        "Intitulé",
        description="Facultatif : sinon, le type de réunion sert d'intitulé.",
        validators=[Optional(), Length(max=NAME_LEN)],
    )
    day = DateField("Date", validators=[DataRequired("Indiquez la date de la réunion (jj/mm/aaaa).")])
    start_time = TimeField("Heure de début", validators=[DataRequired("Indiquez l'heure de début (ex. 17:30).")])
    duration = SelectField(
        "Durée",
        choices=choices((minutes, duration_label(minutes)) for minutes in DURATIONS),
        default=str(DEFAULT_DURATION),
    )
    # No Optional(): it would stop the chain before validate_place, which requires a place or a link.
    place = StringField("Lieu", description="Adresse ou salle.", validators=[Length(max=300)])
    online_url = StringField(
        "Lien de visioconférence",
        description="Facultatif, commence par https://.",
        validators=[Optional(), Length(max=500)],
    )
    agenda = TextAreaField(
        "Ordre du jour",
        description="N'y notez aucune donnée personnelle sur les enfants.",
        validators=[Optional(), Length(max=5000)],
    )
    partners = CheckboxList("Organisations invitées", coerce=int, validate_choice=False)

    def __init__(self, *args, committee, projects, partners, allow_no_project: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.projects_by_id = {project.id: project for project in projects}
        self.allow_no_project = allow_no_project
        options = [("", "Aucun – réunion du comité local")] if allow_no_project else [("", "— Choisir un projet —")]
        options += [(project.id, f"{project.name} ({project.school_year})") for project in projects]
        self.project.choices = choices(options)
        self.project.empty_way = EmptyWay(
            "Aucun projet pour l'instant : un diagnostic, un lancement, un suivi ou un bilan concerne un projet.",
            url_for("projects.create", slug=committee.slug), "Créer un projet",
        )
        self.partner_options = list(partners)
        self.partners.choices = choices((partner.id, partner.name) for partner in self.partner_options)
        self.partner_ids = {partner.id for partner in self.partner_options}

    # -- values for the service ----------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.committee.timezone)

    def selected_project(self):
        value = self.project.data or ""
        return self.projects_by_id.get(parse_id(str(value)))

    def starts_at(self) -> datetime:
        local = datetime.combine(self.day.data, self.start_time.data, tzinfo=self.zone)
        return local.astimezone(dt_timezone.utc)

    def ends_at(self) -> datetime:
        return self.starts_at() + timedelta(minutes=int(self.duration.data))

    def service_values(self) -> dict:
        return {
            "kind": MeetingKind(self.kind.data),
            "project": self.selected_project(),
            "title": self.title.data or "",
            "starts_at": self.starts_at(),
            "ends_at": self.ends_at(),
            "place": self.place.data or "",
            "online_url": self.online_url.data or "",
            "agenda": self.agenda.data or "",
        }

    def fill_from(self, meeting) -> None:
        local_start = meeting.starts_at.astimezone(self.zone)
        self.kind.data = meeting.kind.value
        self.project.data = str(meeting.project_id or "")
        self.title.data = meeting.title
        self.day.data = local_start.date()
        self.start_time.data = local_start.time().replace(tzinfo=None)
        minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
        if minutes not in DURATIONS:
            self.duration.choices = choices(
                sorted([(m, duration_label(m)) for m in (*DURATIONS, minutes)], key=lambda c: int(c[0]))
            )
        self.duration.data = str(minutes)
        self.place.data = meeting.place
        self.online_url.data = meeting.online_url
        self.agenda.data = meeting.agenda
        self.partners.data = [inv.partner_id for inv in meeting.invitations if inv.contact_id is None]

    def prefill(self, *, kind: str | None, project_id: str | None, day: date | None, partner_ids) -> None:
        if kind in MeetingKind._value2member_map_:
            self.kind.data = kind
        if parse_id(project_id) in self.projects_by_id:
            self.project.data = project_id
        self.day.data = day
        self.start_time.data = DEFAULT_START
        self.partners.data = [pid for pid in partner_ids if pid in self.partner_ids]

    # -- validation ------------------------------------------------------------------------

    def validate_project(self, field):
        value = field.data or ""
        if value and parse_id(str(value)) not in self.projects_by_id:
            raise ValidationError("Choisissez un projet de la liste.")
        kind = MeetingKind(self.kind.data) if self.kind.data in MeetingKind._value2member_map_ else None
        if not value:
            if not self.allow_no_project:
                raise ValidationError("Choisissez le projet de cette réunion.")
            if kind is not None and kind not in PROJECTLESS_KINDS:
                raise ValidationError(f"Une réunion de {kind.label.lower()} concerne un projet : choisissez-le.")

    def validate_start_time(self, field):
        if self.day.data is None or field.data is None:
            return
        local = datetime.combine(self.day.data, field.data, tzinfo=self.zone)
        round_trip = local.astimezone(dt_timezone.utc).astimezone(self.zone)
        if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
            raise ValidationError(
                f"{format_time(local)} n'existe pas ce jour-là (passage à l'heure d'été) : choisissez une autre heure."
            )

    def validate_day(self, field):
        if field.data is not None and not (2000 <= field.data.year <= 2100):
            raise ValidationError("Indiquez une date entre 2000 et 2100.")

    def validate_online_url(self, field):
        value = (field.data or "").strip()
        field.data = value
        if value and not value.startswith("https://"):
            raise ValidationError("Le lien de visioconférence doit commencer par https://.")

    def validate_place(self, field):
        field.data = (field.data or "").strip()
        if not field.data and not (self.online_url.data or "").strip():
            raise ValidationError("Indiquez un lieu, ou un lien de visioconférence.")

    def validate_partners(self, field):
        unknown = set(field.data or ()) - self.partner_ids
        if unknown:
            raise ValidationError("Choisissez les organisations dans la liste proposée.")


class CancelForm(Form):
    reason = TextAreaField(
        "Motif (facultatif)",
        description="Il figure dans le journal de la réunion.",
        validators=[Optional(), Length(max=500)],
    )
