"""Numbers read from URLs and query strings: within what the database can hold, or not at all.

A hostile or mistyped number (`?page=9223372036854775807`, `?page=-3`, `?page=deux`,
`/meetings/99999999999999999999`) must never reach a query: SQLite refuses integers
beyond 64 bits and PostgreSQL's `integer` columns beyond 2**31 - 1, which would turn a
typo into a 500. Page numbers outside 1..MAX_PAGE give the first page; ids outside
1..MAX_ID are treated as absent (a filter is dropped, a path answers 404).
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from clas_local.extensions import db

MAX_ID = 2**31 - 1  # PostgreSQL `integer`, the type of every id column
MAX_PAGE = 100_000
_DIGITS = re.compile(r"[0-9]{1,10}")


def _whole_number(raw: str | None, highest: int) -> int | None:
    if raw is None or not _DIGITS.fullmatch(raw):  # ASCII digits only: "²".isdigit() is true
        return None
    value = int(raw)
    return value if 1 <= value <= highest else None


def parse_id(raw: str | None) -> int | None:
    """An object id written as text (query string, form value), or None when it cannot be one."""
    return _whole_number(raw.strip() if isinstance(raw, str) else None, MAX_ID)


def page_number(name: str = "page") -> int:
    """The page asked for in the query string; anything but a page number is the first page."""
    return _whole_number(request.args.get(name), MAX_PAGE) or 1


def id_arg(name: str) -> int | None:
    """An object id from the query string, or None when absent or not a possible id."""
    return parse_id(request.args.get(name))


def paginate(query, per_page: int):
    """One page of `query` for the page the query string asks for (never an error)."""
    return db.paginate(query, page=page_number(), per_page=per_page, max_per_page=per_page, error_out=False)


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` in routes, limited to the ids the database can hold: larger numbers answer 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (Werkzeug's names)
        super().__init__(url_map, fixed_digits, min, MAX_ID if max is None else max, signed)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
