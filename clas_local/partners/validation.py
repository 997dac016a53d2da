"""What makes directory data valid, and the normalisations search and import rely on.

Everything returns French messages: forms and the importer show them as they are.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from clas_local.partners.models import uai_error  # noqa: F401  (re-exported: one place to look)

# France and the overseas departments and collectivities: a "French" number may belong to any.
FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"})
POSTCODE_RE = re.compile(r"^\d{5}$")
INSEE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced: « École  Sévigné » → « ecole sevigne »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().replace("œ", "oe").replace("æ", "ae").split())


def header_key(header: str) -> str:
    """A column name reduced to what survives the yearly drift: `Code postal` = `Code_postal`."""
    return re.sub(r"[^a-z0-9]+", "_", fold(header)).strip("_")


def search_text(name: str, commune_name: str = "", uai: str | None = "", extra: str = "") -> str:
    """The Partner.search_text value: folded name, commune and UAI (and the directory's UAI
    of a non-school establishment, kept in `extra`)."""
    parts = (name, commune_name, uai or "", extra)
    return fold(" ".join(part for part in parts if part))[:600]


def search_terms(query: str | None) -> list[str]:
    """The words of a search box, folded like search_text (at most 8, so a pasted text stays cheap)."""
    return fold(query).split()[:8]


# Overseas numbers are dialled from France with a 0 too (0262 … for La Réunion): try each plan.
DIALLING_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM")


def parse_french_phone(value: str) -> phonenumbers.PhoneNumber | None:
    """The number as a valid French (or overseas) phone number, or None."""
    for region in DIALLING_REGIONS:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
        if value.strip().startswith("+"):
            return None  # an explicit country code: no other plan to try
    return None


def phone_error(value: str) -> str | None:
    if not value.strip():
        return None
    if len(value) > 32 or not re.fullmatch(r"[\d\s.+()/-]+", value.strip()):
        return "Ce numéro de téléphone n'est pas lisible : écrivez-le par exemple 02 99 12 34 56."
    number = parse_french_phone(value)
    if number is None:
        return "Ce numéro de téléphone n'existe pas en France : vérifiez le nombre de chiffres (ex. 02 99 12 34 56)."
    if phonenumbers.region_code_for_number(number) not in FRENCH_REGIONS:
        return "Indiquez un numéro de téléphone français (métropole ou outre-mer)."
    return None


def format_phone(value: str) -> str:
    """A valid French number written the French way (02 99 12 34 56); anything else unchanged."""
    if not value.strip() or phone_error(value):
        return value.strip()
    number = parse_french_phone(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def email_error(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return "Cette adresse e-mail n'est pas valide (ex. prenom.nom@exemple.fr)."
    return None


def postcode_error(value: str) -> str | None:
    if value.strip() and not POSTCODE_RE.match(value.strip()):
        return "Un code postal compte 5 chiffres."
    return None


def commune_code_error(value: str) -> str | None:
    if value.strip() and not INSEE_RE.match(value.strip().upper()):
        return "Un code commune INSEE compte 5 caractères (ex. 35238, ou 2A004 en Corse)."
    return None


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that no spreadsheet will run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
