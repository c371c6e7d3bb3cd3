"""Certificates of a global optimum: proofs that do not depend on the candidates found.

* **curvature**: f concave (maximizing) or convex (minimizing) on a convex feasible set: every
  KKT point is a global optimum;
* **compactness**: a closed and bounded feasible set (an ellipsoid, a sum of even powers, a
  bounded polyhedron): the optimum exists (Weierstrass) and is among the candidates;
* **coercivity**: f -> -oo (maximizing) or +oo (minimizing) as |x| -> oo, on a closed feasible
  set: the optimum exists and is among the candidates.

Each takes the :class:`~lagropt.standard.StandardForm` and returns the reason as a sentence, or
None. :func:`lagropt.solver.verdict.decide` tries them in the order of its ``CERTIFICATES``.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from .classify import inertia
from .requirements import domain_signs, nonnegative, sign_of

__all__ = ["curvature_certificate", "compactness_certificate", "coercivity_certificate",
           "leading_form", "definite_form"]


def _semidefinite_everywhere(H: sp.Matrix, want: str) -> bool:
    """H negative (want='nsd') or positive ('psd') semidefinite for all admissible symbols
    (their own assumptions, and those on the parameters: every principal minor of -H (nsd) or
    H (psd) proven >= 0)."""
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
            if not nonnegative(sign * H[i, i]):
                return False
        return True
    if n > 4:
        return False
    M = sign * H
    for k in range(1, n + 1):
        for rows in itertools.combinations(range(n), k):
            if not nonnegative(sp.simplify(M.extract(list(rows), list(rows)).det())):
                return False
    return True


def _orthant_domain(internal) -> dict | None:
    """The natural domain of f and the constraint functions when it is an orthant: {v: strict}
    for v > 0 (log v; strict) or v >= 0 (sqrt v), {} for all of R^n; None for any other
    domain (a quotient's u != 0 is not convex; log(x + y) is left out)."""
    signs, other = domain_signs(internal)
    return None if other else signs


def curvature_certificate(internal) -> str | None:
    """Why every KKT point is a global optimum (concave/convex problem), or None. The Hessians
    are examined on the natural domain when it is an orthant (:func:`_orthant_domain`), a convex
    set on which the problem is posed: log x + 2 log y is concave for x, y > 0. A domain
    v >= 0 (sqrt v) is examined on v > 0: f is continuous on the closed orthant, so concave
    (convex) there when it is on the open one."""
    domain = _orthant_domain(internal)
    if domain is None:
        return None
    inside = {v: sp.Dummy(v.name, positive=True) for v in domain}
    want = "nsd" if internal.sense.is_max else "psd"
    for g in internal.g:
        if any(e != 0 for e in internal.hessian(g)):
            return None
    for h in internal.h:
        # max: h <= 0 is a convex set when h is convex; min: h >= 0 when h is concave
        if not _semidefinite_everywhere(internal.hessian(h).xreplace(inside),
                                        "psd" if internal.sense.is_max else "nsd"):
            return None
    if not _semidefinite_everywhere(internal.objective_hessian.xreplace(inside), want):
        return None
    where = ", ".join(f"{v} {'>' if positive else '>='} 0" for v, positive in domain.items())
    parts = [f"f is {internal.sense.shape}" + (f" on its domain {where}" if where else "")]
    if internal.g:
        parts.append("the equality constraints are affine")
    if internal.h:
        parts.append("the inequalities cut out a convex set")
    return ", ".join(parts) + f": every critical point is a global {internal.sense.word}"


def leading_form(expr, variables) -> sp.Expr:
    """The leading homogeneous part of the polynomial ``expr`` (or a Poly) in ``variables``:
    its terms of the highest total degree."""
    poly = expr if isinstance(expr, sp.Poly) else sp.Poly(expr, *variables)
    d = poly.total_degree()
    return sp.Add(*[c * sp.Mul(*[v ** e for v, e in zip(variables, m)])
                    for m, c in poly.terms() if sum(m) == d])


def definite_form(expr, variables) -> set:
    """Variables a level set {expr = c} (or {expr <= c}) bounds: expr's leading homogeneous
    part is a definite form in them (a definite quadratic, or even powers with positive
    coefficients), with lower-order terms in the same variables."""
    try:
        poly = sp.Poly(expr, *variables)
    except sp.PolynomialError:
        return set()
    if any(not c.is_number for c in poly.coeffs()):
        return set()
    used = [v for v in variables if expr.has(v)]
    if not used:
        return set()
    d = poly.total_degree()
    top = leading_form(poly, variables)
    if d == 2:
        H = sp.hessian(top, used)
        counts = inertia(H)
        if counts and (counts[0] == len(used) or counts[1] == len(used)):
            return set(used)
        return set()
    if d % 2:
        return set()
    if len(used) == 2 and _definite_binary_form(top, used):
        return set(used)
    terms = sp.Add.make_args(top)
    signs = set()
    seen = set()
    for t in terms:
        c, rest = t.as_coeff_Mul()
        powers = rest.as_powers_dict()
        if len(powers) != 1:
            return set()
        (v, e), = powers.items()
        if e != d:
            return set()
        signs.add(sign_of(c))
        seen.add(v)
    if len(signs) == 1 and seen == set(used):
        return set(used)
    return set()


def _definite_binary_form(top, variables) -> bool:
    """A homogeneous form in two variables is definite iff P(t, 1) has no real root and P(1, 0)
    is not zero (with the sign of P(t, 1)'s leading coefficient, which matches P(1, 0))."""
    a, b = variables
    t = sp.Dummy("t")
    p = sp.Poly(sp.expand(top.xreplace({a: t, b: 1})), t)
    at_infinity = top.xreplace({a: 1, b: 0})
    if at_infinity == 0 or p.degree() < 1:
        return p.degree() == 0 and p.LC() != 0 and at_infinity != 0
    return not sp.real_roots(p) and sign_of(at_infinity) == sign_of(p.LC())


def _closed(internal) -> bool:
    return not any(internal.strict) and not any(v.is_positive or v.is_negative
                                                for v in internal.variables)


def compactness_certificate(internal) -> str | None:
    """Why the feasible set is closed and bounded, or None."""
    if not _closed(internal) or (not internal.g and not internal.h):
        return None
    bounded, reasons = set(), []
    xs = internal.variables
    for kind, funcs in (("=", internal.g), ("<=", internal.h)):
        for g in funcs:
            vs = definite_form(g, xs)
            if vs and (kind == "=" or _bounds_sublevel(internal, g)):
                bounded |= vs
                rel = "=" if kind == "=" else internal.sense.relation
                reasons.append(f"{sp.sstr(g)} {rel} 0 bounds "
                               f"{', '.join(map(str, sorted(vs, key=str)))}")
    changed = True
    while changed and bounded != set(xs):
        changed = False
        for g in internal.g:
            rest = [v for v in xs if g.has(v) and v not in bounded]
            if len(rest) == 1:
                try:
                    poly = sp.Poly(g, rest[0])
                except sp.PolynomialError:
                    continue
                if poly.degree() >= 1 and poly.LC().is_number and poly.LC() != 0:
                    bounded.add(rest[0])
                    changed = True
    if bounded == set(xs):
        return "the feasible set is closed and bounded (" + "; ".join(reasons) + \
            "): the optimum is attained at a candidate"
    if _linear_bounded(internal):
        return "the linear constraints bound every variable (a polytope): the optimum is " \
               "attained at a candidate"
    return None


def _bounds_sublevel(internal, h) -> bool:
    """h <= 0 (max) / h >= 0 (min) is a sublevel set of the definite form (bounded side)."""
    poly = sp.Poly(h, *internal.variables)
    d = poly.total_degree()
    top_sign = None
    for m, c in poly.terms():
        if sum(m) == d:
            top_sign = sign_of(c)
            break
    if top_sign is None:
        return False
    # h <= 0 with a positive definite leading form is bounded; h >= 0 with a negative one
    return internal.sense.sign * top_sign > 0


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
        return [float(poly.coeff_monomial(x)) for x in xs], float(poly.coeff_monomial(1))

    for g in internal.g:
        r = row(g)
        if r is None:
            return False
        A_eq.append(r[0])
        b_eq.append(-r[1])
    sign = internal.sense.sign        # max: h <= 0 ; min: h >= 0
    for h in internal.h:
        r = row(h)
        if r is None:
            return False
        A_ub.append([sign * c for c in r[0]])
        b_ub.append(-sign * r[1])
    if not A_eq and not A_ub:
        return False
    bounds = [(0 if x.is_nonnegative else None, 0 if x.is_nonpositive else None) for x in xs]
    for i in range(n):
        for s in (1, -1):
            c = np.zeros(n)
            c[i] = -s
            res = linprog(c, A_ub=A_ub or None, b_ub=b_ub or None, A_eq=A_eq or None,
                          b_eq=b_eq or None, bounds=bounds, method="highs")
            if res.status != 0:
                return False
    return True


def coercivity_certificate(internal) -> str | None:
    """Why f -> +oo (min) / -oo (max) at infinity on a closed feasible set, or None."""
    if not _closed(internal):
        return None
    f = -internal.sense.sign * internal.f
    xs = internal.variables
    vs = definite_form(f, xs)
    if vs != set(xs):
        return None
    poly = sp.Poly(f, *xs)
    d = poly.total_degree()
    lead = next(c for m, c in poly.terms() if sum(m) == d)
    if d == 2:
        counts = inertia(-internal.sense.sign * internal.objective_hessian)
        if not counts or counts[0] != len(xs):
            return None
    elif sign_of(lead) != 1:
        return None
    direction = "-oo" if internal.sense.is_max else "+oo"
    return (f"f -> {direction} as |x| -> oo (its leading form is definite) and the feasible set "
            "is closed: the optimum is attained at a candidate")
