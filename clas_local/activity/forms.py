"""The « Bilan d'activité » form: the counts (empty = not entered yet) and the qualitative bilan."""

from __future__ import annotations

from wtforms import IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, StopValidation

from clas_local.activity.models import COUNT_FIELDS, QUALITATIVE_FIELDS
from clas_local.activity.rules import MAXIMA, range_message
from clas_local.forms import Form

TEXT_MAX = 5000
NOT_A_NUMBER = "Indiquez un nombre entier en chiffres (par exemple 12), ou laissez vide s'il n'est pas encore connu."

# What each count means, shown under its label.
COUNT_HINTS = {
    "children_elementaire": "Enfants de l'école élémentaire (du CP au CM2) inscrits dans l'année.",
    "children_college": "Collégiens inscrits dans l'année.",
    "children_lycee": "Lycéens inscrits dans l'année.",
    "collectifs_count": "Référentiel : un collectif réunit de 8 à 12 enfants (milieu rural : 5 au moins).",
    "sessions_held": "Toutes les séances tenues dans l'année, tous collectifs confondus. "
    "Référentiel : 2 séances par semaine et par collectif.",
    "weeks_run": "Les semaines où l'action a réellement fonctionné. Référentiel : 27 semaines.",
    "paid_intervenants": "Référentiel : 2 intervenants, professionnels et/ou bénévoles, par collectif.",
    "volunteer_intervenants": "Bénévoles ayant encadré des séances dans l'année.",
    "parent_actions": "Temps d'échange, ateliers, rencontres organisés avec les parents.",
}

QUALITATIVE_HINTS = {
    "bilan_children": "Ce que les enfants et les jeunes ont gagné : confiance, méthodes, ouverture culturelle… "
    "Sans nommer aucun enfant.",
    "bilan_parents": "Comment les parents ont été accueillis, informés, associés.",
    "bilan_schools": "La concertation avec les équipes éducatives : orientation, suivi, bilan.",
    "bilan_partners": "Les partenaires du territoire avec qui le projet a travaillé.",
    "bilan_difficulties": "Ce qui a manqué ou freiné l'action.",
    "bilan_outlook": "Ce que le porteur envisage pour l'année suivante.",
}


class CountField(IntegerField):
    """An integer count, or nothing (None: not entered yet). French message for anything else;
    spaces between thousands (« 1 200 ») are accepted."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        for space in (" ", "\u00a0", "\u202f"):
            raw = raw.replace(space, "")
        if raw == "":
            self.data = None
            return
        if not raw.lstrip("-").isdigit() or raw.count("-") > 1:
            self.data = None
            raise ValueError(NOT_A_NUMBER)
        self.data = int(raw)

    def pre_validate(self, form):
        if self.process_errors:  # not a number: its own message only, not the range's too
            raise StopValidation()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ActivityForm(Form):
    pass


for _name, _label in COUNT_FIELDS.items():
    setattr(ActivityForm, _name, CountField(
        _label,
        description=COUNT_HINTS[_name],
        validators=[Optional(), NumberRange(min=0, max=MAXIMA[_name], message=range_message(_name))],
        render_kw={"min": 0, "max": MAXIMA[_name], "inputmode": "numeric"},
    ))  # fmt: skip

for _name, _label in QUALITATIVE_FIELDS.items():
    setattr(ActivityForm, _name, TextAreaField(
        _label,
        description=QUALITATIVE_HINTS[_name],
        filters=[_strip],
        validators=[Optional(), Length(max=TEXT_MAX, message=f"{TEXT_MAX} caractères au plus.")],
        render_kw={"rows": 4},
    ))  # fmt: skip


def count_values(form: ActivityForm) -> dict[str, int | None]:
    return {name: form[name].data for name in COUNT_FIELDS}


def text_values(form: ActivityForm) -> dict[str, str]:
    return {name: form[name].data or "" for name in QUALITATIVE_FIELDS}
