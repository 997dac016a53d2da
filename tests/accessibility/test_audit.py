"""The RGAA audit grid (docs/accessibilite/audit-rgaa.md) is complete, and the statement says what it says.

The grid holds the 106 criteria of RGAA 4.1.2, in order, each with a status and a
verification; a verification that names a test names one that exists. The rate is recounted
the RGAA's way (conformes / (conformes + non conformes), non applicables left out) and must
be the one of /accessibilite and of every page's footer.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path

from clas_local.accessibility import AUDIT, AuditResult
from tests.conftest import page_text

ROOT = Path(__file__).resolve().parents[2]
GRID = ROOT / "docs" / "accessibilite" / "audit-rgaa.md"
# RGAA 4.1.2: the number of criteria of each of its 13 themes (106 in all).
CRITERIA_PER_THEME = {1: 9, 2: 2, 3: 3, 4: 13, 5: 8, 6: 2, 7: 5, 8: 10, 9: 4, 10: 14, 11: 13, 12: 11, 13: 12}
STATUSES = ("conforme", "non conforme", "non applicable")
ROW = re.compile(r"^\| (\d+\.\d+) \| (.+?) \| (.+?) \| (conforme|non conforme|non applicable|[^|]*?) \| (.*) \|$")
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::([\w.]+))?`")


@cache
def grid() -> list[dict]:
    rows = []
    for line in GRID.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and match.group(1) != "Critère":
            number, title, pages, status, verification = match.groups()
            rows.append({"number": number, "title": title, "pages": pages, "status": status,
                         "verification": verification})
    return rows


def sample_codes() -> set[str]:
    return set(re.findall(r"^\| (E\d\d) \|", GRID.read_text(encoding="utf-8"), re.M))


def recount() -> AuditResult:
    counts = Counter(row["status"] for row in grid())
    failing = tuple(row["number"] for row in grid() if row["status"] == "non conforme")
    return AuditResult(AUDIT.audited_on, counts["conforme"], counts["non conforme"], counts["non applicable"], failing)


def test_the_grid_has_the_106_criteria_of_rgaa_4_1_2_in_order():
    expected = [f"{theme}.{n}" for theme, count in CRITERIA_PER_THEME.items() for n in range(1, count + 1)]
    assert len(expected) == 106
    assert [row["number"] for row in grid()] == expected


def test_each_criterion_has_its_french_title_pages_status_and_verification():
    codes = sample_codes()
    assert len(codes) >= 20, codes
    for row in grid():
        where = f"criterion {row['number']}"
        assert row["status"] in STATUSES, f"{where}: status {row['status']!r}"
        assert row["title"].endswith("?"), f"{where}: the RGAA's title is a question: {row['title']!r}"
        assert len(row["verification"]) > 30, f"{where}: say how it was verified"
        pages = row["pages"]
        if pages != "toutes":
            unknown = set(re.split(r",\s*", pages)) - codes
            assert not unknown, f"{where}: pages {unknown} are not in the sample"
    # A few titles word for word, as the RGAA writes them.
    titles = {row["number"]: row["title"] for row in grid()}
    assert titles["1.1"] == "Chaque image porteuse d’information a-t-elle une alternative textuelle ?"
    assert titles["12.7"].startswith("Dans chaque page web, un lien d’évitement ou d’accès rapide")
    assert "320\u202fpx" in titles["10.11"] and "256\u202fpx" in titles["10.11"]  # 4.1.2's wording


@cache
def names_in(path: str) -> set[str]:
    """Test functions, classes and Class.method names defined in a test file."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}.{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)}
    return names


def test_every_test_named_as_a_verification_exists():
    missing = []
    referenced = 0
    for row in grid():
        for path, name in TEST_REFERENCE.findall(row["verification"]):
            referenced += 1
            if not (ROOT / path).is_file():
                missing.append(f"{row['number']}: no file {path}")
            elif name and name not in names_in(path):
                missing.append(f"{row['number']}: no {name} in {path}")
    assert referenced >= 60, referenced
    assert not missing, "\n".join(missing)


def test_a_conforme_criterion_is_verified_by_a_test_or_a_described_procedure():
    for row in grid():
        if row["status"] == "conforme":
            verification = row["verification"]
            assert TEST_REFERENCE.search(verification) or "manuelle" in verification or "relu" in verification, row


def test_the_rate_is_recounted_from_the_grid_the_rgaa_way():
    counted = recount()
    assert (counted.conformes, counted.non_conformes, counted.non_applicables) == (
        AUDIT.conformes, AUDIT.non_conformes, AUDIT.non_applicables
    ), "clas_local/accessibility.py's AUDIT no longer matches the grid"
    assert counted.failing == AUDIT.failing
    assert counted.conformes + counted.non_conformes + counted.non_applicables == 106
    # The grid's own summary table says the same.
    text = GRID.read_text(encoding="utf-8")
    rate = counted.rate_fr.replace("\u202f", " ")
    assert f"| {counted.conformes} | {counted.non_conformes} | {counted.non_applicables} | {rate} |" in text


def test_the_rate_and_status_follow_the_rgaa_rule():
    assert AuditResult(AUDIT.audited_on, 50, 0, 56).status == "totalement conforme"
    partly = AuditResult(AUDIT.audited_on, 45, 5, 56, ("13.3",))
    assert partly.rate == 90 and partly.rate_fr == "90\u202f%" and partly.status == "partiellement conforme"
    assert AuditResult(AUDIT.audited_on, 62, 5, 39).rate_fr == "92,5\u202f%"
    assert AuditResult(AUDIT.audited_on, 20, 30, 56).status == "non conforme"


def test_the_statement_gives_the_rate_counts_and_failing_criteria_of_the_audit(client):
    counted = recount()
    text = page_text(client.get("/accessibilite"))
    assert f"<strong>{counted.rate_fr} des critères du RGAA version 4.1.2 sont respectés</strong>" in text
    assert f"Clas Local est <strong>{counted.status}</strong>" in text
    assert f"<li>Critères conformes : {counted.conformes}</li>" in text
    assert f"<li>Critères non conformes : {counted.non_conformes}</li>" in text
    assert f"<li>Critères non applicables : {counted.non_applicables} " in text
    assert "docs/accessibilite/audit-rgaa.md" in text
    for criterion in counted.failing:
        assert f"<li>Critère {criterion}" in text
    if not counted.failing:
        assert "Aucune : chacun des" in text
    footer = page_text(client.get("/login"))
    assert f'<a href="/accessibilite">Accessibilité : {counted.status}</a>' in footer
