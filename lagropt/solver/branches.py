"""The data of the elimination: a branch of the system, the operations recorded on it, and
what a strategy returns (:mod:`.system` walks the branches; :mod:`.rewrites` and the strategies
of :mod:`.system` build them)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Op", "Branch", "Step", "tidy"]


@dataclass(frozen=True)
class Op:
    """One recorded operation: ``kind`` in isolate | split | polynomial | expsub | sympy | given |
    ratio (two stationarity equations divided: :mod:`.rewrites`)."""

    kind: str
    equation: sp.Expr | None = None
    unknown: sp.Symbol | None = None
    value: sp.Expr | None = None
    note: str = ""
    form: sp.Expr | None = None     # the rewriting of ``equation`` the unknown was isolated from
    owner: object = None            # the equation's tag (its own variable, or a constraint label)
    stage: object = None            # an intermediate line: e^{-(1 + lambda)} = 1/I
    factor: sp.Expr | None = None   # for a split: the factor set to zero in this case
    pair: tuple = ()                # for a ratio: the variables whose equations were divided


@dataclass
class Branch:
    """A state of the elimination: what is assigned, what equations and unknowns remain."""

    equations: list
    unknowns: list
    owners: list = field(default_factory=list)     # parallel to equations: variable or None
    assigned: list = field(default_factory=list)   # [(unknown, value)] in elimination order
    conditions: list = field(default_factory=list)
    ops: list = field(default_factory=list)
    status: str = "open"      # open | solved | family | residual | infeasible
    note: str = ""
    display: dict = field(default_factory=dict)   # simplest exact forms of assigned values
    image_of: tuple = ()      # (active set, {variable: image}, classes) for a case mapped by symmetry

    def values(self) -> dict:
        """Back-substituted values of every assigned unknown."""
        sol: dict = {}
        for u, v in reversed(self.assigned):
            sol[u] = v.xreplace(sol) if sol else v
        return sol


@dataclass
class Step:
    """What an elimination strategy did with a branch: ``reopened`` branches go back to the
    work list (in this order), ``finished`` ones are final."""

    reopened: list = field(default_factory=list)
    finished: list = field(default_factory=list)


def tidy(expr):
    """Light clean-up after a substitution (no simplify on the hot path): log(e/Z) -> 1 - log Z."""
    if expr.is_number:
        return sp.nsimplify(expr) if expr.is_Float else expr
    if expr.has(sp.log):
        expr = sp.expand_log(expr, force=False)
    return expr
