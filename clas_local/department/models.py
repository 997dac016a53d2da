"""The département level: who follows the committees of a département, and what they record.

A department user (a CAF conseiller, the secrétariat of the comité départemental) reads every
committee of one département and writes nothing inside them; what they write is their own:
field visits of the projects and difficulties flagged to the comité départemental. Free text
about the actions only: never a child's name or any personal data about a child.

The list of départements lives here too (committees/models.py validates its code with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import NAME_LEN, Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_column

# -- the départements and how a commune's INSEE code names its département ------------------------

# Code → name, in the order of the official list (Corse as 2A/2B, the DROM as 971–976).
DEPARTEMENTS: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube", "11": "Aude",
    "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal", "16": "Charente",
    "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne", "32": "Gers",
    "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire", "38": "Isère",
    "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire", "44": "Loire-Atlantique",
    "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche",
    "51": "Marne", "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan",
    "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise", "61": "Orne", "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques", "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe",
    "73": "Savoie", "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne",
    "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var",
    "84": "Vaucluse", "85": "Vendée", "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne",
    "90": "Territoire de Belfort", "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne", "95": "Val-d'Oise", "971": "Guadeloupe", "972": "Martinique", "973": "Guyane",
    "974": "La Réunion", "976": "Mayotte",
}  # fmt: skip

CODE_ERROR = "« {code} » n'est pas un code de département (par exemple 35, 2A ou 974)."


def normalise_code(code: str | None) -> str | None:
    """« 5 » → « 05 », « 2a » → « 2A »; None or empty: None. ValueError (in French) when unknown."""
    text = (code or "").strip().upper()
    if not text:
        return None
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    if text not in DEPARTEMENTS:
        raise ValueError(CODE_ERROR.format(code=text))
    return text


def departement_of_commune(insee: str) -> str | None:
    """The département of a commune's INSEE code: « 35238 » → « 35 », « 97411 » → « 974 », « 2A004 » → « 2A »."""
    code = (insee or "").strip().upper()
    prefix = code[:3] if code.startswith("97") else code[:2]
    return prefix if prefix in DEPARTEMENTS else None


def departement_of_communes(codes) -> str | None:
    """The one département all these communes lie in; None when there are none or they span several."""
    found = {departement_of_commune(code) for code in codes or ()}
    return found.pop() if len(found) == 1 and None not in found else None


def departement_label(code: str | None) -> str:
    """« Ille-et-Vilaine (35) »."""
    if not code:
        return "—"
    return f"{DEPARTEMENTS.get(code, code)} ({code})"


@dataclass(frozen=True)
class Department:
    """A département as its pages show it, with the function of the user looking at it."""

    code: str
    name: str
    function: DepartmentFunction | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


# -- who follows a département, and what they record ------------------------------------------------


class DepartmentFunction(LabelledEnum):
    CAF = ("caf", "Conseiller ou conseillère CAF")
    SECRETARIAT = ("secretariat", "Secrétariat du comité départemental")


class DepartmentAccess(TimestampMixin, Base):
    """A user's reading right over the committees of one département (at most one per user)."""

    __tablename__ = "department_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    function: Mapped[DepartmentFunction] = mapped_column(enum_column(DepartmentFunction, "department_function"))

    user: Mapped["User"] = relationship(back_populates="department_access")  # noqa: F821


class FieldVisit(TimestampMixin, Base):
    """« Visite de terrain » of a project (the referential recommends them after the bilan)."""

    __tablename__ = "field_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    # Who visited: names and functions of the visitors, as they wish to appear.
    visitors: Mapped[str] = mapped_column(String(NAME_LEN))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    project: Mapped["Project"] = relationship()  # noqa: F821
    committee: Mapped["Committee"] = relationship()  # noqa: F821


class DifficultyStatus(LabelledEnum):
    OPEN = ("open", "Ouverte")
    CLOSED = ("closed", "Close")


class Difficulty(TimestampMixin, Base):
    """A difficulty flagged to the comité départemental (« le comité départemental du Sdsf peut
    être informé des difficultés rencontrées »), about a committee or one of its projects."""

    __tablename__ = "department_difficulty"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[DifficultyStatus] = mapped_column(
        enum_column(DifficultyStatus, "difficulty_status"), default=DifficultyStatus.OPEN
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    committee: Mapped["Committee"] = relationship()  # noqa: F821
    project: Mapped["Project | None"] = relationship()  # noqa: F821
