"""The project page leads with what matters: the key-moment timeline and the checklist, then the
project's links with their add-forms folded (tests/projects stubs the panels out: this lives here)."""

from __future__ import annotations


def test_the_project_page_leads_with_the_timeline_and_the_checklist(client, login_as, make_project):
    project = make_project()
    login_as("host")
    html = client.get(f"/c/rennes/projects/{project.id}").get_data(as_text=True)
    timeline, checklist = html.index('id="temps-forts"'), html.index('id="conformite"')
    schools, collectifs = html.index('id="ecoles"'), html.index('id="collectifs"')
    assert timeline < schools and checklist < schools
    # The add-forms are folded: a closed <details>, loaded when opened, until an error opens it.
    start = html.index('<details class="add-form" id="ajouter-collectif"', collectifs)
    tag = html[start:html.index(">", start) + 1]
    assert " open" not in tag and 'hx-trigger="toggle once"' in tag
    assert "<summary><h3>Ajouter un collectif</h3></summary>" in html[start:]
