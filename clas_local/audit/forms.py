from __future__ import annotations

from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from clas_local.audit.queries import FAMILIES
from clas_local.forms import Form, SelectField, choices


class AuditFilterForm(Form):
    """Filters of the journal: a GET form (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    family = SelectField("Type d'action", choices=choices([("", "Toutes"), *FAMILIES.items()]), validators=[Optional()])
    actor = StringField("Auteur (adresse e-mail)", validators=[Optional(), Length(max=254)])
    start = DateField("Du", validators=[Optional()], format="%Y-%m-%d")
    end = DateField("Au", validators=[Optional()], format="%Y-%m-%d")

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("La date de fin doit suivre la date de début.")
