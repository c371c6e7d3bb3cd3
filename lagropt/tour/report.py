"""The tour's verification report: each quantity exactly, by descent and by scipy.optimize."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

__all__ = ["Row", "section_line", "text_table", "markdown_table", "to_json"]


@dataclass
class Row:
    """One checked quantity: its value exactly (or by a closed form), by gradient descent and
    by scipy.optimize; ``error`` is the largest disagreement between those present, relative to
    max(1, |reference|), the reference being the exact value (else scipy's)."""

    section: str
    example: str
    quantity: str
    exact: float | None = None
    descent: float | None = None
    scipy: float | None = None
    tol: float = 1e-6
    note: str = ""

    @property
    def error(self) -> float:
        values = [v for v in (self.exact, self.descent, self.scipy) if v is not None]
        if len(values) < 2:
            return math.nan
        if not all(math.isfinite(v) for v in values):
            return math.inf
        ref = self.exact if self.exact is not None else self.scipy
        return max(abs(a - b) for a in values for b in values) / max(1.0, abs(ref))

    @property
    def ok(self) -> bool:
        return self.error <= self.tol

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(error=self.error, ok=self.ok)
        return out


def _cell(v, digits=10) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


_COLUMNS = [("section", "section"), ("example", "example"), ("quantity", "quantity"),
            ("exact", "exact"), ("descent", "descent"), ("scipy", "scipy"),
            ("error", "max error"), ("tol", "tol"), ("ok", "ok")]


def _cells(rows):
    out = []
    for r in rows:
        d = r.as_dict()
        out.append([f"{d[k]:.1e}" if k in ("error", "tol") else _cell(d[k]) for k, _ in _COLUMNS])
    return out


def section_line(section: str, rows, seconds: float) -> str:
    """One section's outcome, as printed when it ends: "maxent: 12 of 12 checks agree (4.1 s)"
    (``rows``: the section's), the disagreeing quantities named."""
    mine = list(rows)
    bad = [f"{r.example} {r.quantity}" for r in mine if not r.ok]
    line = f"{section}: {len(mine) - len(bad)} of {len(mine)} checks agree ({seconds:.1f} s)"
    return line + (f"; disagree: {', '.join(bad)}" if bad else "")


def text_table(rows) -> str:
    head = [h for _, h in _COLUMNS]
    body = _cells(rows)
    widths = [max(len(c) for c in col) for col in zip(head, *body)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(head, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in body]
    return "\n".join(lines)


def markdown_table(rows) -> str:
    head = [h for _, h in _COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in _cells(rows)]
    return "\n".join(lines)


def to_json(rows) -> str:
    def clean(d):
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in d.items()}
    return json.dumps([clean(r.as_dict()) for r in rows], indent=2)
