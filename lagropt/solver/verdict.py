"""Global verdicts: is the best candidate the optimum, and how do we know?

Lagrange/KKT points are local facts. A global statement needs evidence of another kind, and
each verdict says which it used:

* **curvature**: f concave (maximizing) or convex (minimizing) on a convex feasible set: every
  KKT point is a global optimum;
* **compactness**: a closed and bounded feasible set (an ellipsoid, a sum of even powers, a
  bounded polyhedron): the optimum exists (Weierstrass) and is among the candidates;
* **coercivity**: f -> -oo (maximizing) or +oo (minimizing) as |x| -> oo, on a closed feasible
  set: the optimum exists and is among the candidates;
* **limits**: the constraints solved for some variables parametrize the feasible set; exact
  limits of f at the ends of the parameter range show f unbounded (``x + y`` on ``xy = 1``) or
  approaching a bound no feasible point reaches (not attained);
* **numeric probing**: feasible points far out, as supporting evidence only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .classify import inertia, sign_of
from .isolate import isolate
from ..runtime import Budget, TimeLimit, run_in_worker

__all__ = ["Verdict", "Limits", "decide", "curvature_certificate", "compactness_certificate",
           "coercivity_certificate", "best_points"]


@dataclass
class Verdict:
    status: str
    optimum: list
    value: object
    evidence: list = field(default_factory=list)
    message: str = ""
    certified: bool = False
    approached_at: list = field(default_factory=list)   # see Solution.approached_at


# -- certificates ---------------------------------------------------------------------------------

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
            e = sign * H[i, i]
            if not (e == 0 or e.is_nonnegative or sp.simplify(e).is_nonnegative):
                return False
        return True
    if n > 4:
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
    xs = internal.variables
    for g in internal.g:
        if any(e != 0 for e in sp.hessian(g, xs)):
            return None
    for h in internal.h:
        # max: h <= 0 is a convex set when h is convex; min: h >= 0 when h is concave
        if not _semidefinite_everywhere(sp.hessian(h, xs), "psd" if internal.sense == "max" else "nsd"):
            return None
    if not _semidefinite_everywhere(internal.objective_hessian, want):
        return None
    parts = [f"f is {shape}"]
    if internal.g:
        parts.append("the equality constraints are affine")
    if internal.h:
        parts.append("the inequalities cut out a convex set")
    return (", ".join(parts) + ": every critical point is a global "
            f"{'maximum' if internal.sense == 'max' else 'minimum'}")


def leading_form(expr, variables) -> sp.Expr:
    """The leading homogeneous part of the polynomial ``expr`` (or a Poly) in ``variables``:
    its terms of the highest total degree."""
    poly = expr if isinstance(expr, sp.Poly) else sp.Poly(expr, *variables)
    d = poly.total_degree()
    return sp.Add(*[c * sp.Mul(*[v ** e for v, e in zip(variables, m)])
                    for m, c in poly.terms() if sum(m) == d])


def _definite_form(expr, variables) -> set:
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
            vs = _definite_form(g, xs)
            if vs and (kind == "=" or _bounds_sublevel(internal, g)):
                bounded |= vs
                rel = "=" if kind == "=" else ("<=" if internal.sense == "max" else ">=")
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
    return (internal.sense == "max" and top_sign > 0) or (internal.sense == "min" and top_sign < 0)


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
    sign = 1 if internal.sense == "max" else -1        # max: h <= 0 ; min: h >= 0
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
    f = internal.f if internal.sense == "min" else -internal.f
    xs = internal.variables
    vs = _definite_form(f, xs)
    if vs != set(xs):
        return None
    poly = sp.Poly(f, *xs)
    d = poly.total_degree()
    lead = next(c for m, c in poly.terms() if sum(m) == d)
    if d == 2:
        counts = inertia(sp.hessian(f, xs))
        if not counts or counts[0] != len(xs):
            return None
    elif sign_of(lead) != 1:
        return None
    direction = "+oo" if internal.sense == "min" else "-oo"
    return (f"f -> {direction} as |x| -> oo (its leading form is definite) and the feasible set "
            "is closed: the optimum is attained at a candidate")


# -- limits along a parametrization ------------------------------------------------------------

def _parametrize(internal):
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
    """The set of t (other free variables fixed) where the parametrization is feasible."""
    from .candidates import feasibility_requirements, sign_requirements

    region = _sign_region(t)
    at = {v: subs.get(v, v) for v in internal.variables}
    reqs = list(conds) + sign_requirements(internal.variables, at) + \
        feasibility_requirements(internal, at)
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
    branches = _parametrize(internal)
    if branches is None:
        return Limits()
    out = Limits(complete=all(len(free) == 1 for free, _, _ in branches))
    per_limit = max(0.2, budget / max(1, 4 * len(branches)))
    for free, subs, conds in branches:
        F = sp.simplify(internal.f.xreplace(subs)) if sp.count_ops(internal.f.xreplace(subs)) < 80 \
            else internal.f.xreplace(subs)
        for t in free:
            hold = {u: (anchor.get(u) if anchor else None) for u in free if u != t}
            hold = {u: (v if v is not None else sp.Integer(1 if u.is_positive else 0)) for u, v in hold.items()}
            Ft = F.xreplace(hold)
            full = {**{k: e.xreplace(hold) for k, e in subs.items()}, **hold}
            region = _domain(internal, t, full,
                             [c.xreplace(hold) if isinstance(c, sp.Basic) else c for c in conds])
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


def _ray_limits(internal, F, free, subs, anchor, max_free: int = 4):
    """Exact limits of a polynomial F(anchor + s u) as s -> oo along directions u in
    {-1, 0, 1}^k: the sign of the leading coefficient in s decides. Catches escapes no single
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
    if any(not c.is_number for c in poly_F.coeffs()):
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
        if p.degree() < 1:
            continue
        lim = sp.oo if p.LC() > 0 else -sp.oo
        direction = ", ".join(f"{t} = {sp.sstr(e)}" for t, e in ray.items())
        out.append((lim, f"f -> {sp.sstr(lim)} as {s} -> oo along {direction}"))
    return out


