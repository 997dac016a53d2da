"""The optional antivirus: ANTIVIRUS_COMMAND (e.g. `clamdscan --no-summary`) with the file path appended.

Exit status 0 means clean; anything else (infected, or the scanner failing) refuses the
file: when an antivirus is configured, a file it could not vouch for is not kept.
"""

from __future__ import annotations

import shlex
import subprocess  # nosec B404 - runs the configured scanner without a shell
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    detail: str = ""
    scanner_failed: bool = False


def configured() -> bool:
    return bool((current_app.config.get("ANTIVIRUS_COMMAND") or "").strip())


def scan(path: Path) -> ScanResult | None:
    """None when no antivirus is configured."""
    command = (current_app.config.get("ANTIVIRUS_COMMAND") or "").strip()
    if not command:
        return None
    arguments = [*shlex.split(command), str(path)]
    try:
        completed = subprocess.run(  # nosec B603 - fixed command from the configuration, no shell
            arguments, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ScanResult(False, f"antivirus indisponible : {type(exc).__name__}", scanner_failed=True)
    output = (completed.stdout or b"").decode("utf-8", "replace") + (completed.stderr or b"").decode("utf-8", "replace")
    output = output.replace(str(path), "<fichier>").strip()[:300]
    if completed.returncode == 0:
        return ScanResult(True, output)
    # clamdscan: 1 = virus found, 2 = error. Both refuse the file; only 1 is an infection.
    return ScanResult(False, output or f"code de sortie {completed.returncode}", scanner_failed=completed.returncode >= 2)
