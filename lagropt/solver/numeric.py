"""Numeric fallback: when the exact solve cannot finish, the problem is solved numerically.

:func:`numeric_solution` runs the fixed, seeded multi-start search of :mod:`.multistart`
(``STARTS`` = 20 starts; from each, SLSQP and trust-constr on the problem itself, their end
points refined on the KKT system, and KKT root finding on at most ``MAX_ACTIVE_SETS`` = 32
active sets). The same problem gives the same answer on every machine and under any load.

The reported optimum is the best feasible local optimum found by any of these methods, so it is
never worse than the best point SLSQP and trust-constr reach from the same starts. When the
searches end at different local optima the message says so ("3 distinct local minima found;
best f = ..."). When a search evaluated a feasible point better than every local optimum found
(a search running away: f unbounded, or its optimum not attained or missed), the status is
``unsolved`` (``timeout`` after a timeout) instead of passing a worse point off as the optimum.
Points come back with ``exact=False`` and 15 significant digits, classified by the eigenvalues
of the reduced Hessian, and the derivation keeps the system that was solved numerically.

``budget`` (None, or any object with a method ``expired() -> bool``) is asked between starts
only, as a safety stop; when it stops the search the message says so.
"""

from __future__ import annotations

import math

from dataclasses import replace

import sympy as sp

from .multistart import MAX_ACTIVE_SETS, MERGE_TEXT, SEED, STARTS, direct_search, search
from .result import Point, Solution
from ..standard import Sense

__all__ = ["numeric_solution", "numeric_points", "direct_solution"]

TIE_RTOL = 1e-9           # optima within this (relative) of the best value are all optimal
BETTER_RTOL = 1e-6        # a point seen on the way must beat the optimum by this much (relative)
STOPPED = "; the time budget stopped the numeric search early"


def _point(internal, c) -> Point:
    """A :class:`Point` (floats, 15 digits) from a search candidate."""
    mult = dict(zip(internal.lambdas + internal.mus, c.mult))
    return Point({v: sp.Float(val, 15) for v, val in zip(internal.variables, c.x)},
                 {m: sp.Float(val, 15) for m, val in mult.items()}, sp.Float(c.value, 15),
                 c.kind, exact=False, active=tuple(j + 1 for j in c.active), reason=c.reason)


def numeric_points(internal, starts: int = STARTS, seed: int = SEED, budget=None) -> list[Point]:
    """Every point the multi-start search found (floats), classified numerically."""
    if internal.params:
        return []
    return [_point(internal, c) for c in search(internal, starts, seed, budget).candidates]


def _kkt_method(found) -> str:
    """How the search went, in words (for the derivation and the evidence)."""
    text = (f"{found.local_runs} SLSQP/trust-constr searches from {found.starts} seeded starts, "
            f"end points refined on the KKT system, and KKT root finding on {found.sets_tried} "
            "active sets")
    if found.sets_left:
        text += f" (the first {MAX_ACTIVE_SETS}: the sets the searches ended on, then by size)"
    return text


def _better(sense, a: float, b: float, rtol: float) -> bool:
    """a is better than b for ``sense`` by more than rtol relative."""
    gap = Sense(sense).sign * (a - b)
    return gap > rtol * max(1.0, abs(b))


def _distinct(local, right, best) -> str:
    """'k distinct local minima found; best f = ...' when the searches disagree, else ''."""
    kinds = [p for p in local if p.kind == right]
    if len(kinds) < 2:
        return ""
    at_best = sum(1 for p in kinds if abs(float(p.value) - best) <= TIE_RTOL * max(1.0, abs(best)))
    plural = "maxima" if right == "maximum" else "minima"
    ties = f", {at_best} of them at the best value" if 1 < at_best < len(kinds) else ""
    return f"{len(kinds)} distinct local {plural} found{ties}; best f = {best:.15g}"


def _best_seen_text(seen) -> str:
    """'; the best feasible point the searches reached has f = ...', with 'f may be unbounded'
    beyond 1e6; '' when the searches saw no feasible point."""
    if seen is None:
        return ""
    hint = ": f may be unbounded" if abs(seen) > 1e6 else ""
    return f"; the best feasible point the searches reached has f = {seen:.15g}{hint}"


