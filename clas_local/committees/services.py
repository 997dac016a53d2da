from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from clas_local.audit.services import record
from clas_local.committees.models import Committee, HolidayZone
from clas_local.holidays.models import SchoolHolidayPeriod
from clas_local.extensions import db


class CommitteeError(ValueError):
    """A French message saying why the committee cannot be created."""


def create_committee(slug: str, name: str, zone: str, timezone: str = "Europe/Paris", **fields) -> Committee:
    if db.session.scalar(select(Committee.id).where(Committee.slug == slug)):
        raise CommitteeError(f"Un comité utilise déjà l'identifiant « {slug} ».")
    try:
        holiday_zone = HolidayZone(zone)
    except ValueError as exc:
        raise CommitteeError("La zone doit être A, B, C ou other.") from exc
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CommitteeError(f"Fuseau horaire inconnu : {timezone}") from exc
    if not fields.get("departement_code"):
        # The communes usually say which département follows the committee; the admin may correct it.
        from clas_local.department.models import departement_of_communes

        fields["departement_code"] = departement_of_communes(fields.get("insee_codes"))
    try:
        committee = Committee(slug=slug, name=name, holiday_zone=holiday_zone, timezone=timezone, **fields)
    except ValueError as exc:
        raise CommitteeError(str(exc)) from exc
    db.session.add(committee)
    db.session.flush()
    record("committee.create", committee, committee=committee, summary=name)
    return committee


SETTINGS_LABELS = {
    "name": "nom",
    "host_organisation": "collectivité porteuse",
    "holiday_zone": "zone de vacances",
    "timezone": "fuseau horaire",
    "insee_codes": "communes",
}


def update_settings(committee: Committee, **changes) -> list[str]:
    """Change what a host may change (SETTINGS_LABELS); returns the French names of what changed."""
    unknown = set(changes) - set(SETTINGS_LABELS)
    if unknown:
        raise TypeError(f"not a setting: {', '.join(sorted(unknown))}")
    if "holiday_zone" in changes:
        try:
            changes["holiday_zone"] = HolidayZone(changes["holiday_zone"])
        except ValueError as exc:
            raise CommitteeError("La zone doit être A, B, C ou autre.") from exc
    changed = [name for name, value in changes.items() if getattr(committee, name) != value]
    try:
        for name in changed:
            setattr(committee, name, changes[name])
    except ValueError as exc:
        raise CommitteeError(str(exc)) from exc
    if changed:
        db.session.flush()
        record("committee.update", committee, committee=committee,
               summary="Paramètres modifiés : " + ", ".join(SETTINGS_LABELS[name] for name in changed))
    return [SETTINGS_LABELS[name] for name in changed]


def add_holiday_period(committee: Committee, school_year: str, name: str, first_day, last_day) -> SchoolHolidayPeriod:
    period = SchoolHolidayPeriod(committee=committee, school_year=school_year, name=name, first_day=first_day,
                                 last_day=last_day)  # fmt: skip
    db.session.add(period)
    db.session.flush()
    record("calendar.holiday.add", period, committee=committee,
           summary=f"{name} {school_year} : du {first_day.isoformat()} au {last_day.isoformat()}")  # fmt: skip
    return period


def remove_holiday_period(period: SchoolHolidayPeriod) -> None:
    record("calendar.holiday.remove", period, committee_id=period.committee_id,
           summary=f"{period.name} {period.school_year}")  # fmt: skip
    db.session.delete(period)
    db.session.flush()
