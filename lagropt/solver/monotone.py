"""Optimizing through a strictly increasing function: max e^u is max u.

For f = c * exp(u) + d with c > 0 the optimizers of f and u coincide, and the stationarity
conditions grad f = f'(u) grad u = sum lambda_k grad g_k show that the multipliers scale by
f'(u(x*)) = c exp(u(x*)) > 0 (signs, and so the KKT conditions, are kept). Solving for u keeps a
polynomial u polynomial (e^{xy} on x^3 + y^3 = 16 becomes xy on the same curve).
"""

from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp

from ..standard import Sense

__all__ = ["split_monotone", "lift_solution"]


def split_monotone(f):
    """(u, outer) when f = c exp(u) + d with c > 0 a number, else None. ``outer(u)`` rebuilds f."""
    d, rest = f.as_independent(*f.free_symbols, as_Add=True) if isinstance(f, sp.Add) else (sp.Integer(0), f)
    c, core = rest.as_coeff_Mul()
    if not isinstance(core, sp.exp) or not (c.is_positive and d.is_number):
        return None
    u = core.args[0]
    return u, (lambda v: c * sp.exp(v) + d)


def lift_solution(solution, u, outer, sense):
    """The solution for f from the solution for u: the same points, values through ``outer``,
    multipliers times f'(u(x)) > 0, the evidence restated for u (it was found for u), and the
    two steps that say so in the derivation."""
    from ..derivation import Step
    from .tidy import final_form

    t = sp.Dummy("t")
    slope = sp.diff(outer(t), t)
    lifted_points = {}
    for p in solution.points:
        if p.value is None:
            continue
        scale = final_form(slope.xreplace({t: p.value}))
        lifted_points[id(p)] = replace(
            p, multipliers={m: final_form(v * scale) for m, v in p.multipliers.items()},
            value=final_form(outer(p.value)))
    points = [lifted_points.get(id(p), p) for p in solution.points]
    optimum = [lifted_points.get(id(p), p) for p in solution.optimum]
    status, message, value = solution.status, solution.message, solution.value
    U = sp.Symbol("u")
    evidence = [_about_u(e, u) for e in solution.evidence]
    lifted_note = None
    if solution.value is not None:
        infinite = solution.value in (sp.oo, -sp.oo)
        lifted = sp.limit(outer(t), t, solution.value) if infinite else outer(solution.value)
        if infinite:
            evidence.append(f"u -> {sp.sstr(solution.value)}, so f = {sp.sstr(outer(U))} -> "
                            f"{sp.sstr(lifted)}")
        if infinite and lifted.is_finite:
            # u escapes to infinity but f = c e^u + d only approaches a bound
            word = Sense(sense).bound
            numeric = "(numeric)" in solution.message
            status = "not_attained"
            message = (f"the {word} {sp.sstr(lifted)} is approached but not attained"
                       if not numeric else f"the {word} is not attained (numeric)")
            evidence[-1] += f": the {word} {sp.sstr(lifted)} is approached but not attained"
            if numeric:
                lifted = None
        if infinite:
            lifted_note = evidence[-1]
        value = None if lifted is None else final_form(lifted)
    solution.derivation.steps.insert(0, Step(
        "transform", f"f = {sp.sstr(outer(U))} is increasing in u = {sp.sstr(u)}: the same points "
        "optimize u, so solve for u.", (sp.Eq(U, u, evaluate=False),)))
    solution.derivation.add(
        "transform", "Back to f: f* = f(u*), and since grad f = f'(u) grad u each multiplier of f "
        "is f'(u*) > 0 times the multiplier of u.", (sp.Eq(sp.Symbol("f"), outer(U), evaluate=False),))
    if lifted_note:
        solution.derivation.add("transform", "Then " + lifted_note + ".")
    cases = [replace(c, optimum=[lifted_points.get(id(p), p) for p in c.optimum],
                     value=final_form(outer(c.value))) for c in solution.cases]
    return replace(solution, status=status, points=points, optimum=optimum, value=value,
                   evidence=evidence, message=message, cases=cases)


def _about_u(text: str, u) -> str:
    """Evidence found for the exponent u, where it says "f": said of u (or, when a symbol is
    named f or u, with a note instead of a rewrite)."""
    if {"f", "u"} & {s.name for s in u.free_symbols}:
        return f"for the exponent u = {sp.sstr(u)}, writing f for u: {text}"
    return re.sub(r"\bf\b", "u", text)
