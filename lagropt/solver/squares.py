"""A sum of squares that reaches its bound: the global optimum without the case analysis.

When the objective to minimize is a constant plus terms that are never negative,

    f(x) = c0 + sum_i c_i b_i(x)**(2 k_i),    c_i > 0, k_i >= 1 integers,

then f(x) >= c0 for every real x, and f(x) = c0 exactly where every base b_i vanishes. So if
the system

    b_i(x) = 0 (every i),   g_k(x) = 0 (every equality)

has real solutions that satisfy the inequalities, c0 is the global minimum and those solutions
are the global minimizers; the KKT active sets need not be examined ("a square is never
negative", as the lecture argues for least squares). When maximizing, the same holds for -f.
HS26 (f = (x1 - x2)**2 + (x2 - x3)**4) and HS46 reach f = 0 this way.

The certificate is claimed only when the elimination (:func:`.system.solve_system`) solves that
system completely into isolated points by lossless steps (no ``sympy.solve``, no family, nothing
left unsolved), and every requirement at each point (real, feasible, the variables' signs) is
decided exactly; otherwise :func:`squares_reach_bound` returns None and the solver goes on as
before. Its work is bounded by :data:`SECONDS` of CPU time inside the solve's budget.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from .candidates import dedupe
from .classify import exact_second_order
from .requirements import decide, feasibility_requirements, real_number, sign_requirements
from .result import Point
from .system import solve_system
from ..runtime import TimeLimit, TooLarge

__all__ = ["SquaresBound", "square_terms", "squares_reach_bound", "SECONDS"]

SECONDS = 1.0             # CPU seconds at most for solving b_i = 0 with the constraints


@dataclass
class SquaresBound:
    """The certificate: ``bound`` c0 of the objective to minimize (``sign * f``), the ``bases``
    b_i, and the global optimizers ``points`` (user's sign: the value is ``sign * bound``)."""

    sign: int
    bound: sp.Expr
    bases: tuple
    points: list

    @property
    def value(self) -> sp.Expr:
        """The optimal value of f itself (sign * c0)."""
        return self.sign * self.bound

    def sentence(self, word: str) -> str:
        """The evidence, in the lecture's words (``word``: "minimum" or "maximum")."""
        side = ">=" if self.sign > 0 else "<="
        value = sp.sstr(self.value)
        rest = "f" if self.value == 0 else f"f - ({value})"
        plural = {"minimum": "minima", "maximum": "maxima"}[word]
        return (f"f {side} {value} everywhere, since {rest} is {'' if self.sign > 0 else 'minus '}"
                f"a sum of even powers with positive coefficients, and f = {value} at the "
                f"feasible points where every power's base vanishes: they are the global {plural}")


def square_terms(expr) -> tuple | None:
    """``(c0, bases)`` when ``expr`` = c0 + sum_i c_i b_i**(2 k_i) with c0 a real number, every
    c_i a positive number, k_i >= 1 and every b_i real for all real values of its symbols (so
    expr >= c0, with equality exactly where every b_i = 0); else None."""
    c0, bases = sp.Integer(0), []
    for term in sp.Add.make_args(expr):
        if term.is_number:
            if term.is_extended_real is not True:
                return None
            c0 += term
            continue
        coeff, power = term.as_coeff_Mul()
        if not (coeff.is_positive and isinstance(power, sp.Pow) and power.exp.is_Integer
                and power.exp.is_even and power.exp.is_positive and power.base.is_real):
            return None                 # a complex base (sqrt(x), x < 0) may square below 0
        bases.append(power.base)
    return (c0, tuple(bases)) if bases else None


def squares_reach_bound(internal, budget=None) -> SquaresBound | None:
    """The certificate of the module docstring for the standard form ``internal``, or None when
    the objective is not such a sum, has parameters, or the bound is not shown to be reached."""
    if internal.params:
        return None
    sign = -1 if internal.sense.is_max else 1
    split = square_terms(sign * internal.f)
    if split is None:
        return None
    c0, bases = split
    branches = _zero_set(list(bases) + list(internal.g), internal.variables, budget)
    if branches is None:
        return None
    points = []
    for branch in branches:
        point = _feasible_point(internal, branch.values())
        if point is False:
            return None                 # a requirement that cannot be decided: no claim
        if point is not None:
            points.append(point)
    points = dedupe(points)
    if not points or not all(_reaches(internal.f, p.x, sign * c0) for p in points):
        return None
    points = [_with_multipliers(internal, Point(p.x, value=sign * c0)) for p in points]
    if any(p is None for p in points):
        return None
    points = [_classified(internal, p) for p in points]
    if any(p is None for p in points):
        return None
    return SquaresBound(sign, c0, bases, points)


def _classified(internal, point):
    """``point`` with the exact second-order test's kind and reason, completed by the bound (a
    global optimizer is a local one: an undecided test is decided by it). A test that says
    otherwise contradicts the bound: then no claim is made (None)."""
    word = internal.sense.word
    bound = f"global {word}: f = {sp.sstr(point.value)} here, its bound on the whole space"
    if not point.regular:
        return replace(point, kind=word, reason=bound)
    local = exact_second_order(internal, point)
    if local.kind not in (word, "inconclusive"):
        return None
    return replace(point, kind=word, reason=f"{local.reason}; {bound}")


def _zero_set(equations, variables, budget):
    """The solved branches of ``equations`` = 0, or None unless the elimination solved them
    completely into isolated points by lossless steps within :data:`SECONDS`."""
    part = budget.part(SECONDS) if budget is not None else None
    try:
        branches = solve_system(equations, variables, budget=part)
    except TooLarge:
        return None
    except TimeLimit:
        if budget is not None and budget.expired():
            raise                       # the solve's own budget is spent, not only this part
        return None
    if any(b.status not in ("solved", "infeasible") for b in branches):
        return None
    if any(op.kind == "sympy" for b in branches for op in b.ops):
        return None                     # sympy.solve may miss solutions (CONVENTIONS.md)
    return [b for b in branches if b.status == "solved"]


def _feasible_point(internal, values):
    """A :class:`Point` when the branch's values are real and feasible, None when a requirement
    is decided false, False when one cannot be decided."""
    x = {v: values.get(v, v) for v in internal.variables}
    if any(value.free_symbols for value in x.values()):
        return False
    if any(real_number(value) is False for value in x.values()):
        return None
    verdicts = [decide(r) for r in sign_requirements(internal.variables, x)
                + feasibility_requirements(internal, x)]
    if False in verdicts:
        return None
    if None in verdicts or any(real_number(value) is not True for value in x.values()):
        return False
    return Point(x)


def _reaches(f, x, bound) -> bool:
    """A guard on the algebra: f(x) - bound is 0 to 50 digits."""
    gap = sp.N(f.xreplace(x) - bound, 50)
    return gap.is_number and abs(gap) < sp.Float(10) ** -40


def _with_multipliers(internal, point):
    """``point`` with its multipliers: those of the active inequalities and the equalities
    solve grad f = sum lambda_k grad g_k + sum mu_j grad h_j at x (linear). A unique solution
    (the active gradients independent) gives them, mu_j >= 0 as KKT requires of a minimizer;
    without one the point is irregular. None when a unique mu_j < 0 (not a KKT point: no claim)."""
    x = point.x
    active = tuple(j for j, h in enumerate(internal.h) if decide(sp.Eq(h.xreplace(x), 0)))
    unknowns = list(internal.lambdas) + [internal.mus[j] for j in active]
    equations = [e.xreplace(x) for e in internal.lagrangian_gradient(active)]
    inactive = {m: sp.Integer(0) for j, m in enumerate(internal.mus) if j not in active}
    active_numbers = tuple(j + 1 for j in active)
    if not unknowns:
        return Point(x, inactive, point.value, point.kind, active=active_numbers,
                     reason=point.reason)
    solutions = sp.linsolve(equations, unknowns)
    if not isinstance(solutions, sp.FiniteSet) or len(solutions) != 1:
        return Point(x, {}, point.value, point.kind, regular=False, active=active_numbers,
                     reason=point.reason)
    (values,) = solutions
    if any(v.free_symbols for v in values):
        return Point(x, {}, point.value, point.kind, regular=False, active=active_numbers,
                     reason=point.reason)
    multipliers = dict(zip(unknowns, values))
    if any(decide(sp.Ge(multipliers[internal.mus[j]], 0)) is False for j in active):
        return None
    return Point(x, {**multipliers, **inactive}, point.value, point.kind, active=active_numbers,
                 reason=point.reason)