def _ray_feasible(internal, subs, ray, s) -> bool:
    """The whole ray (large s) stays feasible for the inequalities and sign assumptions."""
    from .candidates import feasibility_requirements, sign_requirements

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
        lead = p.LC()
        want_positive = r.rel_op in (">", ">=")
        if not lead.is_number or (lead > 0) != want_positive:
            return False
    return True


def _decide_number(rel):
    from .candidates import decide as decide_relation
    return decide_relation(rel)


# -- the decision ----------------------------------------------------------------------------------

def _numeric_value(v):
    try:
        return float(sp.N(v, 30))
    except (TypeError, ValueError):
        return None


def best_points(points, sense: str):
    """The points with the best numeric value for the sense (ties within 1e-12, relative)."""
    valued = []
    for p in points:
        v = _numeric_value(p.value)
        if v is None:
            return None
        valued.append((v, p))
    if not valued:
        return []
    pick = max if sense == "max" else min
    best = pick(v for v, _ in valued)
    return [p for v, p in valued if abs(v - best) <= 1e-12 * max(1.0, abs(best))]


def _better(a, b, sense) -> bool:
    """a strictly better than b for the sense (a may be +-oo)."""
    if a is None or b is None:
        return False
    return (a > b) if sense == "max" else (a < b)


def decide(internal, points, *, probe=True) -> Verdict:
    """The global verdict for the candidates found (see the module docstring).

    ``Verdict.certified`` is True when the verdict rests on a proof (curvature, compactness,
    coercivity, a constant objective, an exact limit to infinity, or complete limits on a
    one-parameter feasible set), False when it rests on partial limits or probing.
    """
    sense = internal.sense
    right = "maximum" if sense == "max" else "minimum"
    infinity = sp.oo if sense == "max" else -sp.oo
    finite = [p for p in points if not (p.free and p.value.has(*p.free))]
    constant = [p for p in finite if p.free and len(p.free) == len(internal.variables) - len(internal.g)
                and not internal.h]
    if constant:
        p = constant[0]
        return Verdict("optimal", [p], p.value, [f"f is constant, = {sp.sstr(p.value)}, on the "
                       "constraint set: every feasible point is critical"], certified=True)
    evidence = []
    curvature = curvature_certificate(internal)
    if curvature and finite:
        kkt = [p for p in finite if p.regular and p.kind in (right, "inconclusive")] or finite
        best = best_points(kkt, sense) or kkt[:1]
        return Verdict("optimal", best, best[0].value, [curvature], certified=True)
    attained = compactness_certificate(internal) or coercivity_certificate(internal)
    if attained and finite:
        best = best_points(finite, sense)
        if best is None:
            best = finite[:1]
        return Verdict("optimal", best, best[0].value, [attained], certified=True)
    local = [p for p in finite if p.kind in (right, "inconclusive") or not p.regular]
    best = best_points(local, sense) if local else []
    if best is None:            # symbolic values: cannot compare
        best = local[:1]
        evidence.append("values depend on the parameters; global optimality not proven")
        return Verdict("optimal", best, best[0].value if best else None, evidence)
    best_value = _numeric_value(best[0].value) if best else None
    isolated = [p for p in (best or []) + finite if not p.free]
    anchor = isolated[0].x if isolated else None
    limits = limit_evidence(internal, anchor) if not internal.params else Limits()
    escape = [(lim, d) for lim, d in limits.found if lim == infinity]
    if escape:
        return _no_optimum(points, "unbounded", infinity, [escape[0][1]],
                           f"f is unbounded {'above' if sense == 'max' else 'below'}", True)
    finite_limits = [(_numeric_value(lim), lim, d) for lim, d in limits.found
                     if lim.is_finite is not False and _numeric_value(lim) is not None]
    better = [(v, lim, d) for v, lim, d in finite_limits if best_value is None or
              _better(v, best_value, sense) or (abs(v - best_value) < 1e-12 * max(1, abs(v))
                                                 and not best)]
    if better:
        v, lim, d = (max if sense == "max" else min)(better, key=lambda t: t[0])
        return _limit_verdict(internal, points, limits, v, lim, d)
    # limits along lines are no proof of optimality; probing in random directions is support
    numeric = _probe_far(internal, best_value) if probe and not internal.params else None
    if numeric is not None:
        kind, text, value = numeric
        if kind == "unbounded":
            return _no_optimum(points, "unbounded", infinity, [text],
                               f"f is unbounded {'above' if sense == 'max' else 'below'} (numeric)")
        if kind == "better":
            word = "supremum" if sense == "max" else "infimum"
            return _no_optimum(points, "not_attained", None, [text],
                               f"a feasible point better than every candidate exists: the {word} "
                               "is not attained at a critical point, and its value is not known "
                               "(numeric)")
        evidence.append(text)
    if not best:
        return _no_optimum(points, "no_critical_point", None, evidence or
                           ["no candidate is a local " + right], f"no local {right} among the "
                           "critical points" if points else "no critical point")
    if limits.found:
        side = "below" if sense == "max" else "above"
        evidence.insert(0, f"at the ends of the feasible set f stays {side} the best candidate: "
                        + "; ".join(d for _, d in limits.found[:4]))
    if not evidence:
        evidence.append(f"best local {right} among the candidates (global optimality not proven)")
    return Verdict("optimal", best, best[0].value, evidence)


