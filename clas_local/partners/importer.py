"""Import of the national schools directory (« Annuaire de l'éducation », data.education.gouv.fr).

The export is `;`-separated UTF-8 with a BOM, and its column names drift between years
(`Code postal` / `Code_postal`, columns added and removed): columns are found by their
normalised name, never by position. Two stages:

1. `read_export(data)` parses the whole file or raises ImportRefused (binary, empty, not
   this export): nothing has been touched yet.
2. `apply_import(committee, export, …)` upserts by UAI inside the caller's transaction and
   returns an ImportReport (created / updated / unchanged / rejected, duplicates). The caller
   commits once, so the import is all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from clas_local.audit.services import record
from clas_local.extensions import db
from clas_local.partners.models import (
    SCHOOL_KINDS,
    EducationPrioritaire,
    Partner,
    PartnerKind,
    Sector,
    uai_error,
)
from clas_local.partners.validation import fold, format_phone, header_key, search_text

# Our field → the normalised column names it has had in the exports.
COLUMNS = {
    "uai": ("identifiant_de_l_etablissement", "uai", "code_uai", "numero_uai", "identifiant_uai"),
    "name": ("nom_etablissement", "appellation_officielle", "nom_de_l_etablissement", "denomination"),
    "type": ("type_etablissement", "type_d_etablissement", "nature_uai_libe"),
    "sector": ("statut_public_prive", "secteur_public_prive", "secteur"),
    "address_1": ("adresse_1", "adresse"),
    "address_2": ("adresse_2",),
    "postcode": ("code_postal",),
    "commune_code": ("code_commune", "code_insee_commune", "code_insee"),
    "commune_name": ("nom_commune", "commune", "libelle_commune"),
    "phone": ("telephone", "tel"),
    "email": ("mail", "courriel", "email", "adresse_mail"),
    "website": ("web", "site_web"),
    "circonscription": ("nom_circonscription", "circonscription"),
    "education_prioritaire": ("appartenance_education_prioritaire", "education_prioritaire"),
    "state": ("etat", "etat_etablissement"),
    "nature": ("libelle_nature", "nature_uai_libe"),
    "maternelle": ("ecole_maternelle",),
    "elementaire": ("ecole_elementaire",),
}
# Without these the file is not a directory export.
REQUIRED = ("uai", "name", "type")
LABELS = {"uai": "identifiant de l'établissement (UAI)", "name": "nom de l'établissement", "type": "type d'établissement"}

SCHOOL_TYPES = {"ecole": PartnerKind.ECOLE, "college": PartnerKind.COLLEGE, "lycee": PartnerKind.LYCEE}
# --all-types: the directory's other establishments, in the closest kind of ours.
OTHER_TYPES = {
    "service administratif": PartnerKind.EDUCATION_NATIONALE,
    "information et orientation": PartnerKind.EDUCATION_NATIONALE,
}
EDUCATION_PRIORITAIRE = {"rep": EducationPrioritaire.REP, "rep+": EducationPrioritaire.REP_PLUS}

# The model keeps a UAI for schools only; another establishment's UAI is written in its
# notes (visible to hosts, searchable) so that a second import finds it again.
DIRECTORY_UAI_NOTE = "UAI (Annuaire de l'éducation) : "
DIRECTORY_UAI_RE = re.compile(re.escape(DIRECTORY_UAI_NOTE) + r"(\d{7}[A-Z])")

# Field → column length in the model: longer values are cut rather than refused.
LENGTHS = {"name": 200, "address": 300, "postcode": 10, "commune_code": 5, "commune_name": 200,
           "phone": 32, "email": 254, "website": 300, "circonscription": 200}  # fmt: skip
COMPARED = ("kind", "name", "sector", "education_prioritaire", "address", "postcode", "commune_code",
            "commune_name", "phone", "email", "website", "circonscription", "is_open")  # fmt: skip


class ImportRefused(Exception):
    """The file is not a directory export: nothing was imported. The message is for the user."""


@dataclass
class ExportRow:
    line: int
    values: dict[str, str]


@dataclass
class Export:
    rows: list[ExportRow]
    columns: list[str]  # our fields found in the file


@dataclass
class RowOutcome:
    line: int
    uai: str
    name: str
    detail: str = ""


@dataclass
class ImportReport:
    created: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    unchanged: list[RowOutcome] = field(default_factory=list)
    rejected: list[RowOutcome] = field(default_factory=list)
    duplicates: list[RowOutcome] = field(default_factory=list)
    skipped: int = 0  # rows of other types or communes, left out on purpose
    # Écoles maternelles, left out: the Clas is for children « du CP au lycée ».
    maternelles: int = 0
    total_rows: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "rejected": len(self.rejected),
            "duplicates": len(self.duplicates),
            "skipped": self.skipped,
            "maternelles": self.maternelles,
        }

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{self.total_rows} lignes lues : {counts['created']} créé(s), {counts['updated']} mis à jour, "
            f"{counts['unchanged']} inchangé(s), {counts['rejected']} rejeté(s), "
            f"{counts['duplicates']} UAI en double, {counts['skipped']} hors sélection, "
            f"{counts['maternelles']} école(s) maternelle(s) écartée(s) (le Clas va du CP au lycée)."
        )


# -- reading ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused("Le fichier est vide : choisissez l'export CSV de l'Annuaire de l'éducation.")
    if b"\x00" in data[:8192]:
        raise ImportRefused(
            "Ce fichier n'est pas un fichier texte CSV (contenu binaire : tableur, PDF, archive…). "
            "Téléchargez l'export CSV de l'Annuaire de l'éducation sur data.education.gouv.fr."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # A file re-saved by a spreadsheet on Windows.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            "Le fichier n'est pas un texte lisible (encodage inconnu) : utilisez l'export CSV en UTF-8."
        ) from exc


def _column_map(header: list[str]) -> dict[str, int]:
    keys = [header_key(name) for name in header]
    found: dict[str, int] = {}
    for our_field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                found[our_field] = keys.index(alias)
                break
    return found


def read_export(data: bytes) -> Export:
    """Parse a directory export, or refuse it (ImportRefused) without touching anything."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        columns = _column_map(header)
        if "uai" not in columns:
            raise ImportRefused(
                "Aucune colonne d'identifiant d'établissement (UAI) dans ce fichier : ce n'est pas un export "
                "de l'Annuaire de l'éducation (colonne attendue : « Identifiant_de_l_etablissement »)."
            )
        missing = [LABELS[name] for name in REQUIRED if name not in columns]
        if missing:
            raise ImportRefused(
                "Ce fichier ne ressemble pas à un export de l'Annuaire de l'éducation : colonne(s) manquante(s) : "
                + ", ".join(missing) + "."
            )
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            values = {name: (cells[index].strip() if index < len(cells) else "") for name, index in columns.items()}
            rows.append(ExportRow(line=reader.line_num, values=values))
    except csv.Error as exc:
        raise ImportRefused(f"Le fichier CSV est mal formé (ligne {reader.line_num}) : il n'a pas été importé.") from exc
    if not rows:
        raise ImportRefused("Le fichier ne contient aucun établissement : il n'a que sa ligne d'en-tête.")
    return Export(rows=rows, columns=sorted(columns))


