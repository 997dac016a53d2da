from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clas_local import htmx, permissions
from clas_local.audit.services import record
from clas_local.auth import password_links
from clas_local.auth import services as auth_services
from clas_local.auth.models import Membership, Role, User
from clas_local.committees.home import home_context
from clas_local.committees.forms import (
    HOLIDAY_NAMES,
    TIMEZONE_LABELS,
    CommitteeForm,
    CommitteeSettingsForm,
    HolidayPeriodForm,
    MemberForm,
    parse_insee_codes,
)
from clas_local.committees.models import Committee
from clas_local.committees.services import (
    CommitteeError,
    add_holiday_period,
    create_committee,
    remove_holiday_period,
    update_settings,
)
from clas_local.extensions import db
from clas_local.forms import EmptyWay, choices
from clas_local.holidays import queries as holiday_queries
from clas_local.holidays.models import SchoolHolidayPeriod
from clas_local.loaders import load_committee, refuse
from clas_local.meetings.queries import upcoming_meetings
from clas_local.partners.models import Partner
from clas_local.school_year import (
    HolidayPeriod,
    activity_window,
    calendar_known,
    current_school_year,
    holiday_period_error,
    is_school_year,
    package_knows,
    school_weeks,
    unknown_calendar_notice,
)

bp = Blueprint("committees", __name__)


@bp.get("/")
@login_required
def index():
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == current_user.id)
        .options(selectinload(Membership.committee))
        .join(Committee)
        .order_by(Committee.name)
    ).all()
    department_code = permissions.department_code(current_user)
    if department_code and not memberships:
        # A department user (CAF conseiller, secrétariat) lands on their département's dashboard.
        return redirect(url_for("department.dashboard", code=department_code))
    if len(memberships) == 1 and not current_user.is_admin and not department_code:
        return redirect(url_for("committees.home", slug=memberships[0].committee.slug))
    if not memberships and current_user.is_admin:
        # An instance admin belongs to no committee: their landing page is the administration.
        return redirect(url_for("committees.admin"))
    return render_template("committees/index.html", memberships=memberships)


@bp.get("/c/<slug>/")
@login_required
def home(slug: str):
    committee = load_committee(slug)
    now = datetime.now(timezone.utc)
    meetings = db.session.scalars(upcoming_meetings(current_user, committee, now)).all()
    return render_template(
        "committees/home.html", committee=committee, now=now, home=home_context(current_user, committee, meetings, now)
    )


@bp.route("/c/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    """The committee's own settings, for its hosts: name, host organisation, holiday zone, time zone, communes."""
    committee = load_committee(slug, permissions.can_manage_committee)
    form = CommitteeSettingsForm()
    if request.method == "GET":
        form = CommitteeSettingsForm(
            formdata=None, name=committee.name, host_organisation=committee.host_organisation,
            holiday_zone=committee.holiday_zone.value, timezone=committee.timezone,
            insee_codes=", ".join(committee.insee_codes or []),
        )  # fmt: skip
    if form.timezone.data and form.timezone.data not in TIMEZONE_LABELS:
        # A committee created with another zone keeps it as a choice.
        form.timezone.choices = choices([*TIMEZONE_LABELS.items(), (form.timezone.data, form.timezone.data)])
    if form.validate_on_submit():
        try:
            changed = update_settings(
                committee, name=form.name.data.strip(), host_organisation=(form.host_organisation.data or "").strip(),
                holiday_zone=form.holiday_zone.data, timezone=form.timezone.data,
                insee_codes=parse_insee_codes(form.insee_codes.data or ""),
            )  # fmt: skip
        except CommitteeError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Paramètres enregistrés : " + ", ".join(changed) + "." if changed else "Rien n'a changé.", "success")
            return redirect(url_for("committees.settings", slug=slug), 303)
    return render_template("committees/settings.html", committee=committee, form=form), 422 if form.errors else 200


def _members(committee: Committee) -> list[Membership]:
    return db.session.scalars(
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.committee_id == committee.id)
        .options(selectinload(Membership.user), selectinload(Membership.partner))
        .order_by(Membership.role, User.full_name, User.email)
    ).all()


def _member_form(committee: Committee, **kwargs) -> MemberForm:
    form = MemberForm(**kwargs)
    partners = db.session.execute(
        select(Partner.id, Partner.name).where(Partner.committee_id == committee.id).order_by(Partner.name)
    ).all()
    form.partner_id.choices = choices([("", "— Aucune —"), *partners])
    form.partner_id.empty_way = EmptyWay(
        "L'annuaire est vide : un porteur ou une école y est d'abord ajouté.",
        url_for("partners.create", slug=committee.slug), "Ajouter une organisation",
    )
    return form


@bp.route("/c/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str):
    committee = load_committee(slug, permissions.can_manage_committee)
    form = _member_form(committee)
    if form.validate_on_submit():
        role = Role(form.role.data)
        if role in (Role.PORTEUR, Role.SCHOOL) and not form.partner_id.data:
            form.partner_id.errors.append("Choisissez l'organisation de ce porteur ou de cette école.")
        else:
            membership = auth_services.add_member(
                committee, form.email.data, role, form.full_name.data or "", form.partner_id.data
            )
            user = membership.user
            notice = f"{user.email} est maintenant membre du comité : {role.label}."
            if user.password_hash is None:
                # Only the owner of the address may choose the password: the link goes there, never here.
                password_links.send(user, password_links.Purpose.WELCOME, committee=committee)
                notice += " Un lien pour choisir son mot de passe lui a été envoyé par e-mail."
            db.session.commit()
            flash(notice, "success")
            if not htmx.is_fragment_request():
                return redirect(url_for("committees.members", slug=slug), 303)
            form = _member_form(committee, formdata=None)  # an empty form for the next member
    return htmx.render(
        "committees/members.html",
        "committees/_members.html",
        status=422 if form.errors else 200,
        committee=committee,
        members=_members(committee),
        form=form,
    )


def _load_membership(committee: Committee, membership_id: int) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.id == membership_id, Membership.committee_id == committee.id)
    )
    if membership is None:
        refuse(404, f"membership {membership_id}")
    return membership


