"""Limits along a parametrization of the feasible set: the evidence for "unbounded" and
"not attained".

The constraints solved for some variables parametrize the feasible set (:func:`parametrize`);
exact limits of f at the ends of the parameter range show f unbounded (``x + y`` on ``xy = 1``)
or approaching a bound no feasible point reaches (:func:`limit_evidence`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import sympy as sp

from .isolate import isolate
from .requirements import sign_of
from ..runtime import Budget, TimeLimit, run_in_worker

__all__ = ["parametrize", "Limits", "limit_evidence", "numeric_value"]


def parametrize(internal):
    """Branches of (free parameters, substitution for the other variables, conditions)."""
    branches = [([], {}, [])]
    for g in internal.g:
        new = []
        for free_solved, subs, conds in branches:
            gs = sp.expand(g.xreplace(subs))
            done = False
            for v in internal.variables:
                if v in subs or not gs.has(v):
                    continue
                # the other variables act as parameters here: dividing by one records "!= 0"
                sols = isolate(gs, v, [v])
                if sols is None:
                    continue
                for s in sols:
                    sub2 = {k: e.xreplace({v: s.value}) for k, e in subs.items()}
                    sub2[v] = s.value
                    new.append((free_solved, sub2, conds + list(s.conditions)))
                done = True
                break
            if not done:
                return None
        branches = new
    out = []
    for _, subs, conds in branches:
        free = [v for v in internal.variables if v not in subs]
        out.append((free, subs, conds))
    return out


def _domain(internal, t, subs, conds):
    """The set of t (other free variables fixed) where the parametrization is feasible and f
    (and every constraint function) is real: log y + 2 log x on p x + q y = m is no
    evidence of anything as y -> -oo, where log y is not real."""
    from .requirements import feasibility_requirements, natural_domain, sign_requirements

    region = _sign_region(t)
    at = {v: subs.get(v, v) for v in internal.variables}
    functions = [internal.f, *internal.g, *internal.h]
    reqs = list(conds) + sign_requirements(internal.variables, at) + \
        feasibility_requirements(internal, at) + \
        [r for e in functions for r in natural_domain(e.xreplace(at))]
    for r in reqs:
        r = r.doit() if isinstance(r, sp.Rel) else r
        if r is sp.true:
            continue
        if r is sp.false:
            return sp.S.EmptySet
        if not r.has(t):
            continue
        region = region.intersect(sp.solveset(r, t, sp.S.Reals))
    return region


def _sign_region(t):
    """t's own sign assumption as a set (SymPy already evaluates t > 0 to True for a positive t,
    so it must enter the domain here, not as a relation)."""
    if t.is_positive:
        return sp.Interval.open(0, sp.oo)
    if t.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    if t.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if t.is_nonpositive:
        return sp.Interval(-sp.oo, 0)
    return sp.S.Reals


def _ends(region):
    """(point, direction) pairs: the open ends of a union of intervals ('+' from the right)."""
    ends = []
    for piece in (region.args if isinstance(region, sp.Union) else [region]):
        if isinstance(piece, sp.Interval):
            if piece.left is -sp.oo:
                ends.append((-sp.oo, "+"))
            elif piece.left_open:
                ends.append((piece.left, "+"))
            if piece.right is sp.oo:
                ends.append((sp.oo, "-"))
            elif piece.right_open:
                ends.append((piece.right, "-"))
        elif piece is sp.S.Reals:
            ends.extend([(-sp.oo, "+"), (sp.oo, "-")])
    return ends


def _closed_ends(region) -> list:
    """The finite ends a union of intervals contains."""
    out = []
    for piece in (region.args if isinstance(region, sp.Union) else [region]):
        if isinstance(piece, sp.Interval):
            out += [e for e, is_open in ((piece.left, piece.left_open), (piece.right, piece.right_open))
                    if not is_open and e.is_finite]
    return out


def _intervals_only(region) -> bool:
    """A union of intervals (or Reals, or empty): its ends are all there is to examine."""
    pieces = region.args if isinstance(region, sp.Union) else [region]
    return all(isinstance(p, sp.Interval) or p in (sp.S.Reals, sp.S.EmptySet) for p in pieces)


def _limit(expr, t, point, direction, budget):
    try:
        return run_in_worker(sp.limit, expr, t, point, direction, budget=Budget(budget),
                             what="sympy.limit")
    except (TimeLimit, NotImplementedError, ValueError, TypeError):
        return None


@dataclass
class Limits:
    """Exact limits of f at the ends of the feasible set.

    ``found``: (limit, description) pairs. ``complete``: the feasible set is a union of curves
    with one parameter each (nothing held fixed), every end of every parameter range was
    examined, and ``ends`` lists f at the ends the set contains; then the supremum (infimum) of
    f is the best of the critical values, ``ends`` and the limits in ``found``.
    """

    found: list = field(default_factory=list)
    complete: bool = False
    ends: list = field(default_factory=list)


def limit_evidence(internal, anchor: dict | None, budget: float = 1.0) -> Limits:
    """Exact limits of f at the ends of the feasible set, one free parameter at a time.

    Other free parameters are held at the anchor's values (a candidate), or 0/1; the result is
    then incomplete (lines through a point, not the whole set).
    """
    branches = parametrize(internal)
    if branches is None:
        return Limits()
    out = Limits(complete=all(len(free) == 1 for free, _, _ in branches))
    # at least 1 s of CPU each: the worker's own fork costs (copy-on-write faults of a large
    # parent, charged to the child) must not decide whether a 30 ms limit is found
    per_limit = max(1.0, budget / max(1, 4 * len(branches)))
    positive = _positive_in_domain(internal)
    for free, subs, conds in branches:
        F = sp.simplify(internal.f.xreplace(subs)) if sp.count_ops(internal.f.xreplace(subs)) < 80 \
            else internal.f.xreplace(subs)
        for t in free:
            hold = {u: (anchor.get(u) if anchor else None) for u in free if u != t}
            hold = {u: (v if v is not None else sp.Integer(1 if u in positive else 0))
                    for u, v in hold.items()}
            Ft = F.xreplace(hold)
            full = {**{k: e.xreplace(hold) for k, e in subs.items()}, **hold}
            try:
                held_conds = [c.xreplace(hold) if isinstance(c, sp.Basic) else c for c in conds]
            except TypeError:       # a condition undefined on this line (1/x4 > 0 at x4 = 0)
                out.complete = False
                continue
            region = _domain(internal, t, full, held_conds)
            if region is sp.S.EmptySet:
                continue
            if not _intervals_only(region):
                out.complete = False
            for point, direction in _ends(region):
                lim = _limit(Ft, t, point, direction, per_limit)
                # AccumBounds means no limit (oscillation), and its bounds are loose
                # (sin t + cos t gives [-2, 2]): it is no evidence either way
                if lim is None or lim.has(sp.nan) or lim is sp.zoo or lim.has(sp.AccumBounds):
                    out.complete = False
                    continue
                path = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in subs.items())
                held = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in hold.items())
                where = sp.sstr(point) + ("" if point in (sp.oo, -sp.oo) else direction)
                desc = f"f -> {sp.sstr(lim)} as {t} -> {where}" + \
                       (f" with {path}" if path else "") + (f" ({held})" if held else "")
                out.found.append((lim, desc))
            if out.complete:
                for e in _closed_ends(region):
                    out.ends.append((Ft.xreplace({t: e}), f"f = {sp.sstr(Ft.xreplace({t: e}))} "
                                     f"at {t} = {sp.sstr(e)}"))
        out.found.extend(_ray_limits(internal, F, free, subs, anchor))
    return out


def _positive_in_domain(internal) -> set:
    """The variables that are positive, or that the natural domain of f and the constraints
    keeps away from 0 and the negatives (log x: x > 0; sqrt x: x >= 0): a line through a
    free variable held there at 1, not 0, meets the domain (log x + 2 log y with y <= x + 1:
    along x with y = 1, f -> oo)."""
    from .requirements import domain_signs

    signs, _ = domain_signs(internal)
    return {v for v in internal.variables if v.is_positive} | set(signs)


def _ray_limits(internal, F, free, subs, anchor, max_free: int = 4):
    """Exact limits of a polynomial F(anchor + s u) as s -> oo along directions u in
    {-1, 0, 1}^k: the sign of the leading coefficient in s decides, also when it contains the
    parameters, as long as its sign is proven (x1 x2 x3 with x1 + x2 + x3 = S: along
    x2 = x3 = -s, f = s^2 (S + 2 s) -> +oo for every S). Catches escapes no single
    coordinate shows (x1 x2 x3 x4 with x1 + x2 + x3 + x4 = 4 grows along (1, -1, -1, 1))."""
    if not free or len(free) > max_free:
        return []
    taken = {str(v) for v in internal.variables}
    s = sp.Symbol(next(n for n in ("s", "r", "tau", "sigma") if n not in taken), positive=True)
    start = {t: (anchor.get(t) if anchor else None) for t in free}
    start = {t: (v if v is not None else sp.Integer(1 if t.is_positive else 0)) for t, v in start.items()}
    try:
        poly_F = sp.Poly(F, *free)
    except sp.PolynomialError:
        return []
    if any(c.has(*internal.variables) for c in poly_F.coeffs()):
        return []
    out = []
    for u in itertools.product((-1, 0, 1), repeat=len(free)):
        if sum(map(abs, u)) < 2:
            continue                      # the coordinate directions are done exactly already
        if any((t.is_positive or t.is_nonnegative) and d < 0 for t, d in zip(free, u)):
            continue
        ray = {t: start[t] + d * s for t, d in zip(free, u)}
        if not _ray_feasible(internal, subs, ray, s):
            continue
        p = sp.Poly(sp.expand(F.xreplace(ray)), s)
        lead = sign_of(p.LC()) if p.degree() >= 1 else None
        if lead not in (1, -1):
            continue                      # a constant, or a leading coefficient of unknown sign
        lim = lead * sp.oo
        direction = ", ".join(f"{t} = {sp.sstr(e)}" for t, e in ray.items())
        out.append((lim, f"f -> {sp.sstr(lim)} as {s} -> oo along {direction}"))
    return out


def _ray_feasible(internal, subs, ray, s) -> bool:
    """The whole ray (large s) stays feasible for the inequalities and sign assumptions."""
    from .requirements import feasibility_requirements, sign_requirements

    at = {v: subs.get(v, v).xreplace(ray) if v in subs else ray.get(v, v) for v in internal.variables}
    for r in sign_requirements(internal.variables, at) + feasibility_requirements(internal, at):
        diff = sp.expand(r.lhs - r.rhs)
        if not diff.has(s):
            if _decide_number(r) is False:
                return False
            continue
        try:
            p = sp.Poly(diff, s)
        except sp.PolynomialError:
            return False
        want = 1 if r.rel_op in (">", ">=") else -1
        if sign_of(p.LC()) != want:
            return False
    return True


def _decide_number(rel):
    from .requirements import decide as decide_relation
    return decide_relation(rel)


def numeric_value(v):
    try:
        return float(sp.N(v, 30))
    except (TypeError, ValueError):
        return None