# -- applying -----------------------------------------------------------------------------


def directory_uai(partner: Partner) -> str | None:
    """The directory UAI of a partner: its own, or the one noted for a non-school establishment."""
    if partner.uai:
        return partner.uai
    match = DIRECTORY_UAI_RE.search(partner.notes or "")
    return match.group(1) if match else None


def _kind(type_label: str, all_types: bool) -> PartnerKind | None:
    folded = fold(type_label)
    if folded in SCHOOL_TYPES:
        return SCHOOL_TYPES[folded]
    if not all_types:
        return None
    return OTHER_TYPES.get(folded, PartnerKind.AUTRE)


def _sector(label: str) -> Sector | None:
    folded = fold(label)
    if folded.startswith("priv"):
        return Sector.PRIVATE
    if folded.startswith("public"):
        return Sector.PUBLIC
    return None


def _fields(values: dict[str, str], kind: PartnerKind) -> dict:
    address = ", ".join(part for part in (values.get("address_1", ""), values.get("address_2", "")) if part)
    fields = {
        "kind": kind,
        "name": values["name"],
        "sector": _sector(values.get("sector", "")),
        "education_prioritaire": EDUCATION_PRIORITAIRE.get(
            fold(values.get("education_prioritaire", "")).replace(" ", ""), EducationPrioritaire.NONE
        ),
        "address": address,
        "postcode": values.get("postcode", ""),
        "commune_code": values.get("commune_code", "").upper(),
        "commune_name": values.get("commune_name", ""),
        "phone": format_phone(values.get("phone", "")),
        "email": values.get("email", ""),
        "website": values.get("website", ""),
        "circonscription": values.get("circonscription", ""),
        # « OUVERT », « A FERMER » (closing at the end of the year), « FERME »…
        "is_open": fold(values.get("state", "ouvert") or "ouvert") == "ouvert",
    }
    for name, length in LENGTHS.items():
        fields[name] = fields[name][:length]
    return fields


