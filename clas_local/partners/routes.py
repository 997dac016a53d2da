"""The directory's pages: list and search, a partner, create and edit, contacts, import, exports."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_login import current_user, login_required

from clas_local import htmx, permissions
from clas_local.extensions import db
from clas_local.loaders import load_committee, load_contact, load_partner
from clas_local.partners import queries, services
from clas_local.partners.forms import ContactExportForm, ContactForm, ImportForm, PartnerForm
from clas_local.partners.importer import ImportRefused, import_schools
from clas_local.partners.models import TERRITORY_KINDS, PartnerKind
from clas_local.partners.validation import spreadsheet_safe
from clas_local.school_year import committee_today
from clas_local.url_numbers import page_number

bp = Blueprint("partners", __name__)


# -- list, search, export ------------------------------------------------------------------


@bp.get("/c/<slug>/partners")
@login_required
def index(slug: str):
    committee = load_committee(slug, permissions.can_view_directory)
    filters = queries.DirectoryFilters.from_args(request.args)
    results = queries.directory_page(committee, filters, page_number())
    return htmx.render(
        "partners/index.html",
        "partners/_results.html",
        committee=committee,
        filters=filters,
        results=results,
        counts=queries.kind_counts(committee, filters),
        kinds=list(PartnerKind),
        can_create=permissions.can_create_partner(current_user, committee),
        can_import=permissions.can_manage_committee(current_user, committee),
    )


EXPORT_COLUMNS = (
    ("UAI", lambda p: p.uai or ""),
    ("Nom", lambda p: p.name),
    ("Type", lambda p: p.kind.label),
    ("Secteur", lambda p: p.sector.label if p.sector else ""),
    ("Éducation prioritaire", lambda p: p.education_prioritaire.label if p.is_school else ""),
    ("Adresse", lambda p: p.address),
    ("Code postal", lambda p: p.postcode),
    ("Code commune", lambda p: p.commune_code),
    ("Commune", lambda p: p.commune_name),
    ("Téléphone", lambda p: p.phone),
    ("E-mail", lambda p: p.email),
    ("Site web", lambda p: p.website),
    ("Circonscription", lambda p: p.circonscription),
    ("État", lambda p: "Ouvert" if p.is_open else "Fermé ou en cours de fermeture"),
)


@bp.get("/c/<slug>/partners/export.csv")
@login_required
def export_csv(slug: str):
    """The directory (with the list's filters) as a CSV for a spreadsheet: `;`, UTF-8 with BOM,
    and no cell a spreadsheet would run as a formula."""
    committee = load_committee(slug, permissions.can_view_directory)
    filters = queries.DirectoryFilters.from_args(request.args)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([title for title, _ in EXPORT_COLUMNS])
    for partner in db.session.scalars(queries.directory(committee, filters).execution_options(yield_per=500)):
        writer.writerow([spreadsheet_safe(value(partner)) for _, value in EXPORT_COLUMNS])
    filename = f"annuaire-{committee.slug}-{committee_today(committee).isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# -- a partner -----------------------------------------------------------------------------


@bp.get("/c/<slug>/partners/<int:partner_id>")
@login_required
def show(slug: str, partner_id: int):
    committee = load_committee(slug, permissions.can_view_directory)
    partner = load_partner(committee, partner_id)
    return htmx.render(
        "partners/show.html",
        committee=committee,
        partner=partner,
        projects=queries.linked_projects(current_user, partner),
        history=queries.meeting_history(current_user, partner),
        can_edit=permissions.can_edit_partner(current_user, partner),
    )


def _kinds_for(committee) -> list[PartnerKind]:
    if permissions.can_manage_committee(current_user, committee):
        return list(PartnerKind)
    return [kind for kind in PartnerKind if kind in TERRITORY_KINDS]


def _partner_form_response(committee, form: PartnerForm, partner=None):
    status = 422 if form.errors else 200
    return htmx.render(
        "partners/form.html", "partners/_form.html", status=status, committee=committee, form=form, partner=partner
    )


@bp.route("/c/<slug>/partners/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    committee = load_committee(slug, permissions.can_create_partner)
    kinds = _kinds_for(committee)
    form = PartnerForm(committee=committee, kinds=kinds)
    if request.method == "GET" and request.args.get("kind") in {kind.value for kind in kinds}:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        data = form.data_for_service()
        if not permissions.can_create_partner(current_user, committee, data["kind"]):
            abort(403)  # the choices offered already exclude it: only a forged form gets here
        partner = services.create_partner(committee, data)
        db.session.commit()
        flash(f"« {partner.name} » a été ajouté à l'annuaire.", "success")
        return htmx.redirect(url_for("partners.show", slug=slug, partner_id=partner.id))
    return _partner_form_response(committee, form)


@bp.route("/c/<slug>/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, partner_id: int):
    committee = load_committee(slug, permissions.can_view_directory)
    partner = load_partner(committee, partner_id, permissions.can_edit_partner)
    form = PartnerForm(obj=partner, committee=committee, kinds=_kinds_for(committee), partner=partner)
    if request.method == "GET":
        form.kind.data = partner.kind.value
        form.education_prioritaire.data = partner.education_prioritaire.value
        form.sector.data = partner.sector.value if partner.sector else ""
        form.covered_communes.data = ", ".join(partner.covered_communes or [])
    if form.validate_on_submit():
        changed = services.update_partner(partner, form.data_for_service())
        db.session.commit()
        flash("Fiche enregistrée." if changed else "Aucune modification.", "success")
        return htmx.redirect(url_for("partners.show", slug=slug, partner_id=partner.id))
    return _partner_form_response(committee, form, partner)


# -- contacts ------------------------------------------------------------------------------


def _contact_form_response(committee, partner, form: ContactForm, contact=None):
    status = 422 if form.errors else 200
    return htmx.render(
        "partners/contact_form.html",
        "partners/_contact_form.html",
        status=status,
        committee=committee,
        partner=partner,
        form=form,
        contact=contact,
    )


def _can_edit_contact(user, contact) -> bool:
    return permissions.can_edit_partner(user, contact.partner)


@bp.route("/c/<slug>/partners/<int:partner_id>/contacts/new", methods=["GET", "POST"])
@login_required
def add_contact(slug: str, partner_id: int):
    committee = load_committee(slug, permissions.can_view_directory)
    partner = load_partner(committee, partner_id, permissions.can_edit_partner)
    form = ContactForm()
    if form.validate_on_submit():
        services.add_contact(partner, form.data)
        db.session.commit()
        flash("Contact ajouté.", "success")
        return htmx.redirect(url_for("partners.show", slug=slug, partner_id=partner.id) + "#contacts")
    return _contact_form_response(committee, partner, form)


@bp.route("/c/<slug>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(slug: str, contact_id: int):
    committee = load_committee(slug, permissions.can_view_directory)
    contact = load_contact(committee, contact_id, _can_edit_contact)
    if contact.anonymised_at:
        flash("Ce contact est anonymisé : ses données ne peuvent plus être modifiées.", "error")
        return htmx.redirect(url_for("partners.show", slug=slug, partner_id=contact.partner_id))
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        changed = services.update_contact(contact, form.data)
        db.session.commit()
        flash("Contact enregistré." if changed else "Aucune modification.", "success")
        return htmx.redirect(url_for("partners.show", slug=slug, partner_id=contact.partner_id) + "#contacts")
    return _contact_form_response(committee, contact.partner, form, contact)


@bp.post("/c/<slug>/contacts/<int:contact_id>/remove")
@login_required
def remove_contact(slug: str, contact_id: int):
    committee = load_committee(slug, permissions.can_view_directory)
    contact = load_contact(committee, contact_id, _can_edit_contact)
    partner_id = contact.partner_id
    try:
        services.remove_contact(contact)
    except services.ContactInUse as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("Contact supprimé.", "success")
    return htmx.redirect(url_for("partners.show", slug=slug, partner_id=partner_id) + "#contacts")


@bp.post("/c/<slug>/contacts/<int:contact_id>/anonymise")
@login_required
def anonymise_contact(slug: str, contact_id: int):
    committee = load_committee(slug, permissions.can_view_directory)
    contact = load_contact(committee, contact_id, _can_edit_contact)
    if contact.anonymised_at is None:
        services.anonymise_contact(contact)
        db.session.commit()
        flash("Contact anonymisé : son nom, son e-mail et son téléphone sont effacés.", "success")
    return htmx.redirect(url_for("partners.show", slug=slug, partner_id=contact.partner_id) + "#contacts")


@bp.post("/c/<slug>/contacts/<int:contact_id>/export")
@login_required
def export_contact(slug: str, contact_id: int):
    """RGPD right of access: everything stored about one person, as JSON or CSV. Audited."""
    committee = load_committee(slug, permissions.can_view_directory)
    contact = load_contact(committee, contact_id, _can_edit_contact)
    form = ContactExportForm()
    export_format = "csv" if form.format.data == "csv" else "json"
    data = queries.contact_personal_data(contact)
    services.record_contact_export(contact, export_format)
    db.session.commit()
    filename = f"donnees-personnelles-contact-{contact.id}.{export_format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if export_format == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json", headers=headers)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Rubrique", "N°", "Champ", "Valeur"])
    for field_name, value in data["contact"].items():
        writer.writerow(["contact", 1, field_name, spreadsheet_safe(value)])
    for section in ("invitations", "presences", "projets"):
        for number, item in enumerate(data[section], start=1):
            for field_name, value in item.items():
                writer.writerow([section, number, field_name, spreadsheet_safe(value)])
    return Response(buffer.getvalue(), mimetype="text/csv", headers=headers)


# -- import --------------------------------------------------------------------------------


@bp.route("/c/<slug>/partners/import", methods=["GET", "POST"])
@login_required
def import_directory(slug: str):
    committee = load_committee(slug, permissions.can_manage_committee)
    form = ImportForm()
    report = refusal = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        with upload.stream as stream:  # a large upload is spooled to a temporary file: close it
            data = stream.read()
        communes = committee.insee_codes if form.territory_only.data else ()
        try:
            report = import_schools(
                committee, data, communes=communes or (), all_types=form.all_types.data,
                source=upload.filename or "",
            )  # fmt: skip
        except ImportRefused as exc:
            db.session.rollback()
            refusal = str(exc)
            form.file.errors = [refusal]
            status = 422
        else:
            db.session.commit()
    elif form.errors:
        status = 422
    return htmx.render(
        "partners/import.html",
        "partners/_import.html",
        status=status,
        committee=committee,
        form=form,
        report=report,
    )
