"""The département's pages (/d/<code>/): its dashboard, its annual bilan of activity, field
visits and difficulties; and the instance admin's two settings of the département level.

A department user reads the committees of their département through the committees' own pages
(their transient viewer membership opens them: permissions.membership) and writes nothing there;
what they record here (visits, difficulties) is the département's own.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from clas_local import htmx, permissions
from clas_local.activity.models import COUNT_FIELDS
from clas_local.committees.models import Committee
from clas_local.compliance.rules import CHECKLIST_TITLE, Status
from clas_local.department import queries, services
from clas_local.department.forms import CommitteeDepartementForm, DepartmentAccessForm, DifficultyForm, FieldVisitForm
from clas_local.department.models import DEPARTEMENTS, DepartmentFunction, DifficultyStatus, departement_label
from clas_local.dossier.csv_export import csv_bytes
from clas_local.extensions import db
from clas_local.forms import choices
from clas_local.loaders import load_account, load_department, load_difficulty, refuse
from clas_local.projects.models import Project
from clas_local.school_year import is_school_year

bp = Blueprint("department", __name__)

DEPARTMENT = "/d/<code>"


@bp.get(f"{DEPARTMENT}/")
@login_required
def dashboard(code: str):
    department = load_department(code)
    committees = queries.committees_of(department.code)
    lines = queries.dashboard_lines(committees)
    return render_template(
        "department/dashboard.html",
        department=department,
        lines=lines,
        totals={name: sum(line.totals[name] for line in lines) for name in COUNT_FIELDS},
        with_figures=sum(line.with_figures for line in lines),
        project_count=sum(line.project_count for line in lines),
        children_total=queries.children_total,
        count_fields=COUNT_FIELDS,
        Status=Status,
        checklist_title=CHECKLIST_TITLE,
        visits=queries.field_visits(department.code),
        difficulties=queries.difficulties(department.code),
        DifficultyStatus=DifficultyStatus,
    )


# -- the department's annual bilan of activity ------------------------------------------------------


def _bilan(code: str):
    department = load_department(code)
    committees = queries.committees_of(department.code)
    current = max((queries.current_school_year(committee) for committee in committees), default=None)
    years = sorted(set(queries.bilan_years(committees)) | ({current} if current else set()), reverse=True)
    asked = request.args.get("school_year", "").strip()
    if is_school_year(asked):
        years = sorted({*years, asked}, reverse=True)
        school_year = asked
    else:
        school_year = current or (years[0] if years else "")
    return department, years, queries.department_bilan(committees, school_year)


@bp.get(f"{DEPARTMENT}/bilan")
@login_required
def bilan(code: str):
    department, years, result = _bilan(code)
    return htmx.render(
        "department/bilan.html",
        "department/_bilan.html",
        department=department,
        years=years,
        school_year=result.school_year,
        bilan=result,
        count_fields=COUNT_FIELDS,
        children_total=queries.children_total,
    )


@bp.get(f"{DEPARTMENT}/bilan.csv")
@login_required
def bilan_csv(code: str):
    department, _years, result = _bilan(code)
    header, rows = queries.bilan_csv(result, department.label)
    response = Response(csv_bytes(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="bilan-departemental-{department.code}-{result.school_year}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- field visits ------------------------------------------------------------------------------------


@bp.route(f"{DEPARTMENT}/visites", methods=["GET", "POST"])
@login_required
def field_visits(code: str):
    department = load_department(code)
    committees = queries.committees_of(department.code)
    form = FieldVisitForm()
    if request.method == "GET":
        form = FieldVisitForm(formdata=None, visited_on=date.today(), project_id=request.args.get("projet", type=int))
    form.project_id.choices = choices(
        [("", "— Choisir un projet —"), *((pid, label) for pid, label, _cid in queries.recordable_projects(committees))]
    )
    if form.validate_on_submit():
        project = db.session.get(Project, form.project_id.data)
        committee = next((c for c in committees if project is not None and c.id == project.committee_id), None)
        if committee is None:  # deleted since the form was shown
            refuse(404, f"Project {form.project_id.data}")
        if not permissions.can_record_for_department(current_user, committee):
            refuse(403, f"field visit in committee {committee.slug}")
        services.record_field_visit(project, visited_on=form.visited_on.data, visitors=form.visitors.data,
                                    notes=(form.notes.data or "").strip(), user=current_user)  # fmt: skip
        db.session.commit()
        flash(f"Visite de terrain du projet « {project.name} » enregistrée.", "success")
        return redirect(url_for("department.dashboard", code=department.code) + "#visites", 303)
    return render_template(
        "department/field_visits.html",
        department=department,
        form=form,
        visits=queries.field_visits(department.code, limit=200),
    ), 422 if form.errors else 200


# -- difficulties flagged to the comité départemental -------------------------------------------------


@bp.route(f"{DEPARTMENT}/difficultes", methods=["GET", "POST"])
@login_required
def difficulties(code: str):
    department = load_department(code)
    committees = queries.committees_of(department.code)
    projects = queries.recordable_projects(committees)
    form = DifficultyForm()
    if request.method == "GET":
        form = DifficultyForm(formdata=None)
    form.committee_id.choices = choices([("", "— Choisir un comité —"), *((c.id, c.name) for c in committees)])
    form.project_id.choices = choices([("", "— Le comité dans son ensemble —"), *((pid, label) for pid, label, _c in projects)])
    if form.validate_on_submit():
        committee = next(committee for committee in committees if committee.id == form.committee_id.data)
        project = None
        if form.project_id.data is not None:
            project_committee = next(cid for pid, _label, cid in projects if pid == form.project_id.data)
            if project_committee != committee.id:
                form.project_id.errors.append("Ce projet est celui d'un autre comité : choisissez le projet du comité concerné.")
            else:
                project = db.session.get(Project, form.project_id.data)
        if not form.project_id.errors:
            if not permissions.can_record_for_department(current_user, committee):
                refuse(403, f"difficulty in committee {committee.slug}")
            services.flag_difficulty(committee, project, text=form.text.data, noted_on=date.today(), user=current_user)
            db.session.commit()
            flash(f"Difficulté signalée au comité départemental : {project.name if project else committee.name}.", "success")
            return redirect(url_for("department.dashboard", code=department.code) + "#difficultes", 303)
    return render_template(
        "department/difficulties.html",
        department=department,
        form=form,
        difficulties=queries.difficulties(department.code),
        DifficultyStatus=DifficultyStatus,
    ), 422 if form.errors else 200


@bp.post(f"{DEPARTMENT}/difficultes/<int:difficulty_id>/clore")
@login_required
def close_difficulty(code: str, difficulty_id: int):
    department = load_department(code)
    difficulty = load_difficulty(department, difficulty_id)
    if services.close_difficulty(difficulty):
        db.session.commit()
        flash("Difficulté close.", "success")
    else:
        flash("Cette difficulté était déjà close.", "info")
    return htmx.redirect(url_for("department.dashboard", code=department.code) + "#difficultes")


# -- the instance admin: who reads a département, which département a committee belongs to -----------


@bp.route("/admin/comptes/<int:user_id>/departement", methods=["GET", "POST"])
@login_required
def account_department(user_id: int):
    user = load_account(user_id)
    access = user.department_access
    form = DepartmentAccessForm()
    if request.method == "GET":
        form = DepartmentAccessForm(
            formdata=None,
            departement_code=access.departement_code if access else "",
            function=access.function.value if access else DepartmentFunction.CAF.value,
        )
    if form.validate_on_submit():
        code = form.departement_code.data or None
        summary = services.set_department_access(user, code, DepartmentFunction(form.function.data) if code else None)
        db.session.commit()
        flash(f"{user.email} : {summary}", "success")
        return redirect(url_for("auth.accounts", q=user.email), 303)
    return render_template("department/account_department.html", account=user, form=form), 422 if form.errors else 200


@bp.route("/admin/comites/<int:committee_id>/departement", methods=["GET", "POST"])
@login_required
def committee_departement(committee_id: int):
    if not permissions.can_manage_accounts(current_user):
        refuse(404, "admin")
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        refuse(404, f"committee {committee_id}")
    form = CommitteeDepartementForm()
    if request.method == "GET":
        form = CommitteeDepartementForm(formdata=None, departement_code=committee.departement_code or "")
    if form.validate_on_submit():
        code = form.departement_code.data or None
        if services.set_committee_departement(committee, code):
            db.session.commit()
            flash(f"« {committee.name} » : département {departement_label(code)}.", "success")
        else:
            flash("Rien n'a changé.", "info")
        return redirect(url_for("committees.admin"), 303)
    return render_template(
        "department/committee_departement.html", admin_committee=committee, form=form, departements=DEPARTEMENTS
    ), 422 if form.errors else 200
