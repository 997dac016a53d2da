"""Password hashing (argon2id) and the rules the CNIL recommends for password-only access."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# A real hash to verify against when the account does not exist, so that
# an unknown e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("clas-local-timing-equaliser")

MIN_LENGTH = 12

# The most common passwords of French and international leaks, plus the obvious local ones.
COMMON_PASSWORDS = frozenset(
    """
    123456789012 1234567890123 azertyuiopqs azertyuiop12 azertyuiop123 motdepasse12 motdepasse123
    password1234 passwordpassword qwertyuiop12 qwertyuiop123 123456789abc abcdefghijkl
    000000000000 111111111111 123123123123 iloveyou1234 soleil123456 bonjour12345
    doudou123456 marseille123 jetaime12345 chocolat1234 motdepasse!! administrateur
    clasclasclas claslocal123 mairie123456 ecole1234567 caf123456789 changeme1234
    """.split()
)


# Words that, padded with digits or symbols to reach 12 characters ("Motdepasse2026!",
# "Azerty123456"), remain the first guesses of any attacker.
COMMON_WORDS = frozenset(
    """
    motdepasse password passwort contrasena azerty azertyuiop qwerty qwertyuiop qwertz abcdef abc
    soleil bonjour bonsoir salut coucou doudou loulou chouchou jetaime iloveyou amour chocolat
    marseille paris rennes nantes lyon toulouse bretagne france football olympique
    admin administrateur administrator root user utilisateur welcome bienvenue changeme
    clas claslocal mairie ecole college lycee caf epci comite association secret test
    """.split()
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _is_common(password: str) -> bool:
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return True
    stem = _EDGES.sub("", lowered)
    # Mostly digits and symbols ("2026!!!!2026"), or a common word padded with them.
    compact = re.sub(r"[\W\d_]+", "", stem)  # "Clas-Local" → "claslocal"
    return len(stem) < 4 or stem in COMMON_WORDS or compact in COMMON_WORDS


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is refused, in French, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    lowered = password.lower()
    if _is_common(password):
        return "Ce mot de passe est trop courant : choisissez une phrase de passe plus personnelle."
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return "Le mot de passe ne doit pas contenir votre adresse e-mail."
    return None
