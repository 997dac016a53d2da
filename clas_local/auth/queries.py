"""Reading accounts: the instance admin's list."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from clas_local.auth.models import Membership, User


def accounts(search: str = "") -> Select:
    """Every account (or those whose address or name contains `search`), memberships and committees loaded."""
    query = select(User).options(
        selectinload(User.memberships).selectinload(Membership.committee), selectinload(User.department_access)
    )
    if search:
        query = query.where(User.email.icontains(search, autoescape=True)
                            | User.full_name.icontains(search, autoescape=True))
    return query.order_by(User.email)
