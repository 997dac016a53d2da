"""Domain events, so that one domain reacts to another's change without the two importing each other.

meeting_changed: sent by meetings.services after a meeting is created, edited or cancelled,
*before* the view commits (receivers add their own rows to the same transaction).
    sender: the Meeting; kwargs: created (bool), material (bool: SEQUENCE rose), cancelled (bool)
"""

from blinker import Namespace

_signals = Namespace()

meeting_changed = _signals.signal("meeting-changed")

# invitees_removed: sent by meetings.services just before an organisation's invitation rows are
# deleted (it is no longer invited), in the same transaction.
#     sender: the Meeting; kwargs: invitations (the rows about to go, the organisation's and its people's)
invitees_removed = _signals.signal("invitees-removed")
