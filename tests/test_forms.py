"""The shared select widget writes the same markup as WTForms', only faster."""

from __future__ import annotations

import wtforms
from werkzeug.datastructures import MultiDict

from clas_local.forms import Form, SelectField, SelectMultipleField, choices

OPTIONS = [(1, "École Jean Moulin"), ("<b>", "Collège « Les Champs » & co"), ("", ""), (3, "Lycée")]


class Ours(Form):
    one = SelectField("Un", choices=choices(OPTIONS))
    many = SelectMultipleField("Plusieurs", choices=choices(OPTIONS))


class Theirs(Form):
    one = wtforms.SelectField("Un", choices=choices(OPTIONS))
    many = wtforms.SelectMultipleField("Plusieurs", choices=choices(OPTIONS))


def test_select_markup_is_wtforms_own_with_selection_and_escaping(app):
    data = MultiDict([("one", "<b>"), ("many", "1"), ("many", "3")])
    with app.test_request_context(method="POST"):
        ours, theirs = Ours(formdata=data, meta={"csrf": False}), Theirs(formdata=data, meta={"csrf": False})
        for name in ("one", "many"):
            assert str(ours[name]()) == str(theirs[name]())
            assert str(ours[name](class_="wide")) == str(theirs[name](class_="wide"))
        one = str(ours.one())
    assert '<option selected value="&lt;b&gt;">Collège « Les Champs » &amp; co</option>' in one
    assert "<b>" not in one
