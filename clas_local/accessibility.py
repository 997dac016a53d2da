"""The result of the RGAA audit, as the accessibility statement and every page's footer say it.

The audit itself is docs/accessibilite/audit-rgaa.md (106 criteria, each with its status and
how it was verified); tests/accessibility/test_audit.py recounts its statuses and fails when
these figures, or the rate and status computed from them, no longer match it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RGAA_VERSION = "4.1.2"


@dataclass(frozen=True)
class AuditResult:
    audited_on: date
    conformes: int
    non_conformes: int
    non_applicables: int
    # The criteria left « non conforme », by number (« 13.3 »): the statement lists them.
    failing: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        """The RGAA's rate: conformes / (conformes + non conformes); non applicables left out."""
        applicable = self.conformes + self.non_conformes
        return 100 * self.conformes / applicable if applicable else 0.0

    @property
    def rate_fr(self) -> str:
        """« 100 % », « 93,5 % »: one decimal when needed, a narrow no-break space before %."""
        text = f"{self.rate:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"{text}\u202f%"

    @property
    def status(self) -> str:
        """The statement's words, by the RGAA's thresholds: all met, half at least, less."""
        if self.non_conformes == 0 and self.conformes:
            return "totalement conforme"
        if self.rate >= 50:
            return "partiellement conforme"
        return "non conforme"


AUDIT = AuditResult(audited_on=date(2026, 11, 29), conformes=71, non_conformes=0, non_applicables=35)
