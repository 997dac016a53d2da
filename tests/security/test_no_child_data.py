"""RGPD: nothing in the app invites personal data about children. Collectifs hold counts only."""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata

import pytest
from sqlalchemy import Integer
from wtforms.fields.core import UnboundField

import clas_local
from clas_local.extensions import db
from clas_local.forms import Form


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", text)


CHILD_WORDS = re.compile(r"\b(enfants?|eleves?|mineurs?|jeunes?|beneficiaires?|child(ren)?|pupils?|kids?|students?)\b")
IDENTIFYING = re.compile(
    r"\b(noms?|prenoms?|names?|naissance|birth|ne le|nee le|age|adresse|address|telephone|phone|e-?mail|"
    r"photo|sante|health|handicap|classe|niveau scolaire|notes? scolaires?|responsable legal|parents?)\b"
)
COUNTING = re.compile(r"\b(nombre|effectifs?|count|combien|nb)\b")
COLUMN_WORDS = re.compile(r"(child|enfant|eleve|pupil|student|kid|minor|mineur|birth|naissance|beneficiar)")


def child_data_problem(text: str) -> str | None:
    """Why a label, hint or column name invites children's personal data, or None."""
    # Sentences that warn against it (« jamais le prénom d'un enfant ») are not requests.
    sentences = re.split(r"[.;:!?()]", _plain(text))
    plain = " . ".join(s for s in sentences if not re.search(r"\b(jamais|aucune?|pas de|ni)\b", s))
    if "date de naissance" in plain or "birth" in plain:
        return "asks for a birth date"
    if CHILD_WORDS.search(plain) and IDENTIFYING.search(plain) and not COUNTING.search(plain):
        return "asks for something identifying about a child"
    return None


def column_problem(name: str) -> str | None:
    if COLUMN_WORDS.search(name) and not name.endswith(("_count", "_counts")):
        return "a column about children that is not a count"
    return None


def all_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(clas_local.__path__, "clas_local."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, stack = [], list(Form.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def form_texts(cls) -> list[tuple[str, str]]:
    texts = []
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField):
                label = value.args[0] if value.args else value.kwargs.get("label", "")
                texts.append((name, str(label or "")))
                texts.append((name, str(value.kwargs.get("description", "") or "")))
                for choice in value.kwargs.get("choices", None) or []:
                    texts.append((name, str(getattr(choice, "label", choice))))
    return texts


def test_the_checks_recognise_what_they_must_refuse():
    assert child_data_problem("Nom et prénom de l'enfant")
    assert child_data_problem("Date de naissance")
    assert child_data_problem("Élèves inscrits (noms)")
    assert child_data_problem("Adresse des parents de l'enfant")
    assert child_data_problem("Nombre d'enfants") is None
    assert child_data_problem("Nom et prénom") is None  # an adult contact
    assert child_data_problem("Un adulte : jamais le nom d'un enfant.") is None
    assert child_data_problem("Nom de l'enfant (jamais son adresse)")
    assert column_problem("child_name") and column_problem("birth_date") and column_problem("eleves")
    assert column_problem("children_count") is None


def test_the_scan_sees_every_form_of_the_app():
    names = {cls.__name__ for cls in all_form_classes()}
    assert {"LoginForm", "NewPasswordForm", "MemberForm"} <= names
    assert len(names) >= 10, names


@pytest.mark.parametrize("form_class", all_form_classes(), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_no_form_invites_childrens_personal_data(form_class):
    problems = [f"{field}: « {text} » {child_data_problem(text)}" for field, text in form_texts(form_class)
                if child_data_problem(text) or child_data_problem(field.replace("_", " "))]
    assert not problems, problems


# Columns about children that are counts without the « _count » suffix (the activity figures,
# named after the CAF questionnaire), and the qualitative bilan's heading on the children's
# progress, free text whose hint says « Sans nommer aucun enfant ».
COUNT_COLUMNS = {("activity_figures", name) for name in ("children_elementaire", "children_college", "children_lycee")}
NARRATIVE_COLUMNS = {("activity_figures", "bilan_children")}


def test_no_table_has_a_column_for_childrens_personal_data():
    problems = [f"{table.name}.{column.name}: {column_problem(column.name)}"
                for table in db.metadata.sorted_tables for column in table.columns
                if column_problem(column.name) and (table.name, column.name) not in COUNT_COLUMNS | NARRATIVE_COLUMNS]
    assert not problems, problems
    for table, name in COUNT_COLUMNS:
        assert isinstance(db.metadata.tables[table].columns[name].type, Integer), (table, name)
    collectif = db.metadata.tables["collectif"]
    about_children = [c.name for c in collectif.columns if "child" in c.name]
    assert about_children == ["children_count"]


def test_rendered_forms_carry_no_such_label(world_app):
    """The labels people actually see, on every page of the matrix world (host's view)."""
    from tests.security.matrix import MATRIX, OK
    from tests.security.test_permission_matrix import ROUTES, request_as
    from tests.security.world import build_world

    world = build_world()
    problems = []
    for endpoint, method, rule, arguments in ROUTES:
        if method != "GET" or MATRIX[(endpoint, "GET")]["host_a"] != OK or endpoint.endswith(("pdf", "archive")):
            continue
        response = request_as(world_app, world, "host_a", endpoint, "GET", arguments)
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S):
                text = re.sub(r"<[^>]+>", " ", label)
                if child_data_problem(text):
                    problems.append(f"{rule}: « {text.strip()} »")
        response.close()
    assert not problems, problems
