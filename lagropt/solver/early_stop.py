"""Stopping the active-set enumeration early on a convex problem.

For a convex problem (f convex when minimizing, concave when maximizing, on a convex feasible
set: :func:`~lagropt.solver.certificates.curvature_certificate`) every KKT point is a global
optimum. If one of them is moreover a *strict* local optimum (the exact second-order test
decides it), it is the only global optimizer: the set of global optimizers of a convex problem
is convex, so a second one y would put the whole segment [x*, y] at the optimal value, and x*
would not be strict. The other active sets then cannot add an optimizer, nor a better value,
and need not be solved (2^k sets for k inequalities: HS53's ten bounds make 1024, the empty
set already gives the optimum).

:func:`convex_stop` returns an :class:`EarlyStop` for a convex problem without parameters (or
None); :func:`~lagropt.solver.candidates.find_candidates` asks it after each active set and
records in it how many sets were left unexamined. A non-convex problem examines every active
set, as before: nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .certificates import curvature_certificate
from .classify import exact_second_order
from ..compiler import compile_problem

__all__ = ["EarlyStop", "convex_stop", "numeric_hint", "HINT_FROM"]

HINT_FROM = 3             # inequalities from which a numeric search picks the first active set


@dataclass
class EarlyStop:
    """The proof of convexity, and what the enumeration did with it."""

    proof: str                  # the curvature certificate's sentence
    word: str                   # "minimum" or "maximum", the sense's
    first: tuple | None = None  # the active set tried first (numeric_hint), if any
    point: object = None        # the strict KKT optimum that ended the enumeration
    examined: int = 0           # active sets solved
    skipped: int = 0            # active sets left unexamined (0: the stop never fired)

    def decides(self, internal, point) -> bool:
        """Whether ``point`` (an admissible candidate) is a strict local optimum by the
        second-order sufficient condition (the Hessian of L definite on the tangent space of
        the equalities and the strongly active inequalities, decided exactly), hence the unique
        global optimizer (module docstring)."""
        if point.free or point.conditions or not point.regular or point.x_has_symbols():
            return False
        return exact_second_order(internal, point, higher_order=False).kind == self.word

    @property
    def fired(self) -> bool:
        return self.point is not None

    def sentence(self) -> str:
        """Why the enumeration stopped, for the evidence (after the curvature proof)."""
        sets = "set" if self.skipped == 1 else "sets"
        text = (f"the KKT point found is a strict local {self.word}, hence the unique global "
                f"{self.word} (the optimizers of a convex problem form a convex set): the other "
                f"{self.skipped} active {sets} need not be examined")
        if self.first is not None and self.examined == 1:
            text += (" (the set solved first is the one active where a numeric local search "
                     "ends; that search only chose the order, the point is exact)")
        return text

    def step(self, derivation) -> None:
        """The derivation's step: the proof and the stop."""
        derivation.add("early_stop", "Convexity ends the case analysis: " + self.proof + "; "
                       + self.sentence() + ".", (), point=self.point.x)


def convex_stop(internal) -> EarlyStop | None:
    """An :class:`EarlyStop` when the problem is convex (curvature certificate) and has no
    parameters (a parametric answer may need every active set, one per region), else None."""
    if internal.params or not internal.h:
        return None
    proof = curvature_certificate(internal)
    if not proof:
        return None
    first = numeric_hint(internal) if len(internal.h) >= HINT_FROM else None
    return EarlyStop(proof, internal.sense.word, first)


def numeric_hint(internal) -> tuple | None:
    """The non-strict inequalities (indices from 0) active where SLSQP ends from the numeric
    search's first seeded start (|h_j| <= ACTIVE_TOL relative), or None when it does not
    converge to a feasible point. On a convex problem that end point is a global optimum, so its
    active set is the one to solve first; it only orders the enumeration (a wrong guess costs
    one active set), and no clock is read: the same problem gives the same order."""
    # the numeric search (and scipy.optimize) is loaded only for problems with HINT_FROM or more
    # inequalities: solving a small problem does not import it
    from .multistart import (ACTIVE_TOL, Tracked, converged, feasible, local_searches, quiet,
                             starting_points)

    try:
        with quiet():
            cp = compile_problem(internal)
            x0 = starting_points(internal.variables, 1)[0]
            ((_, result),) = local_searches(cp, x0, Tracked(cp), methods=("SLSQP",))
            x = np.asarray(result.x, dtype=float)
            if not (converged(result) and feasible(cp, x)):
                return None
            h = cp.inequalities(x)
    except Exception:  # noqa: BLE001 - a hint that cannot be had changes nothing
        return None
    scale = ACTIVE_TOL * max(1.0, float(np.abs(x).max()))
    return tuple(j for j, strict in enumerate(internal.strict)
                 if not strict and abs(h[j]) <= scale)
