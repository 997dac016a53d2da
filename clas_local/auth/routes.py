from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from clas_local import htmx, permissions
from clas_local.audit.services import record
from clas_local.auth import devices, password_links, queries, services, throttle
from clas_local.auth.forms import ChangePasswordForm, ForgottenPasswordForm, LoginForm, NewPasswordForm
from clas_local.auth.passwords import verify_password
from clas_local.auth.sessions import stamp_login_time
from clas_local.errors import render_error
from clas_local.extensions import db
from clas_local.loaders import load_account, refuse
from clas_local.mail import services as mail
from clas_local.url_numbers import paginate

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Adresse e-mail ou mot de passe incorrect."


def _safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would turn the login page into a phishing tool."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("committees.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr or ""
        device = devices.known_device(email)
        wait = throttle.blocked_for(email, address, device)
        if wait:
            return _throttled("login.throttled", email, wait, "Trop de tentatives de connexion en peu de temps. "
                              "Par sécurité, la connexion est suspendue")
        user = services.authenticate(email, form.password.data)
        if user is None:
            throttle.register_failure(email, address, device)
            db.session.commit()  # keep the failure in the audit log
            form.password.errors.append(LOGIN_FAILED)
            return render_template("auth/login.html", form=form, failed=True), 200
        throttle.register_success(email, address, device)
        db.session.commit()
        session.clear()  # no session data survives from before the login
        login_user(user, remember=form.remember.data)
        session.permanent = True
        stamp_login_time()
        response = redirect(_safe_next(request.args.get("next")), 303)
        devices.remember_device(response, email)
        return response
    return render_template("auth/login.html", form=form)


def _throttled(action: str, email: str, wait_seconds: int, what: str):
    record(action, summary=(email or "")[:254])
    db.session.commit()
    minutes = max(1, -(-wait_seconds // 60))
    message = f"{what} : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
    body, status = render_error(429, message, "Trop de tentatives")
    return body, status, {"Retry-After": str(wait_seconds)}


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgotten_password():
    """E-mail in, the same answer whether or not an account has that address.

    The link is delivered once the answer has been sent (call_on_close), so that the time
    to answer does not tell either."""
    form = ForgottenPasswordForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("auth/forgotten_password.html", form=form), status
    email, address = form.email.data, request.remote_addr or ""
    wait = throttle.blocked_for(email, address, scope=throttle.PASSWORD_RESET)
    if wait:
        return _throttled("user.password_reset_throttled", email, wait,
                          "Trop de demandes de lien en peu de temps. Par sécurité, les demandes sont suspendues")
    throttle.register_failure(email, address, scope=throttle.PASSWORD_RESET)  # every request counts
    record("user.password_reset_request", summary=(email or "")[:254])
    user = services.find_user(email)
    outgoing = None
    if user is not None and user.is_active_account:
        outgoing = password_links.send(user, password_links.Purpose.RESET, after_commit=False)
    db.session.commit()
    response = make_response(render_template("auth/forgotten_password.html", form=None, sent_to=email))
    if outgoing is not None:
        response.call_on_close(mail.deliver_later(outgoing.id))
    return response


@bp.post("/logout")
@login_required
def logout():
    services.logout(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def choose_password(token: str):
    user, reason = password_links.resolve(token)
    if user is None:
        return render_error(410, reason, "Lien non valable")
    form = NewPasswordForm(email=user.email)
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        throttle.clear_account(user.email)
        db.session.commit()
        flash("Votre mot de passe est enregistré. Vous pouvez vous connecter.", "success")
        return redirect(url_for("auth.login"), 303)
    return render_template("auth/choose_password.html", form=form, user=user)


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm(email=current_user.email)
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("Le mot de passe actuel est incorrect.")
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.password.data)
            db.session.commit()
            # The rotated token logged out every other session; keep this one.
            login_user(user)
            flash("Votre mot de passe a été changé. Vos autres sessions sont fermées.", "success")
            return redirect(url_for("auth.account"), 303)
    return render_template("auth/account.html", form=form)


# -- the instance admin's accounts page --------------------------------------------------------

ACCOUNTS_PER_PAGE = 50


@bp.get("/admin/comptes")
@login_required
def accounts():
    """Every account, its committees and state: no committee's content."""
    if not permissions.can_manage_accounts(current_user):
        refuse(404, "accounts")
    search = (request.args.get("q") or "").strip()[:254]
    page = paginate(queries.accounts(search), ACCOUNTS_PER_PAGE)
    return htmx.render("auth/accounts.html", "auth/_accounts.html", accounts=page, search=search)


def _back_to_accounts():
    return htmx.redirect(url_for("auth.accounts", q=request.args.get("q") or None, page=request.args.get("page")))


@bp.post("/admin/comptes/<int:user_id>/desactiver")
@login_required
def disable_account(user_id: int):
    user = load_account(user_id)
    if user.id == current_user.id:
        flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
    else:
        services.disable_account(user)
        db.session.commit()
        flash(f"Le compte {user.email} est désactivé : ses sessions sont fermées et il ne peut plus se connecter.",
              "success")
    return _back_to_accounts()


@bp.post("/admin/comptes/<int:user_id>/reactiver")
@login_required
def enable_account(user_id: int):
    user = load_account(user_id)
    services.enable_account(user)
    db.session.commit()
    flash(f"Le compte {user.email} est réactivé.", "success")
    return _back_to_accounts()


@bp.post("/admin/comptes/<int:user_id>/lien")
@login_required
def send_account_link(user_id: int):
    user = load_account(user_id)
    if not user.is_active_account:
        flash(f"Le compte {user.email} est désactivé : réactivez-le d'abord.", "error")
    else:
        password_links.send(user)
        db.session.commit()
        flash(f"Un lien pour choisir un nouveau mot de passe a été envoyé à {user.email}.", "success")
    return _back_to_accounts()