def _give_up(partial, points, message) -> Solution:
    status = partial.status if partial.status in ("timeout", "too_large") else "unsolved"
    return replace(partial, status=status, points=points, message=message)


def _report(internal, partial: Solution, reason: str, found, method: str) -> Solution:
    """The best feasible local optimum of the search as status ``numeric``, or an honest
    ``unsolved``/``timeout`` when there is none or a better feasible point was seen."""
    d = partial.derivation
    # a search may end outside the domain of f (log y at y < 0): f there is nan, no point
    points = [_point(internal, c) for c in found.candidates if math.isfinite(c.value)]
    stopped = STOPPED if found.stopped else ""
    right = internal.sense.word
    local = [p for p in points if p.kind in (right, "inconclusive")]
    seen = found.best_seen[1]
    if not local:
        return _give_up(partial, points, f"{reason}; no local {right} found numerically"
                        f"{_best_seen_text(seen)}{stopped}")
    vals = [float(p.value) for p in local]
    best = internal.sense.best(vals)
    if seen is not None and _better(internal.sense, seen, best, BETTER_RTOL):
        d.add("numeric", f"A numeric search reached a feasible point with f = {seen:.15g}, better "
              f"than every local {right} found (best {best:.15g}).")
        return _give_up(partial, points, f"{reason}; a numeric search reached a feasible point "
                        f"with f = {seen:.15g}, better than every local {right} found (best "
                        f"{best:.15g}): f may be unbounded, its optimum not attained, or at a point "
                        f"where the searches did not converge{stopped}")
    optimum = [p for p, v in zip(local, vals) if abs(v - best) <= TIE_RTOL * max(1.0, abs(best))]
    disagree = _distinct(local, right, best)
    evidence = [f"numeric: best feasible local {right} of {method} (not a proof of global "
                "optimality)"] + ([f"{disagree} ({MERGE_TEXT})"] if disagree else [])
    if found.stopped:
        evidence.append("the time budget stopped the search before every start was used")
    _conclude(d, internal, points, optimum, evidence)
    message = reason + "; numeric solution" + (f" ({disagree})" if disagree else "") + stopped
    return Solution("numeric", points, optimum, optimum[0].value, d,
                    remaining=partial.remaining, unknowns=partial.unknowns,
                    evidence=evidence, message=message)


def numeric_solution(internal, partial: Solution, reason: str, budget=None) -> Solution:
    """The numeric answer, keeping the exact derivation so far and the system solved."""
    d = partial.derivation
    if internal.params:
        d.add("numeric", "A numeric solve needs numbers for the parameters "
              + ", ".join(map(str, internal.params)) + ".")
        return replace(partial, message=f"{reason}; the numeric fallback needs parameter values")
    found = search(internal, budget=budget)
    method = _kkt_method(found)
    d.add("numeric", f"Exact solving stopped ({reason}); the problem was solved numerically "
          f"({method}):", tuple(e for e in partial.remaining) or ())
    return _report(internal, partial, reason, found, method)


def _conclude(d, internal, points, optimum, evidence):
    """The numeric points, their values and kinds, and the verdict, as derivation steps."""
    from .steps import conclusion
    from .verdict import Verdict

    conclusion(d, internal, points, Verdict("numeric", optimum, optimum[0].value, evidence))


def direct_solution(internal, partial: Solution, reason: str, budget=None) -> Solution:
    """Optimize f itself (SLSQP and trust-constr from the same fixed seeded starts, constraints
    as given): for problems where the stationarity equations do not exist (Abs, Max) or cannot
    be formed. ``budget`` as for :func:`numeric_solution`."""
    if internal.params:
        return replace(partial, message=partial.message +
                       "; the numeric path needs numbers for the parameters")
    found = direct_search(internal, budget=budget)
    method = f"{found.local_runs} SLSQP/trust-constr searches from {found.starts} seeded starts"
    partial.derivation.add("numeric", f"Direct numeric optimization ({method}).")
    return _report(internal, partial, reason, found, method)
