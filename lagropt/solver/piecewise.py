"""Piecewise answers: one optimum per region of the parameters.

When the problem is concave (maximizing) or convex (minimizing) on a convex feasible set, every
KKT point is a global optimum wherever it is a KKT point at all. With parameters, a candidate
is often one only under conditions on them (its multipliers of the right sign, the inequalities
it leaves inactive satisfied): max log x + y subject to p x + q y = m, y >= 0 has the interior
point x = q/p, y = m/q - 1 where m >= q, and the corner x = m/p, y = 0 where its multiplier
q/m - 1 >= 0, i.e. m <= q. Each such condition is a region, and the optimum there is the
candidate's: the answer is piecewise (:func:`piecewise_cases`).

A piecewise answer is given only when the regions are proven to cover every value of the
parameters the assumptions allow (:func:`covers`); otherwise no answer is claimed. Regions meet
only where both candidates are KKT points, so both are optimal there and the values agree.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .requirements import as_nonnegative, nonnegative, sign_of, sign_requirements
from .result import Piece
from ..assumptions import active

__all__ = ["piecewise_cases", "covers", "readable", "parameter_conditions"]


def parameter_conditions(point) -> tuple:
    """The point's conditions on the parameters (where it is a candidate at all): those in none
    of its own unknowns (the free symbols of a family, a multiplier left free because the
    multipliers are not unique)."""
    own = set(point.free) | set(point.x) | set(point.multipliers)
    return tuple(c for c in point.conditions if not (c.free_symbols & own))


def readable(rel):
    """The relation in the form a textbook prints: e >= 0 with its factors of proven sign
    removed and the rest written as (positive terms) >= (negative terms): -(m - q)/q <= 0 with
    q > 0 reads m >= q."""
    form = as_nonnegative(rel)
    if form is None:
        return rel
    e, strict = form
    coeff, factors = sp.factor(e).as_coeff_mul()
    sign, kept = (1 if coeff > 0 else -1), []
    for f in factors:
        s = sign_of(f)
        if s in (1, -1):
            sign *= s                  # a factor of proven sign: drop it, keep its sign
        else:
            kept.append(f)
    core = sp.expand(sign * sp.Mul(*kept))
    terms = sp.Add.make_args(core)
    lhs = sp.Add(*[t for t in terms if not t.could_extract_minus_sign()])
    rhs = -sp.Add(*[t for t in terms if t.could_extract_minus_sign()])
    return (sp.Gt if strict else sp.Ge)(lhs, rhs, evaluate=False)


def covers(regions, params) -> bool:
    """Whether every value of the parameters the assumptions allow lies in one of ``regions``
    (each a list of relations, all to hold), proven:

    * two regions of one relation each, e1 >= 0 and e2 >= 0: e1 e2 <= 0 everywhere (where e1 < 0,
      e2 >= 0);
    * relations in one parameter t only: the union of the regions' sets of t contains every
      value of t the assumptions and t's own SymPy assumptions allow;
    * relations affine in the parameters: exact linear programs show that no piece of the
      domain is left outside every region (:func:`_covers_polyhedra`).
    """
    if any(not r for r in regions):
        return True                                   # a region with no condition is everything
    symbols = set().union(*[c.free_symbols for r in regions for c in r])
    if len(symbols) == 1 and _covers_one(regions, next(iter(symbols))):
        return True
    forms = [[as_nonnegative(c) for c in r] for r in regions]
    if any(f is None for r in forms for f in r):
        return False
    if len(regions) == 2 and all(len(r) == 1 for r in regions):
        (e1, s1), (e2, s2) = forms[0][0], forms[1][0]
        if not (s1 or s2) and nonnegative(sp.factor(-e1 * e2)):
            return True
    return _covers_polyhedra(forms, params)


MAX_COVER_PROGRAMS = 2000      # linear programs one polyhedral coverage proof may solve


def _covers_polyhedra(forms, params) -> bool:
    """Regions whose relations are affine in the parameters (polyhedra: the projection of
    (a, b, c) onto a polyhedron has six) cover the parameters the assumptions allow, proven:
    the domain D minus R_1 is the union of the pieces D, r_1, ..., r_(i-1), not r_i over the
    relations r_i of R_1; each piece that is not empty (:func:`_empty`: proven empty in exact
    rationals) must be covered by R_2, R_3, ... in turn. At most :data:`MAX_COVER_PROGRAMS`
    linear programs (a count): beyond that, not proven."""
    params = list(params)
    rows = [[_row(e, strict, params) for e, strict in r] for r in forms]
    if not params or any(row is None for r in rows for row in r):
        return False
    domain = _domain(params)
    budget = [MAX_COVER_PROGRAMS]

    def uncovered(piece, rest) -> bool | None:
        empty = _empty(piece, budget)
        if empty is None or empty:
            return None if empty is None else False
        if not rest:
            return True
        before = []
        for a, b, strict in rest[0]:
            found = uncovered(piece + before + [(-a, -b, not strict)], rest[1:])
            if found is not False:
                return found
            before.append((a, b, strict))
        return False
    return uncovered(domain, rows) is False


def _row(e, strict, params) -> tuple | None:
    """e >= 0 (e > 0 when strict), e = a . theta + b affine in the parameters theta with
    rational coefficients, as (a, b, strict): a a vector of Rationals, b a Rational; None
    when e is not of that form."""
    try:
        poly = sp.Poly(e, *params)
    except sp.PolynomialError:
        return None
    if poly.total_degree() > 1 or not all(c.is_Rational for c in poly.coeffs()):
        return None
    a = np.array([poly.coeff_monomial(t) for t in params], dtype=object)
    return a, poly.coeff_monomial(1), strict


def _domain(params) -> list:
    """The parameters' values the assumptions allow, as rows (:func:`_row`), as far as they
    are affine: the signs of the parameters' SymPy assumptions and the affine relations of
    ``assume=`` (a larger domain than the true one is harder to cover: the proof stays
    sound)."""
    relations = sign_requirements(params, {t: t for t in params}) + list(active.get().relations)
    forms = [as_nonnegative(r) for r in relations]
    rows = [_row(e, strict, params) for e, strict in (f for f in forms if f is not None)
            if e.free_symbols <= set(params)]
    return [row for row in rows if row is not None]


def _empty(piece, budget) -> bool | None:
    """Whether {a . theta + b >= 0 (> 0 when strict)} over the rows of ``piece`` has no point;
    None when the budget of programs is spent.

    Empty iff (Motzkin's transposition theorem) some y >= 0 has sum y_i a_i = 0, sum y_i b_i
    <= 0 and sum y_i b_i < 0 or y_i > 0 for a strict row: then sum y_i (a_i . theta + b_i)
    is a number that the rows make >= 0 (> 0) and y makes <= 0 (< 0). Such a y is looked
    for in floating point (HiGHS); the rows it uses (at most as many as the parameters plus
    one) are then decided in exact rationals (:func:`_exactly_empty`): a piece is called empty
    only on that proof. Without a y, or when the exact check disagrees, the piece counts as
    not empty, which can only leave a coverage unproven."""
    from scipy.optimize import linprog

    if not piece:
        return False                                  # no relation: every theta
    if budget[0] <= 0:
        return None
    budget[0] -= 1
    A = np.array([[float(v) for v in a] for a, _, _ in piece]).reshape(len(piece), -1)
    b = np.array([float(b) for _, b, _ in piece])
    strict = np.array([1.0 if s else 0.0 for _, _, s in piece])
    found = linprog(np.ones(len(piece)), A_eq=A.T, b_eq=np.zeros(A.shape[1]),
                    A_ub=np.vstack([b, b - strict]), b_ub=[0.0, -1.0], bounds=(0, None),
                    method="highs")
    if found.status != 0:
        return False
    used = [row for row, y in zip(piece, found.x) if y > 1e-9]
    return bool(used) and _exactly_empty(used)


def _exactly_empty(piece) -> bool:
    """The emptiness of a few rows, by the exact linear program in rationals max s subject to
    a . theta + b >= s (strict rows), >= 0 (the others), s <= 1: empty when it is infeasible,
    or its maximum is s <= 0 and a row is strict."""
    from sympy.solvers.simplex import InfeasibleLPError, lpmax

    theta = sp.symbols(f"_cover_0:{len(piece[0][0])}")       # no sign assumed
    s = sp.Symbol("_cover_s")
    constraints = [sp.Le(s, 1)] + [
        sp.Ge(sum(c * t for c, t in zip(a, theta)) + b, s if strict else 0)
        for a, b, strict in piece]
    try:
        best, _ = lpmax(s, constraints)
    except InfeasibleLPError:
        return True
    return any(strict for _, _, strict in piece) and bool(best <= 0)


def _covers_one(regions, t) -> bool:
    """The union of the regions' sets of t contains the values of t allowed."""
    plain = sp.Symbol(t.name, real=True)
    allowed = sp.Interval.open(0, sp.oo) if t.is_positive else sp.S.Reals
    for r in active.get().relations:
        if r.free_symbols == {t}:
            allowed = allowed.intersect(sp.solveset(r.xreplace({t: plain}), plain, sp.S.Reals))
    union = sp.S.EmptySet
    try:
        for region in regions:
            part = sp.S.Reals
            for c in region:
                part = part.intersect(sp.solveset(c.xreplace({t: plain}), plain, sp.S.Reals))
            union = union.union(part)
        return bool(allowed.is_subset(union))
    except (NotImplementedError, ValueError, TypeError):
        return False


def piecewise_cases(points, params, proof: str) -> list[Piece] | None:
    """One :class:`~lagropt.solver.result.Piece` per region (the points sharing the same
    conditions on the parameters), when each point is a global optimum wherever its conditions
    hold (``proof``: the curvature certificate) and the regions cover the parameters
    (:func:`covers`); else None."""
    groups: dict = {}
    for p in points:
        key = parameter_conditions(p)
        if not all(isinstance(c, sp.Rel) and c.free_symbols <= set(params) for c in key):
            return None                 # a condition in something other than the parameters
        groups.setdefault(key, []).append(p)
    if len(groups) < 2 or () in groups or not covers([list(k) for k in groups], params):
        return None
    return [Piece(_region(key), group, group[0].value) for key, group in groups.items()]


def _region(conditions) -> tuple:
    """A region's conditions as printed: in one parameter, the interval they leave (2/a >= 0
    and a**2 != 0 read 0 < a); else each relation :func:`readable`."""
    symbols = set().union(*[c.free_symbols for c in conditions])
    if len(symbols) == 1:
        (t,) = symbols
        plain = sp.Symbol(t.name, real=True)
        try:
            region = sp.S.Reals
            for c in conditions:
                region = region.intersect(sp.solveset(c.xreplace({t: plain}), plain, sp.S.Reals))
            if isinstance(region, sp.Interval):
                return tuple(sp.And.make_args(region.as_relational(plain).xreplace({plain: t})))
        except (NotImplementedError, ValueError, TypeError):
            pass
    return tuple(readable(c) for c in conditions)
