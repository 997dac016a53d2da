"""The dossier as a ZIP: the PDF, every evidence file in a folder per meeting, and a manifest."""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
import zipfile

from clas_local.dossier.csv_export import csv_bytes
from clas_local.dossier.queries import Dossier, evidence_path

MANIFEST_HEADER = ["fichier", "réunion", "type", "taille (octets)", "SHA-256"]
PROJECT_FOLDER = "pieces-du-projet"
CHUNK = 1024 * 1024


def safe_name(name: str) -> str:
    """A file name that every unzip tool accepts: no folders, no control characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", name).strip(" .")
    return name[:150] or "piece"


def _unique(path: str, taken: set[str]) -> str:
    if path not in taken:
        taken.add(path)
        return path
    stem, dot, extension = path.rpartition(".")
    if not dot or "/" in extension:
        stem, extension = path, ""
    number = 2
    while True:
        candidate = f"{stem}-{number}.{extension}" if extension else f"{stem}-{number}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        number += 1


def dossier_filename(project, extension: str) -> str:
    slug = unicodedata.normalize("NFKD", project.name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")[:60] or "projet"
    return f"dossier-concertation-{slug}-{project.school_year}.{extension}"


def build_zip(dossier: Dossier, pdf: bytes):
    """A temporary file holding the ZIP (spooled in memory while small), rewound."""
    output = tempfile.SpooledTemporaryFile(max_size=16 * CHUNK)
    taken: set[str] = set()
    manifest_rows, problems = [], []
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_unique(dossier_filename(dossier.project, "pdf"), taken), pdf)
        for evidence, item in dossier.files:
            folder = item.folder if item else PROJECT_FOLDER
            meeting_label = (
                f"{item.meeting.display_title} du {item.day.strftime('%d/%m/%Y')}" if item else "Pièce du projet"
            )
            source = evidence_path(evidence)
            if source is None or not source.is_file():
                problems.append(f"{evidence.original_name} ({meeting_label}) : fichier introuvable sur le serveur.")
                continue
            path = _unique(f"{folder}/{safe_name(evidence.original_name)}", taken)
            digest = hashlib.sha256()
            with source.open("rb") as handle, archive.open(path, "w", force_zip64=True) as target:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
            if digest.hexdigest() != evidence.sha256:
                problems.append(
                    f"{path} : l'empreinte SHA-256 du fichier ({digest.hexdigest()}) diffère de celle enregistrée "
                    f"au dépôt ({evidence.sha256})."
                )
            manifest_rows.append([path, meeting_label, evidence.kind.label, evidence.size_bytes, evidence.sha256])
        archive.writestr("manifeste.csv", csv_bytes(MANIFEST_HEADER, manifest_rows))
        if problems:
            archive.writestr("anomalies.txt", "\n".join(problems) + "\n")
    output.seek(0)
    return output
