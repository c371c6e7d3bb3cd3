"""Second-order tests: is a critical point a maximum, a minimum or a saddle?

At a regular critical point x* with multipliers lambda*, let H = d^2 L / dx^2 (the Hessian of
the Lagrangian, not of f) and Z a basis of the tangent space {d : J d = 0} of the active
constraints. The reduced Hessian R = Z^T H Z decides:

* R negative definite  -> strict local maximum,
* R positive definite  -> strict local minimum,
* R indefinite         -> saddle (no extremum),
* R singular and semidefinite -> the quadratic test is inconclusive; then the objective is
  restricted to the constraint set near x* (constraints solved for some variables) and the
  first non-vanishing Taylor term decides (x^4 + y^4 on x = y is a minimum; x^3 on x = y is no
  extremum).

The inertia of R is found exactly: the characteristic polynomial of a real symmetric matrix has
only real roots, so Descartes' rule of signs counts its positive and negative roots exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from .isolate import isolate
from .probe import Prober, cone_kind
from .requirements import sign_of
from .system import is_zero
from .tidy import final_form, final_forms_by_symmetry
from ..standard import Sense

__all__ = ["Classification", "classify", "classify_candidate", "classify_point",
           "exact_second_order", "inertia", "sign_of"]


@dataclass
class Classification:
    kind: str                 # maximum | minimum | saddle | inconclusive
    reason: str
    matrix: sp.Matrix | None = None


def inertia(matrix: sp.Matrix) -> tuple[int, int, int] | None:
    """(positive, negative, zero) eigenvalue counts of a real symmetric matrix, or None.

    Exact for numeric entries (Descartes' rule on the characteristic polynomial); for symbolic
    entries only diagonal matrices and Sylvester's criterion are used.
    """
    n = matrix.shape[0]
    if n == 0:
        return (0, 0, 0)
    if matrix.is_diagonal():
        signs = [sign_of(matrix[i, i]) for i in range(n)]
        if None in signs:
            return None
        return signs.count(1), signs.count(-1), signs.count(0)
    if not matrix.free_symbols:
        numeric = _numeric_inertia(matrix)
        if numeric is not None:
            return numeric
        coeffs = matrix.charpoly().all_coeffs()[::-1]  # c_0 .. c_n
        signs = [sign_of(c) for c in coeffs]
        if None in signs:
            return None
        zeros = next(i for i, s in enumerate(signs) if s != 0)
        nonzero = [s for s in signs if s != 0]
        positive = sum(1 for a, b in zip(nonzero, nonzero[1:]) if a != b)
        return positive, n - zeros - positive, zeros
    minors = [sign_of(matrix[:k, :k].det()) for k in range(1, n + 1)]
    if None in minors or 0 in minors:
        return None
    if all(s == 1 for s in minors):
        return n, 0, 0
    if all(s == (-1) ** k for k, s in enumerate(minors, 1)):
        return 0, n, 0
    return None


def indefinite_minor(matrix: sp.Matrix):
    """A witness that a real symmetric matrix is indefinite: ``(minor, condition)`` for a
    principal 2 x 2 minor m = a_ii a_jj - a_ij^2 that is negative, or None.

    A symmetric 2 x 2 matrix with a negative determinant has one positive and one negative
    eigenvalue, and by Cauchy's interlacing theorem so has every symmetric matrix containing it
    as a principal submatrix. ``condition`` is True when m < 0 is proven, else a relation
    ``e_1 != 0 & e_2 != 0 ...`` when m is proven <= 0 and its factors e_i are what can vanish
    (``[[0, S], [S, 0]]``: m = -S^2 < 0 for S != 0).
    """
    n = matrix.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            m = sp.factor(matrix[i, i] * matrix[j, j] - matrix[i, j] ** 2)
            s = sign_of(m)
            if s == -1:
                return m, sp.true
            if s is None and m.free_symbols and (-m).is_nonnegative:
                factors = [b for b, _ in sp.factor_list(m)[1]]
                return m, sp.And(*[sp.Ne(b, 0) for b in factors])
    return None


def _numeric_inertia(matrix: sp.Matrix, digits: int = 50):
    """Inertia from eigenvalues at ``digits`` digits, when none is close to zero (then the signs
    are certain); None otherwise, so that a zero eigenvalue is confirmed exactly."""
    import mpmath

    with mpmath.workdps(digits):
        try:
            M = mpmath.matrix([[mpmath.mpf(str(sp.re(sp.N(e, digits)))) for e in row]
                               for row in matrix.tolist()])
            eig = mpmath.eigsy(M, eigvals_only=True)
        except (TypeError, ValueError, ZeroDivisionError, RuntimeError):
            return None         # RuntimeError: no convergence (entries nan, or ill-conditioned)
        scale = max([abs(e) for e in eig] + [mpmath.mpf(1)])
        if any(abs(e) < mpmath.mpf(10) ** (-digits // 2) * scale for e in eig):
            return None
        positive = sum(1 for e in eig if e > 0)
    return positive, len(eig) - positive, 0


def _nullspace(J: sp.Matrix, n: int) -> sp.Matrix:
    if J.shape[0] == 0:
        return sp.eye(n)
    basis = J.nullspace(simplify=True)
    if not basis:
        return sp.zeros(n, 0)
    return sp.Matrix.hstack(*basis)


def _simplify_matrix(M: sp.Matrix, variables=(), fixed=()) -> sp.Matrix:
    """Every entry in its final form (powers left as SymPy writes them, so that minors
    cancel); the diagonal of a Hessian in the variables through the
    index symmetry (d^2L/dp_k^2 from d^2L/dp_1^2 with index 1 and k swapped)."""
    if len(variables) != M.rows or M.rows != M.cols:
        return M.applyfunc(lambda e: final_form(e, powers=False))
    diagonal = final_forms_by_symmetry({v: M[i, i] for i, v in enumerate(variables)}, fixed,
                                       powers=False)
    return sp.Matrix(M.rows, M.cols, lambda i, j: diagonal[variables[i]] if i == j
                     else final_form(M[i, j], powers=False))


def classify_point(hessian: sp.Matrix, jacobian: sp.Matrix, at: dict, *, sense: str,
                   objective=None, constraints=(), variables=()) -> Classification:
    """Classify a regular critical point (``at`` holds variables and multipliers)."""
    n = hessian.shape[0]
    H = _simplify_matrix(hessian.xreplace(at), tuple(variables),
                         fixed=[u for u in at if u not in set(variables)])
    J = _simplify_matrix(jacobian.xreplace(at)) if jacobian.shape[0] else jacobian
    if J.shape[0] >= n and J.rank(simplify=True) == n:
        kind = Sense(sense).word
        return Classification(kind, "the active constraints fix the point locally: there is no "
                              "feasible direction to move in", sp.zeros(0, 0))
    full = inertia(H)
    if full is not None:
        p, q, z = full
        if q == n:
            return Classification("maximum", "the Hessian of L is negative definite", H)
        if p == n:
            return Classification("minimum", "the Hessian of L is positive definite", H)
    Z = _nullspace(J, n)
    R = _simplify_matrix(Z.T * H * Z)
    m = R.shape[0]
    what = "the Hessian of L on the tangent space of the constraints" if J.shape[0] else "the Hessian"
    if m == 0:
        kind = Sense(sense).word
        return Classification(kind, "the tangent space is trivial", R)
    counts = inertia(R)
    if counts is None:
        witness = indefinite_minor(R)
        if witness is not None:
            return _indefinite(what, R, *witness)
        return Classification("inconclusive", f"the sign of {what} could not be decided", R)
    p, q, z = counts
    if q == m:
        return Classification("maximum", f"{what} is negative definite", R)
    if p == m:
        return Classification("minimum", f"{what} is positive definite", R)
    if p and q:
        return Classification("saddle", f"{what} is indefinite ({p} positive, {q} negative "
                              "eigenvalues)", R)
    if objective is not None:
        higher = _higher_order(objective, constraints, variables, at)
        if higher is not None:
            kind, reason = higher
            return Classification(kind, f"{what} is singular; {reason}", R)
    return Classification("inconclusive", f"{what} is singular (semidefinite): the second-order "
                          "test does not decide", R)


def _indefinite(what, R, minor, condition) -> Classification:
    """A saddle shown by a negative principal 2 x 2 minor (:func:`indefinite_minor`); when the
    minor is only proven negative away from the zeros of some factors, the reason says where."""
    where = ""
    if condition is not sp.true:
        where = " where " + " and ".join(f"{sp.sstr(c.lhs)} != {sp.sstr(c.rhs)}"
                                         for c in sp.And.make_args(condition))
    return Classification("saddle", f"{what} is indefinite{where} (a principal 2 x 2 minor is "
                          f"{sp.sstr(minor)} < 0)", R)


def _restrict(objective, constraints, variables, at):
    """f restricted to the constraint set near the point: (F(t), t symbols, t0) or None."""
    subs, free = {}, list(variables)
    for g in constraints:
        g = g.xreplace(subs)
        done = False
        for v in list(free):
            if not g.has(v):
                continue
            sols = isolate(g, v, free)
            if not sols:
                continue
            here = {w: at[w] for w in free if w != v}
            for s in sols:
                val = s.value.xreplace(here)
                if is_zero(sp.simplify(val - at[v])) is True:
                    subs = {k: e.xreplace({v: s.value}) for k, e in subs.items()}
                    subs[v] = s.value
                    free.remove(v)
                    done = True
                    break
            if done:
                break
        if not done:
            return None
    F = objective.xreplace(subs)
    return F, free, {v: at[v] for v in free}


def _higher_order(objective, constraints, variables, at):
    """Decide a degenerate 1-D case by the first non-vanishing derivative of f on the constraints."""
    restricted = _restrict(objective, constraints, variables, at)
    if restricted is None:
        return None
    F, free, t0 = restricted
    if len(free) != 1:
        return None
    t = free[0]
    d = F
    for order in range(1, 13):
        d = sp.diff(d, t)
        s = sign_of(d.xreplace(t0))
        if s is None:
            return None
        if s == 0:
            continue
        if order % 2 == 1:
            return "saddle", (f"along the constraint set the first non-zero derivative has odd "
                              f"order {order}: no extremum")
        kind = "minimum" if s > 0 else "maximum"
        return kind, (f"along the constraint set the first non-zero derivative has order {order} "
                      f"and is {'positive' if s > 0 else 'negative'}")
    return None


# -- the classification stage: every candidate of a StandardForm -------------------------------

def classify(internal, points) -> list:
    """The candidates classified: each with its ``kind`` and ``reason``
    (:func:`classify_candidate`)."""
    return [classify_candidate(internal, p) for p in points]


def classify_candidate(internal, p):
    """The point with its ``kind`` and ``reason``: the second-order test; a numeric comparison
    where it cannot apply (irregular points, weakly active inequalities whose multiplier is 0)."""
    if p.free:
        return replace(p, kind="inconclusive", reason="a whole family of critical points" + (
            "" if p.value.has(*p.free) else f" on which f = {sp.sstr(p.value)}"))
    if not p.regular:
        if internal.params or p.x_has_symbols():
            return p
        kind, reason = Prober(internal).local_kind(_floats(p.x, internal.variables))
        return replace(p, kind=kind, reason=p.reason + "; " + reason)
    active, strong, weak = _split_active(internal, p)
    c = exact_second_order(internal, p)
    kind, reason = c.kind, c.reason
    if strong and kind == _opposite(internal.sense.word):
        kind, reason = "saddle", f"{reason} on the boundary; but {_inward(internal.sense)}"
    numeric_ok = not p.x_has_symbols() and not internal.params
    if weak and c.kind in ("saddle", "inconclusive") and numeric_ok:
        kind, reason = _cone_kind(internal, p, active, strong, weak)
    elif kind == "inconclusive" and numeric_ok:
        probed, why = Prober(internal).local_kind(_floats(p.x, internal.variables))
        if probed != "inconclusive":
            kind, reason = probed, f"{c.reason}; {why}"
    return replace(p, kind=kind, reason=reason)


def _opposite(word: str) -> str:
    return "maximum" if word == "minimum" else "minimum"


def _inward(sense) -> str:
    """Why a KKT point with a positive multiplier is no local optimum of the other sense:
    grad f = mu grad h with mu > 0, so along d into the feasible side (grad h . d > 0),
    grad f . d = mu grad h . d has the sign that favours the sense."""
    direction = "grows" if sense.word == "minimum" else "falls"
    return (f"f {direction} into the feasible side (an active inequality's multiplier is "
            f"positive), so it is no local {_opposite(sense.word)}: a saddle")


def _split_active(internal, p):
    """(active, strongly active, weakly active) inequality indices from 0: weakly active ones
    have multiplier 0."""
    active = tuple(j - 1 for j in p.active)
    strong = tuple(j for j in active if sign_of(p.multipliers[internal.mus[j]]) != 0)
    return active, strong, tuple(j for j in active if j not in strong)


def exact_second_order(internal, p, higher_order: bool = True) -> Classification:
    """The exact second-order test at a regular isolated KKT point (:func:`classify_point`):
    the Hessian of L on the tangent space of the equalities and the strongly active
    inequalities (definite there: the second-order sufficient condition, a strict local
    optimum), and when that is singular, if ``higher_order``, the first non-vanishing
    derivative along the constraints; no numeric comparison."""
    active, strong, _ = _split_active(internal, p)
    return classify_point(internal.hessian_of_lagrangian(active), internal.jacobian(strong),
                          {**p.x, **p.multipliers}, sense=internal.sense,
                          objective=internal.f if higher_order else None,
                          constraints=internal.active_functions(strong),
                          variables=internal.variables)


def _floats(x, variables):
    return np.array([float(sp.N(x[v], 20)) for v in variables])


def _cone_kind(internal, p, active, strong, weak):
    """The quadratic form of L on the critical cone, where weakly active inequalities allow
    one-sided directions only (sampled numerically)."""
    at = {**p.x, **p.multipliers}
    H = np.array(internal.hessian_of_lagrangian(active).xreplace(at).evalf(), dtype=float)
    J = internal.jacobian(strong)
    n = len(internal.variables)
    if J.shape[0]:
        Jn = np.array(J.xreplace(at).evalf(), dtype=float)
        _, s, vt = np.linalg.svd(Jn)
        Z = vt[int((s > 1e-10).sum()):].T
    else:
        Z = np.eye(n)
    W = np.array(internal.jacobian(weak).xreplace(at).evalf(), dtype=float)
    # feasible side: h <= 0 when maximizing (grad h . d <= 0), h >= 0 when minimizing
    rows = internal.sense.sign * W
    kind, reason = cone_kind(H, Z, rows)
    return kind, reason + " (an active inequality has multiplier 0)"
