"""The base of every form: Flask-WTF's CSRF, with WTForms' own messages in French."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice


class Form(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def enum_choices(enum_cls) -> list[SelectChoice]:
    """The options of a LabelledEnum: stored value, French label."""
    return choices((member.value, member.label) for member in enum_cls)
