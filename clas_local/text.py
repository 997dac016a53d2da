"""Text bound for one line: e-mail headers, calendar SUMMARY, PDF titles.

A line break in a meeting title or a committee name would end an e-mail header early
(`Subject: Suivi` then `Bcc: …`) or make Python's e-mail package refuse the whole
message. Forms refuse line breaks in one-line fields (forms.Form); whatever reaches a
writer anyway (an import, an old row, a script) goes through `one_line`.
"""

from __future__ import annotations

import re

# CR, LF and every other character that ends a line somewhere (VT, FF, NEL, U+2028, U+2029).
LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]")


def one_line(value: str | None) -> str:
    """The text on one line: each run of line breaks and spaces around them becomes one space."""
    if not value:
        return ""
    if not LINE_BREAKS.search(value):
        return value
    return re.sub(r"\s*(?:" + LINE_BREAKS.pattern + r")\s*", " ", value).strip()
