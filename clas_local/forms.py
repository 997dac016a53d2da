"""The base of every form: Flask-WTF's CSRF, with WTForms' own messages in French."""

from __future__ import annotations

from collections.abc import Iterable

import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectChoice, widgets


class Form(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")


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


class SelectField(wtforms.SelectField):
    widget = Select()


class SelectMultipleField(wtforms.SelectMultipleField):
    widget = Select(multiple=True)