@bp.post("/c/<slug>/members/<int:membership_id>/password-link")
@login_required
def send_password_link(slug: str, membership_id: int):
    """A member who lost their password (or their first link): a new link, e-mailed to them."""
    committee = load_committee(slug, permissions.can_manage_committee)
    membership = _load_membership(committee, membership_id)
    user = membership.user
    if not user.is_active_account:
        flash(f"Le compte {user.email} est désactivé : l'administrateur de l'instance peut le réactiver.", "error")
    else:
        password_links.send(user, committee=committee)
        db.session.commit()
        flash(f"Un lien pour choisir un nouveau mot de passe a été envoyé à {user.email}.", "success")
    return htmx.redirect(url_for("committees.members", slug=slug))


@bp.post("/c/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    committee = load_committee(slug, permissions.can_manage_committee)
    membership = _load_membership(committee, membership_id)
    if membership.user_id == current_user.id:
        flash("Vous ne pouvez pas vous retirer vous-même du comité.", "error")
    else:
        record("member.remove", membership, committee=committee, summary=membership.user.email)
        db.session.delete(membership)
        db.session.commit()
        flash(f"{membership.user.email} n'est plus membre du comité.", "success")
    return htmx.redirect(url_for("committees.members", slug=slug))


# -- the school calendar of a year the package does not know ---------------------------------


def _calendar_years(committee) -> list[str]:
    """The years a host may look at: last year to three years ahead."""
    first = int(current_school_year(committee)[:4])
    return [f"{year}-{year + 1}" for year in range(first - 1, first + 4)]


@bp.route("/c/<slug>/calendrier-scolaire", methods=["GET", "POST"])
@login_required
def school_calendar(slug: str):
    committee = load_committee(slug, permissions.can_manage_committee)
    years = _calendar_years(committee)
    asked = (request.form.get("school_year") if request.method == "POST" else request.args.get("school_year")) or ""
    school_year = asked if is_school_year(asked) else current_school_year(committee)
    if school_year not in years:
        years = sorted({*years, school_year})
    form = HolidayPeriodForm()
    known = package_knows(school_year, committee.holiday_zone)
    refusal = None
    if form.validate_on_submit():
        error = holiday_period_error(school_year, committee.holiday_zone, form.first_day.data, form.last_day.data)
        if error and known:
            refusal = error  # no form on that page: said above it
        elif error:
            form.last_day.errors.append(error)
        else:
            add_holiday_period(committee, school_year, form.name.data, form.first_day.data, form.last_day.data)
            db.session.commit()
            flash(f"{form.name.data} {school_year} enregistrées : les semaines d'école et les alertes en tiennent compte.", "success")
            return htmx.redirect(url_for("committees.school_calendar", slug=slug, school_year=school_year))
    periods = holiday_queries.entered_periods(committee, school_year)
    entered = tuple(HolidayPeriod(p.name, p.first_day, p.last_day) for p in periods)
    return htmx.render(
        "committees/school_calendar.html",
        "committees/_school_calendar.html",
        status=422 if form.errors or refusal else 200,
        committee=committee,
        form=form,
        refusal=refusal,
        years=years,
        school_year=school_year,
        periods=periods,
        known=known,
        notice=None if calendar_known(school_year, committee.holiday_zone, entered)
        else unknown_calendar_notice(school_year, committee.holiday_zone),
        window=activity_window(school_year, committee.holiday_zone, entered),
        weeks=school_weeks(school_year, committee.holiday_zone, periods=entered),
        holiday_names=HOLIDAY_NAMES,
    )


@bp.post("/c/<slug>/calendrier-scolaire/<int:period_id>/remove")
@login_required
def remove_holiday(slug: str, period_id: int):
    committee = load_committee(slug, permissions.can_manage_committee)
    period = db.session.get(SchoolHolidayPeriod, period_id)
    if period is None or period.committee_id != committee.id:
        refuse(404, "holiday period of another committee")
    school_year = period.school_year
    remove_holiday_period(period)
    db.session.commit()
    flash("Période de vacances retirée.", "success")
    return htmx.redirect(url_for("committees.school_calendar", slug=slug, school_year=school_year))


@bp.route("/admin", methods=["GET", "POST"])
@login_required
def admin():
    if not current_user.is_admin:
        refuse(404, "admin")
    form = CommitteeForm()
    if form.validate_on_submit():
        try:
            committee = create_committee(
                form.slug.data,
                form.name.data,
                form.holiday_zone.data,
                form.timezone.data,
                host_organisation=form.host_organisation.data or "",
                insee_codes=parse_insee_codes(form.insee_codes.data or ""),
                departement_code=form.departement_code.data or None,
            )
        except CommitteeError as exc:
            form.slug.errors.append(str(exc))
        else:
            if form.host_email.data:
                host = auth_services.add_member(committee, form.host_email.data, Role.HOST).user
                if host.password_hash is None:
                    password_links.send(host, password_links.Purpose.WELCOME, committee=committee)
                    flash(f"Un lien pour choisir son mot de passe a été envoyé à {host.email}.", "info")
            db.session.commit()
            flash(f"Le comité « {committee.name} » est créé.", "success")
            return redirect(url_for("committees.admin"), 303)
    committees = db.session.scalars(select(Committee).order_by(Committee.name)).all()
    return render_template("committees/admin.html", form=form, committees=committees), 422 if form.errors else 200
