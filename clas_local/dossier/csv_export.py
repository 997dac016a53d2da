"""CSV files a spreadsheet opens safely: « ; » separators, UTF-8 with BOM, no formula injection."""

from __future__ import annotations

import csv
import io

# A cell starting with one of these is run as a formula by spreadsheets (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header: list[str], rows) -> bytes:
    """Numbers are written as they are; every text cell is escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([escape_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([cell if isinstance(cell, int) else escape_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
