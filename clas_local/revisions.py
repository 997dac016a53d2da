"""What a page computed from a committee's data, kept while the committee's revision holds.

`CommitteeRevision` counts every write of the committee's data (database triggers), so a value
kept under (committee, revision, and whatever else it depends on: the day, the school year) is
true until the next write. Each application (each worker) keeps its own, most recently used
first, bounded: nothing to share between workers and nothing to invalidate.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from clas_local.committees.models import CommitteeRevision
from clas_local.extensions import db
from clas_local.lru import LRU

KEPT_VALUES = 4096  # a few kilobytes each: a worker keeps every committee of a national instance


def committee_revisions(committee_ids: list[int]) -> dict[int, int]:
    """Each committee's revision, in one query (0 for a committee not written since the count began).
    Read it before the data it stands for: what is read after it is as new or newer, never older."""
    found = dict(
        db.session.execute(
            select(CommitteeRevision.committee_id, CommitteeRevision.revision).where(
                CommitteeRevision.committee_id.in_(committee_ids)
            )
        ).all()
    )
    return {committee_id: found.get(committee_id, 0) for committee_id in committee_ids}


def revision_of(committee_id):
    """The revision of the committee `committee_id` (a column or a value) as an expression, to
    read in the same query as the data it stands for (`with_expression`): 0 when not yet counted."""
    revision = select(CommitteeRevision.revision).where(CommitteeRevision.committee_id == committee_id)
    return func.coalesce(revision.scalar_subquery(), 0)


def kept(name: str, size: int = KEPT_VALUES) -> LRU:
    """The application's values kept under `name` (one map per page or summary, of `size` values at most)."""
    return current_app.extensions.setdefault(f"kept:{name}", LRU(size))
