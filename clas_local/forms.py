"""The base of every form: Flask-WTF's CSRF, with WTForms' own messages in French."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectChoice, widgets

from clas_local.text import LINE_BREAKS


LINE_BREAK_MESSAGE = "Ce champ tient sur une seule ligne : retirez le retour à la ligne."
# Inputs shown on one line: their text may end up in an e-mail header, a calendar or a PDF title.
ONE_LINE_INPUTS = frozenset({"text", "email", "search", "tel", "url"})


def _single_line(_form, field) -> None:
    values = field.data if isinstance(field.data, list) else [field.data]
    if any(isinstance(value, str) and LINE_BREAKS.search(value) for value in values):
        raise wtforms.validators.ValidationError(LINE_BREAK_MESSAGE)


class Form(FlaskForm):
    """Every one-line field of every form refuses line breaks (see text.py)."""

    class Meta:
        locales = ("fr_FR", "fr")

    def validate(self, extra_validators=None):
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if getattr(field.widget, "input_type", None) in ONE_LINE_INPUTS:
                extra.setdefault(name, []).append(_single_line)
        return super().validate(extra)


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def enum_choices(enum_cls) -> list[SelectChoice]:
    """The options of a LabelledEnum: stored value, French label."""
    return choices((member.value, member.label) for member in enum_cls)


class Select(widgets.Select):
    """WTForms' select with its plain options written in one f-string each.

    Directory selects hold hundreds of options; WTForms' html_params per option was a
    quarter of the project page's time at department scale. Same markup as WTForms.
    """

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs) -> Markup:
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = choice.label if choice.label is not None and choice.label != "" else choice.value
        return Markup(f'<option {selected}value="{escape(choice.value)}">{escape(label)}</option>')


@dataclass(frozen=True)
class EmptyWay:
    """What a select shows when it has nothing to offer: what is missing, and a link to add it."""

    text: str
    url: str
    link: str


class SelectField(wtforms.SelectField):
    widget = Select()
    # Set by a view (field.empty_way = EmptyWay(…)); the field macro shows it when there is no choice.
    empty_way: EmptyWay | None = None


class SelectMultipleField(wtforms.SelectMultipleField):
    widget = Select(multiple=True)