def _limit_verdict(internal, points, limits, v, lim, d) -> Verdict:
    """A finite limit beats every candidate: no candidate is optimal. The limit is the
    supremum (infimum) only when the limits are complete (:class:`Limits`) and no end the
    set contains does better; otherwise it is only a bound, and no value is reported."""
    sense = internal.sense
    word = "supremum" if sense == "max" else "infimum"
    ends = [(_numeric_value(e), e, text) for e, text in limits.ends]
    if limits.complete and all(ev is not None and not _better(ev, v, sense) and
                               abs(ev - v) > 1e-12 * max(1, abs(v)) for ev, _, _ in ends):
        evidence = [d + f"; the feasible set is a union of curves with one parameter, and f "
                    f"approaches {sp.sstr(lim)} only at an end it does not contain, beyond every "
                    "critical value" + ("" if not ends else " and f at the ends it contains ("
                                        + "; ".join(text for _, _, text in ends) + ")")]
        return _no_optimum(points, "not_attained", lim, evidence,
                           f"the {word} {sp.sstr(lim)} is approached but not attained", True)
    side = "at least" if sense == "max" else "at most"
    evidence = [d + f": no candidate is a global {'maximum' if sense == 'max' else 'minimum'}; "
                f"the {word} is {side} {sp.sstr(lim)}, its exact value was not determined"]
    return _no_optimum(points, "not_attained", None, evidence,
                       f"the {word} is not attained; it is {side} {sp.sstr(lim)}")


def _no_optimum(points, status, value, evidence, message, certified=False):
    """A verdict without an optimum. Without any critical point the status is
    ``no_critical_point`` (value +-oo for an unbounded f, or None), except for a proven finite
    supremum/infimum, which is ``not_attained`` with or without critical points."""
    if not points and (status == "unbounded" or (status == "not_attained" and value is None)):
        return Verdict("no_critical_point", [], value, evidence,
                       "no critical point; " + message, certified)
    return Verdict(status, [], value, evidence, message, certified)


def _probe_far(internal, best_value):
    """Feasible points far out: growing values beyond every candidate suggest unboundedness."""
    from .probe import Prober

    try:
        prober = Prober(internal)
        far = prober.far_values()
    except Exception:  # noqa: BLE001 - probing is optional evidence
        return None
    if not far:
        return None
    sense = internal.sense
    vals = [v for _, v, _ in far]
    sign = 1 if sense == "max" else -1
    growing = len(vals) >= 3 and all(sign * b > sign * a for a, b in zip(vals, vals[1:])) and \
        sign * vals[-1] > sign * (best_value if best_value is not None else vals[0]) + 1e3
    if growing:
        return "unbounded", (f"numeric probing: feasible points at radius "
                             f"{', '.join(f'{s:g}' for s, _, _ in far)} reach f = "
                             f"{', '.join(f'{v:.4g}' for v in vals)}"), None
    beat = [v for v in vals if best_value is not None
            and sign * v > sign * best_value + 1e-9 * max(1, abs(best_value))]
    if beat:
        top = max(beat) if sense == "max" else min(beat)
        return "better", f"numeric probing found feasible points with f = {top:.6g} beyond the " \
            "candidates", top
    return "none", "numeric probing far out found no feasible point better than the candidates", None
