"""Sections that several domains add to one page (the meeting page, the project page).

A page declares a slot; each domain that has something to show there provides, in
`clas_local/<domain>/panels.py`, a function `<slot>_panel(obj, user) -> dict | None`
(the template's context, or None to show nothing) and a template
`<domain>/_<slot>_panel.html`. The page renders them in the order below, so no domain
edits another's view or template.

    {% for panel in panels %}{% include panel.template %}{% endfor %}   (the context is `panel.context`)
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

SLOTS: dict[str, tuple[str, ...]] = {
    "meeting": ("invitations", "attendance", "evidence"),
    "project": ("meetings", "compliance", "activity", "department", "evidence"),
}


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


def panels(slot: str, obj, user) -> list[Panel]:
    found = []
    for domain in SLOTS[slot]:
        provider = getattr(importlib.import_module(f"clas_local.{domain}.panels"), f"{slot}_panel")
        context = provider(obj, user)
        if context is not None:
            found.append(Panel(f"{domain}/_{slot}_panel.html", context))
    return found
