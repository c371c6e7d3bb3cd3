"""Why a case of the KKT analysis yields no candidate point: the reason, as data.

Every solved branch of an active set (a *case*) ends with a verdict: kept (its point is
admissible) or rejected for one reason. The candidate stage (:mod:`.candidates`) records the
first requirement that fails as a :class:`Rejection`; the derivation (:mod:`.steps`) turns it
into the lecture's sentence ("x = 3 violates x <= 2", "mu_2 = -1 < 0: not a maximum").

The reasons, with the requirement each one names:

* ``"infeasible"``: an inactive inequality fails at the point (``index``: which one), or a
  variable's sign assumption does (``symbol``, ``value``, ``relation``);
* ``"wrong_sign"``: an active inequality's multiplier is negative (``symbol`` = mu_j,
  ``value``); in the lecture's convention (h_j <= 0 when maximizing, h_j >= 0 when minimizing,
  L = f - sum mu_j h_j) a KKT point needs every mu_j >= 0;
* ``"no_solution"``: the case's equations have no (real, defined) solution (``note`` says
  which), or a condition of the elimination fails (``relation``);
* ``"contradictory"``: the requirements left in the parameters (or a free symbol) cannot hold
  together (``requirements``);
* ``"duplicate"``: the point is the one of another case (``twin``, the point kept there).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

__all__ = ["Rejection"]


@dataclass(frozen=True)
class Rejection:
    """The reason a case gives no candidate (see the module docstring for each field's use)."""

    reason: str
    index: int | None = None          # the violated inequality (from 0), for "infeasible"
    symbol: sp.Basic | None = None    # the variable or multiplier concerned
    value: sp.Basic | None = None     # its value at the point
    relation: sp.Basic | None = None  # the requirement that fails, at the point
    requirements: tuple = ()          # for "contradictory": the requirements left
    note: str = ""                    # words of the elimination ("no real solution")
    point: dict | None = None         # the point the requirement was checked at
    twin: object = None               # for "duplicate": the point kept in another case

    def mapped(self, perm) -> "Rejection":
        """The same reason for the image of the case under a symmetry ``perm``
        (:class:`~lagropt.solver.symmetry.Permutation`)."""
        r = perm.rename

        def moved(e):
            return e.xreplace(r) if isinstance(e, sp.Basic) else e
        return replace(self, index=None if self.index is None else perm.inequality[self.index],
                       symbol=moved(self.symbol), value=moved(self.value),
                       relation=moved(self.relation),
                       requirements=tuple(moved(c) for c in self.requirements),
                       point=None if self.point is None else {
                           r.get(v, v): moved(x) for v, x in self.point.items()})


@dataclass(frozen=True)
class Case:
    """One case of the KKT analysis: a solved branch of the active set ``active`` (indices from
    0), with its admissible ``points`` or the ``rejection`` saying why it has none (a residual
    branch, which no exact method solved, has neither)."""

    active: tuple
    branch: object
    points: tuple = ()
    rejection: Rejection | None = None