def _row_problem(values: dict[str, str]) -> str | None:
    uai = values["uai"].upper()
    if not uai:
        return "UAI manquant."
    error = uai_error(uai)
    if error:
        return error
    if not values.get("name"):
        return "Nom de l'établissement manquant."
    return None


def _selected_rows(
    export: Export, communes: set[str], all_types: bool, report: ImportReport, on_row: Callable[[], None] | None
) -> Iterable[tuple[ExportRow, PartnerKind]]:
    for row in export.rows:
        if on_row:
            on_row()
        kind = _kind(row.values.get("type", ""), all_types)
        if kind is None or (communes and row.values.get("commune_code", "").upper() not in communes):
            report.skipped += 1
            continue
        if kind is PartnerKind.ECOLE and _is_maternelle(row.values):
            report.maternelles += 1
            continue
        yield row, kind


def _is_maternelle(values: dict[str, str]) -> bool:
    """A nursery school only (« ECOLE MATERNELLE », or maternelle without elementary classes):
    the Clas is for children « du CP au lycée ». A primary school (both) is kept."""
    nature = fold(values.get("nature", ""))
    if nature:
        return nature == "ecole maternelle"
    if values.get("maternelle", "") or values.get("elementaire", ""):
        return values.get("maternelle", "").strip() == "1" and values.get("elementaire", "").strip() in ("", "0")
    return "maternelle" in fold(values.get("name", ""))


def apply_import(
    committee,
    export: Export,
    *,
    communes: Iterable[str] = (),
    all_types: bool = False,
    on_row: Callable[[], None] | None = None,
    source: str = "",
    audit: bool = True,
) -> ImportReport:
    """Create or update the committee's partners from the export, keyed by UAI.

    Flushes but does not commit: the caller's single commit makes the import atomic."""
    report = ImportReport(total_rows=len(export.rows))
    wanted_communes = {code.strip().upper() for code in communes if code.strip()}
    existing = {}
    for partner in db.session.scalars(select(Partner).where(Partner.committee_id == committee.id)):
        uai = directory_uai(partner)
        if uai:
            existing[uai] = partner
    first_line: dict[str, int] = {}
    duplicate_lines: dict[str, list[int]] = {}
    for row, kind in _selected_rows(export, wanted_communes, all_types, report, on_row):
        values = row.values
        uai = values["uai"].upper()
        problem = _row_problem(values)
        if problem:
            report.rejected.append(RowOutcome(row.line, uai, values.get("name", ""), problem))
            continue
        if uai in first_line:
            duplicate_lines.setdefault(uai, [first_line[uai]]).append(row.line)
            continue
        first_line[uai] = row.line
        fields = _fields(values, kind)
        partner = existing.get(uai)
        if partner is None:
            partner = Partner(committee=committee, notes="", **fields)
            if kind in SCHOOL_KINDS:
                partner.uai = uai
            else:
                partner.notes = DIRECTORY_UAI_NOTE + uai
            partner.search_text = search_text(partner.name, partner.commune_name, uai)
            db.session.add(partner)
            existing[uai] = partner
            report.created.append(RowOutcome(row.line, uai, partner.name))
            continue
        if (kind in SCHOOL_KINDS) != partner.is_school:
            report.rejected.append(RowOutcome(
                row.line, uai, fields["name"],
                f"Le type a changé ({partner.kind.label} → {kind.label}) : modifiez cette fiche à la main.",
            ))  # fmt: skip
            continue
        changed = [name for name in COMPARED if getattr(partner, name) != fields[name]]
        if changed:
            for name in changed:
                setattr(partner, name, fields[name])
            partner.search_text = search_text(partner.name, partner.commune_name, uai)
            report.updated.append(RowOutcome(row.line, uai, partner.name, ", ".join(changed)))
        else:
            report.unchanged.append(RowOutcome(row.line, uai, partner.name))
    for uai, lines in duplicate_lines.items():
        report.duplicates.append(RowOutcome(
            lines[0], uai, existing[uai].name,
            f"UAI présent sur {len(lines)} lignes ({', '.join(map(str, lines))}) : seule la ligne {lines[0]} est importée.",
        ))  # fmt: skip
    db.session.flush()
    if audit:
        record(
            "partners.import",
            committee=committee,
            summary=f"Import de l'Annuaire de l'éducation{f' ({source})' if source else ''} : {report.summary()}",
            **report.counts,
        )
    return report


def import_schools(committee, data: bytes, **options) -> ImportReport:
    """Read then apply: ImportRefused leaves the database untouched."""
    return apply_import(committee, read_export(data), **options)
