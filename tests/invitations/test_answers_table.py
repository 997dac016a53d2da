"""The invitations table is complex (RGAA 5.1, 5.7): a summary says how it reads, and each
person's cells name their organisation, as a screen reader announces them."""

from __future__ import annotations

import re

from clas_local.extensions import db
from clas_local.invitations.models import Answer
from tests.conftest import page_text
from tests.invitations.test_panel import base


def test_invitations_table_is_summarised_and_ties_people_to_their_organisation(client, login_as, invited,
                                                                                make_invitation):
    login_as("porteur", partner=invited.porteur)
    make_invitation(invited.meeting, invited.school, invited.director, answer=Answer.ACCEPTED)
    db.session.commit()
    text = page_text(client.get(base(invited)))
    table = re.search(r'<table class="invitation-table"[^>]*>.*?</table>', text, re.S).group(0)
    assert 'aria-describedby="invitation-table-summary"' in table
    summary = re.search(r'<p class="hint" id="invitation-table-summary">([^<]+)</p>', text).group(1)
    assert "les personnes invitées de cette organisation suivent" in summary
    school_header = f'id="inv-org-{invited.school.id}"'
    assert f'<th scope="row" {school_header} headers="inv-col-invite">{invited.school.name}</th>' in table
    # The director's answer cell: column « Réponse », her school, herself.
    person = re.search(r'<th scope="row" class="invitation-person-name" id="(inv-person-\d+)" '
                       rf'headers="inv-col-invite inv-org-{invited.school.id}">\s*Isabelle Caradec', table)
    assert person, table
    answer_cell = re.search(
        rf'<td headers="inv-col-answer inv-org-{invited.school.id} {person.group(1)}">(.*?)</td>', table, re.S
    )
    assert answer_cell and "Présent·e" in answer_cell.group(1)
    # Every headers attribute points at headers of this table.
    ids = set(re.findall(r'<th [^>]*id="([^"]+)"', table))
    for listed in re.findall(r'headers="([^"]+)"', table):
        assert set(listed.split()) <= ids, listed
