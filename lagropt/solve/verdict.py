"""Global verdicts: is the best candidate the optimum, and how do we know?

Lagrange/KKT points are local facts. A global statement needs evidence of another kind:

* **curvature**: f concave (maximizing) or convex (minimizing) on a convex feasible set (affine
  equalities, inequalities that cut out convex sets, sign assumptions on the variables): every
  KKT point is a global optimum;
* **compactness**: a closed and bounded feasible set (a sphere, an ellipsoid, a bounded
  polyhedron): the optimum exists (Weierstrass) and lies among the candidates (KKT points and
  irregular points);
* **limits and probing**: along feasible curves to infinity f may exceed every candidate
  (unbounded), or approach a bound no candidate reaches (not attained).

Each verdict carries the evidence it used, in words.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .classify import inertia, sign_of

__all__ = ["Verdict", "curvature_certificate", "compactness_certificate", "best_points"]


@dataclass
class Verdict:
    status: str
    optimum: list
    value: object
    evidence: list = field(default_factory=list)
    message: str = ""


def _semidefinite_everywhere(H: sp.Matrix, want: str) -> bool:
    """H negative (want='nsd') or positive ('psd') semidefinite for all admissible symbols."""
    sign = -1 if want == "nsd" else 1
    if not H.free_symbols:
        counts = inertia(H)
        if counts is None:
            return False
        p, q, _ = counts
        return q == 0 if sign == 1 else p == 0
    n = H.shape[0]
    if H.is_diagonal():
        for i in range(n):
            e = sp.simplify(sign * H[i, i])
            if not (e.is_nonnegative or e == 0):
                return False
        return True
    if n > 5:
        return False
    M = sign * H
    for k in range(1, n + 1):
        for rows in itertools.combinations(range(n), k):
            minor = sp.simplify(M.extract(list(rows), list(rows)).det())
            if not (minor == 0 or minor.is_nonnegative):
                return False
    return True


def curvature_certificate(internal) -> str | None:
    """Why every KKT point is a global optimum (concave/convex problem), or None."""
    want = "nsd" if internal.sense == "max" else "psd"
    shape = "concave" if internal.sense == "max" else "convex"
    if not _semidefinite_everywhere(internal.objective_hessian, want):
        return None
    for g in internal.g:
        if sp.hessian(g, internal.variables).free_symbols or any(sp.hessian(g, internal.variables)):
            return None
    for h in internal.h:
        # max: h <= 0 is convex when h is convex; min: h >= 0 is convex when h is concave
        need = "psd" if internal.sense == "max" else "nsd"
        if not _semidefinite_everywhere(sp.hessian(h, internal.variables), need):
            return None
    parts = [f"f is {shape}"]
    if internal.g:
        parts.append("the equality constraints are affine")
    if internal.h:
        parts.append("the inequalities cut out a convex set")
    return (", ".join(parts) + f": every critical point is a global "
            f"{'maximum' if internal.sense == 'max' else 'minimum'}")


def _is_positive_definite_quadratic(g, variables) -> bool:
    """g = q(x) - c with q a positive (or negative) definite quadratic form in all variables."""
    try:
        poly = sp.Poly(g, *variables)
    except sp.PolynomialError:
        return False
    if poly.total_degree() != 2 or any(not c.is_number for c in poly.coeffs()):
        return False
    H = sp.hessian(g, variables)
    counts = inertia(H)
    return counts is not None and (counts[0] == len(variables) or counts[1] == len(variables))


def compactness_certificate(internal) -> str | None:
    """Why the feasible set is closed and bounded, or None (sign assumptions count as bounds)."""
    if any(internal.strict) or any(v.is_positive or v.is_negative for v in internal.variables):
        closed = False
    else:
        closed = True
    for g in internal.g:
        if _is_positive_definite_quadratic(g, internal.variables):
            return f"the constraint {sp.sstr(g)} = 0 is an ellipsoid: the feasible set is compact" if closed else None
    for h in internal.h:
        if _is_positive_definite_quadratic(h, internal.variables):
            return None if not closed else f"the constraint on {sp.sstr(h)} bounds every variable: the feasible set is compact"
    if closed and _linear_bounded(internal):
        return "the linear constraints bound every variable (a polytope): the feasible set is compact"
    return None


def _linear_bounded(internal) -> bool:
    """All constraints linear and every variable bounded above and below (linear programs)."""
    from scipy.optimize import linprog

    xs = internal.variables
    n = len(xs)
    A_eq, b_eq, A_ub, b_ub = [], [], [], []

    def row(expr):
        try:
            poly = sp.Poly(expr, *xs)
        except sp.PolynomialError:
            return None
        if poly.total_degree() > 1 or any(not c.is_number for c in poly.coeffs()):
            return None
        coeffs = [float(poly.coeff_monomial(x)) for x in xs]
        const = float(poly.coeff_monomial(1))
        return coeffs, const

    for g in internal.g:
        r = row(g)
        if r is None:
            return False
        A_eq.append(r[0]), b_eq.append(-r[1])
    for h in internal.h:
        r = row(h)
        if r is None:
            return False
        sign = 1 if internal.sense == "max" else -1       # max: h <= 0 ; min: h >= 0
        A_ub.append([sign * c for c in r[0]]), b_ub.append(-sign * r[1])
    bounds = [(0 if (x.is_nonnegative) else None, 0 if x.is_nonpositive else None) for x in xs]
    if not A_eq and not A_ub:
        return False
    for i in range(n):
        for s in (1, -1):
            c = np.zeros(n)
            c[i] = -s
            res = linprog(c, A_ub=A_ub or None, b_ub=b_ub or None, A_eq=A_eq or None,
                          b_eq=b_eq or None, bounds=bounds, method="highs")
            if res.status != 0:
                return False
    return True


def best_points(points, sense: str):
    """The points with the best numeric value for the sense (ties within 1e-12, relative)."""
    valued = []
    for p in points:
        try:
            valued.append((float(sp.N(p.value, 30)), p))
        except (TypeError, ValueError):
            return None
    if not valued:
        return []
    pick = max if sense == "max" else min
    best = pick(v for v, _ in valued)
    return [p for v, p in valued if abs(v - best) <= 1e-12 * max(1.0, abs(best))]
