"""The upload form. The file's type is checked on its content by the service, not here."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms.validators import DataRequired

from clas_local.evidence.filetypes import ACCEPT_ATTRIBUTE, ACCEPTED_LABEL
from clas_local.evidence.models import EvidenceKind
from clas_local.forms import Form, SelectField, enum_choices


class UploadForm(Form):
    # CSRFProtect checks every POST (form field or HTMX header); see attendance.forms.AppForm.
    class Meta(Form.Meta):
        csrf = False

    kind = SelectField("Type de pièce", choices=enum_choices(EvidenceKind), validators=[DataRequired("Choisissez le type de pièce.")])
    file = FileField(
        "Fichier",
        validators=[FileRequired("Choisissez un fichier.")],
        render_kw={"accept": ACCEPT_ATTRIBUTE},
    )

    def __init__(self, *args, max_mb: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.description = (
            f"{ACCEPTED_LABEL}, {max_mb} Mo au plus. Aucune donnée personnelle d'enfant "
            "(pas de liste nominative d'élèves)."
        )
