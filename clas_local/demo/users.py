"""One demo login per role, all with the same documented password."""

from __future__ import annotations

from clas_local.auth import services
from clas_local.auth.models import Role
from clas_local.auth.passwords import hash_password
from clas_local.demo import DEMO_PASSWORD
from clas_local.extensions import db

# (role, e-mail, name, organisation key in the demo directory)
USERS = (
    ("host", "animation@demo.clas-local.fr", "Camille Riou (Rennes Métropole)", None),
    ("porteur", "porteur@demo.clas-local.fr", "Nadia Benali (Centre social Ty-Blosne)", "ts-blosne"),
    ("school", "ecole@demo.clas-local.fr", "Isabelle Caradec (École Volga)", "0352258P"),
    ("viewer", "caf@demo.clas-local.fr", "Thomas Le Bihan (CAF 35)", None),
)
ADMIN_EMAIL = "admin@demo.clas-local.fr"


def seed(context) -> None:
    db.session.flush()  # partners need their ids before memberships point at them
    for role, email, name, partner_key in USERS:
        user = services.find_user(email)
        if user is None or not any(m.committee_id == context.committee.id for m in user.memberships):
            partner = context.partners[partner_key] if partner_key else None
            user = services.add_member(
                context.committee, email, Role(role), name, partner.id if partner else None
            ).user
        if user.password_hash is None:
            user.password_hash = hash_password(DEMO_PASSWORD)
        context.users[role] = user
        context.logins.append((role, email, DEMO_PASSWORD))
    admin = services.find_user(ADMIN_EMAIL) or services.create_user(
        ADMIN_EMAIL, "Administrateur de l'instance", is_admin=True
    )
    if admin.password_hash is None:
        admin.password_hash = hash_password(DEMO_PASSWORD)
    context.logins.append(("admin", ADMIN_EMAIL, DEMO_PASSWORD))
