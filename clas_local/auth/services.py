"""Account state changes: log in, log out, set a password, invite a member."""

from __future__ import annotations

from sqlalchemy import select

from clas_local.audit.services import record
from clas_local.auth.models import Membership, Role, User
from clas_local.auth.passwords import hash_password, verify_password
from clas_local.db import utcnow
from clas_local.extensions import db


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Takes as long for an unknown e-mail."""
    user = find_user(email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        record("login.failure", summary=(email or "")[:254], actor=user)
        return None
    user.last_login_at = utcnow()
    # A fresh token at login: any session identifier planted before is worthless.
    user.rotate_session_token()
    record("login.success", user, actor=user)
    return user


def logout(user: User) -> None:
    """Revoke the session and every remember cookie server-side."""
    user.rotate_session_token()
    record("logout", user, actor=user)


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_link_nonce = None  # any link still out there stops working
    user.rotate_session_token()
    record("user.password", user, actor=user)


def disable_account(user: User) -> None:
    """No login, no session, no password link any more; the records the person made stay."""
    user.is_active_account = False
    user.password_link_nonce = None
    user.rotate_session_token()
    record("user.disable", user, summary=f"Compte désactivé : {user.email}")


def enable_account(user: User) -> None:
    if user.is_active_account:
        return
    user.is_active_account = True
    record("user.enable", user, summary=f"Compte réactivé : {user.email}")


def create_user(email: str, full_name: str = "", password: str | None = None, is_admin: bool = False) -> User:
    user = User(email=email, full_name=full_name, is_admin=is_admin)
    if password:
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def add_member(committee, email: str, role: Role, full_name: str = "", partner_id: int | None = None) -> Membership:
    """Give someone a role in the committee, creating their account when they have none."""
    user = find_user(email) or create_user(email, full_name)
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.committee_id == committee.id)
    )
    if membership is None:
        membership = Membership(user=user, committee=committee, role=role, partner_id=partner_id)
        db.session.add(membership)
    else:
        membership.role, membership.partner_id = role, partner_id
    db.session.flush()
    record("member.add", membership, committee=committee, summary=f"{user.email} : {role.label}")
    return membership
