"""People who log in, and what they may do in each committee."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from clas_local.db import EMAIL_LEN, NAME_LEN, Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_column


class Role(LabelledEnum):
    HOST = ("host", "Animateur du comité (mairie / EPCI)")
    PORTEUR = ("porteur", "Porteur de projet")
    SCHOOL = ("school", "École / établissement")
    VIEWER = ("viewer", "Lecteur (CAF, Éducation nationale…)")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LEN), unique=True)
    full_name: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    # None until the person sets a password through their invitation link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    # Flask-Login stores this, not the id, in the session and remember cookie:
    # rotating it (logout, password change) revokes every copy of those cookies.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the one password link that may be in use (auth/password_links.py): drawn anew
    # for each link, cleared when a password is set, so that a link works once and only
    # the newest one works. None: no link outstanding.
    password_link_nonce: Mapped[str | None] = mapped_column(String(32))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )
    # A department user's reading right (department/models.py); loaded with the user on each request.
    department_access: Mapped["DepartmentAccess | None"] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        email = (email or "").strip().lower()
        if "@" not in email:
            raise ValueError("Adresse e-mail invalide.")
        return email

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Membership(TimestampMixin, Base):
    """A user's role in one committee.

    Porteurs and school users are tied to their organisation (a partner of the
    directory): a porteur acts on the projects that organisation holds, a school
    user sees the meetings their school is invited to.
    """

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "committee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    committee: Mapped["Committee"] = relationship()  # noqa: F821
    partner: Mapped["Partner | None"] = relationship()  # noqa: F821


class LoginThrottle(Base):
    """Failed-login counters shared by every worker when Redis is not configured."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
