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

import sympy as sp

from .requirements import as_nonnegative, nonnegative, sign_of
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


MAX_COVER_PROGRAMS = 4000      # linear programs one polyhedral coverage proof may solve


def _covers_polyhedra(forms, params) -> bool:
    """Regions whose relations are affine in the parameters (polyhedra: the projection of
    (a, b, c) onto a polyhedron has six) cover the parameters the assumptions allow, proven
    exactly: the domain D minus R_1 is the union of the pieces D, r_1, ..., r_(i-1), not r_i
    over the relations r_i of R_1; each piece that is not empty (an exact linear program in
    rationals, :func:`_empty`) must be covered by R_2, R_3, ... in turn. At most
    :data:`MAX_COVER_PROGRAMS` programs (a count): beyond that, not proven."""
    params = list(params)
    if not params or not all(_affine(e, params) for r in forms for e, _ in r):
        return False
    domain = _domain(params)
    budget = [MAX_COVER_PROGRAMS]

    def uncovered(piece, rest) -> bool | None:
        empty = _empty(piece, params, budget)
        if empty is None or empty:
            return None if empty is None else False
        if not rest:
            return True
        before = []
        for e, strict in rest[0]:
            found = uncovered(piece + before + [(-e, not strict)], rest[1:])
            if found is not False:
                return found
            before.append((e, strict))
        return False
    return uncovered(domain, forms) is False


def _affine(e, params) -> bool:
    try:
        return sp.Poly(e, *params).total_degree() <= 1 and not (
            sp.Poly(e, *params).free_symbols - set(params))
    except sp.PolynomialError:
        return False


def _domain(params) -> list:
    """The parameters' values the assumptions allow, as far as they are affine: the sign of
    each parameter's SymPy assumptions and the affine relations of ``assume=`` (a larger
    domain than the true one is harder to cover: the proof stays sound)."""
    out = []
    for t in params:
        if t.is_positive or t.is_negative:
            out.append((t if t.is_positive else -t, True))
        elif t.is_nonnegative or t.is_nonpositive:
            out.append((t if t.is_nonnegative else -t, False))
    for r in active.get().relations:
        form = as_nonnegative(r)
        if form is not None and form[0].free_symbols <= set(params) and _affine(form[0], params):
            out.append(form)
    return out


def _empty(piece, params, budget) -> bool | None:
    """Whether {e > 0 (strict), e >= 0} over ``piece`` has no point, by the exact linear
    program max s subject to e >= s (strict e), e >= 0 (the others), s <= 1: empty when it is
    infeasible or its maximum is s <= 0 with a strict relation. None when the budget is spent."""
    from sympy.solvers.simplex import InfeasibleLPError, lpmax

    if budget[0] <= 0:
        return None
    budget[0] -= 1
    plain = {t: sp.Symbol(f"_cover_{k}") for k, t in enumerate(params)}   # no sign assumed
    s = sp.Symbol("_cover_s")
    constraints = [sp.Le(s, 1)] + [sp.Ge(e.xreplace(plain), s if strict else 0)
                                   for e, strict in piece]
    try:
        best, _ = lpmax(s, constraints)
    except InfeasibleLPError:
        return True
    return any(strict for _, strict in piece) and best <= 0


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
