"""Evidence files on disk: UPLOAD_FOLDER (outside static/), random names, SHA-256 computed on the way in.

A name on disk is 32 hex characters from secrets.token_hex, never anything the user sent,
so no upload can choose or escape its path. Files arrive as `<name>.part` and are renamed
only once accepted (size, antivirus, type), so a refused file never looks like a stored one.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 64 * 1024
STORAGE_NAME = re.compile(r"^[0-9a-f]{32}$")


class FileTooLarge(Exception):
    """The upload is bigger than MAX_UPLOAD_MB."""


@dataclass
class IncomingFile:
    storage_name: str
    path: Path  # the .part file while it is being checked
    size: int
    sha256: str

    @property
    def final_path(self) -> Path:
        return path_for(self.storage_name)


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def max_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_MB", 10)) * 1024 * 1024


def path_for(storage_name: str) -> Path:
    if not STORAGE_NAME.match(storage_name or ""):
        raise ValueError("not a storage name")
    return upload_folder() / storage_name


def receive(stream: BinaryIO, limit: int | None = None) -> IncomingFile:
    """Copy the upload to a new .part file, hashing it; FileTooLarge (file removed) past the limit."""
    limit = max_bytes() if limit is None else limit
    storage_name = secrets.token_hex(16)
    part = upload_folder() / f"{storage_name}.part"
    digest = hashlib.sha256()
    size = 0
    # O_EXCL: never overwrite anything, even in the (astronomically unlikely) event of a name clash.
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FileTooLarge()
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return IncomingFile(storage_name, part, size, digest.hexdigest())


def keep(incoming: IncomingFile) -> Path:
    """Accept the checked file under its final name."""
    final = incoming.final_path
    os.replace(incoming.path, final)
    incoming.path = final
    return final


def discard(incoming: IncomingFile) -> None:
    incoming.path.unlink(missing_ok=True)


def existing_path(storage_name: str) -> Path | None:
    """The stored file, or None when the name is not a storage name or the file is gone."""
    try:
        path = path_for(storage_name)
    except ValueError:
        return None
    return path if path.is_file() else None


def remove(storage_name: str) -> None:
    """Remove a stored file; a name that is not a storage name has nothing to remove."""
    path = existing_path(storage_name)
    if path is not None:
        path.unlink(missing_ok=True)
