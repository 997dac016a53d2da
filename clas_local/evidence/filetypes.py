"""What a file really is, from its content: PDF, JPEG, PNG, ODT or DOCX, never by its name."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]


ACCEPTED = {
    PDF: FileType(PDF, "PDF", (".pdf",)),
    JPEG: FileType(JPEG, "JPEG", (".jpg", ".jpeg")),
    PNG: FileType(PNG, "PNG", (".png",)),
    ODT: FileType(ODT, "ODT", (".odt",)),
    DOCX: FileType(DOCX, "DOCX", (".docx",)),
}
ACCEPTED_LABEL = "PDF, JPEG, PNG, ODT ou DOCX"
ACCEPT_ATTRIBUTE = ",".join(ext for kind in ACCEPTED.values() for ext in kind.extensions)


def _office_type(path: Path) -> FileType | None:
    """ODT and DOCX are ZIP archives: look at the members that define them (without extracting)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    with archive.open(info) as member:
                        if member.read(100).strip() == ODT.encode():
                            return ACCEPTED[ODT]
                return None
            if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
                return ACCEPTED[DOCX]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError):
        return None
    return None


# ODT and DOCX are ZIP archives that whoever opens them decompresses (a word processor, an
# antivirus, an indexer): one that would expand absurdly (« zip bomb ») is refused. Sizes are
# those the archive declares; nothing is extracted here.
ZIP_BASED = frozenset({ODT, DOCX})
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # real documents: 1 to 20 (pictures are already compressed, XML about 10)
MAX_MEMBERS = 10_000


def _size_fr(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024**2:
        return f"{size // 1024} Ko"
    if size < 1024**3:
        return f"{round(size / 1024**2)} Mo"
    return f"{size / 1024**3:.1f} Go".replace(".", ",")


def archive_problem(path: Path) -> str | None:
    """Why a ZIP-based document is refused, in French, or None when its sizes are plausible."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "Ce document est endommagé : il n'a pas pu être lu. Enregistrez-le à nouveau, ou en PDF."
    advice = "Il a été refusé : enregistrez-le à nouveau depuis votre traitement de texte, ou déposez-le en PDF."
    if len(members) > MAX_MEMBERS:
        return f"Ce document contient {len(members)} fichiers internes : c'est anormal (archive piégée ?). {advice}"
    expanded, size = sum(member.file_size for member in members), path.stat().st_size
    if expanded > MAX_UNCOMPRESSED_BYTES or expanded > MAX_RATIO * max(size, 1):
        return (f"Ce document de {_size_fr(size)} se décompresserait en {_size_fr(expanded)} : c'est anormal "
                f"pour un document (archive piégée ?). {advice}")
    return None


def detect(path: Path) -> FileType | None:
    """The accepted type this file's bytes are, or None (HTML, executables, anything else)."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    guess = filetype.guess(head)
    if guess is not None and guess.mime in (PDF, JPEG, PNG):
        return ACCEPTED[guess.mime]
    if head.startswith(b"PK\x03\x04"):
        return _office_type(path)
    return None


def described(path: Path) -> str:
    """A short French description of what was found, for the refusal message."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    guess = filetype.guess(head)
    if guess is not None and guess.extension in ("exe", "elf", "dll", "dmg", "deb", "rpm", "msi"):
        return "un programme exécutable"
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<script", b"<?xml", b"<svg")) or b"<html" in stripped[:1024]:
        return "une page web (HTML ou SVG)"
    if guess is not None:
        return f"un fichier {guess.extension.upper()}"
    return "un type de fichier non reconnu"
