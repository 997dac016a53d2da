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
    TIMEZONE_LABELS,
    CommitteeForm,
    CommitteeSettingsForm,
    MemberForm,
    parse_insee_codes,
)
from clas_local.committees.models import Committee
from clas_local.committees.services import CommitteeError, create_committee, update_settings
from clas_local.extensions import db
from clas_local.forms import EmptyWay, choices
from clas_local.loaders import load_committee, refuse
from clas_local.meetings.queries import upcoming_meetings
from clas_local.partners.models import Partner

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
    if len(memberships) == 1 and not current_user.is_admin:
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
