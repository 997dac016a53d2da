"""CSV downloads a French spreadsheet opens as they are: « ; » separators, UTF-8 with BOM, CRLF,
and no cell it would run as a formula (as the directory's export, partners/routes.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([value if isinstance(value, int) else cell(value) for value in row])
    return Response(
        buffer.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"},
    )  # fmt: skip
