"""Exact values in their final, readable form, without paying for ``simplify`` on large ones."""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .polynomial import simplest_algebraic

__all__ = ["final_form"]

_SIMPLIFY_BELOW = 12   # count_ops under which a full simplify is affordable (it costs ~0.5 s on
                       # a 20-op sum of exponentials, 1000x the other rewrites)


def _cancel_bases(value):
    """Powers with their bases cancelled: (-1/(-a - b))**c -> (1/(a + b))**c."""
    return value.replace(lambda e: isinstance(e, sp.Pow) and not e.base.is_Atom,
                         lambda e: sp.Pow(sp.cancel(e.base), e.exp))


def _rewrites(value):
    """Cheap exact rewritings of a symbolic value."""
    yield sp.powsimp(sp.expand_power_exp(value), combine="base")
    if not value.has(sp.log):
        yield sp.powsimp(_cancel_bases(value))
    yield sp.expand_log(value, force=False)
    yield sp.factor_terms(value)
    if not value.has(sp.exp, sp.log) and sp.count_ops(value) < 60:
        yield sp.factor(value)
    if sp.count_ops(value) < _SIMPLIFY_BELOW:
        yield sp.simplify(value)


def final_form(value):
    """The shortest of a few exact rewritings (numbers: radicals denested, Floats rationalized)."""
    if not isinstance(value, sp.Basic):
        value = sp.sympify(value)
    return _final_form(value)


@lru_cache(maxsize=8192)
def _final_form(value):
    if value.is_number:
        if value.has(sp.CRootOf):
            return simplest_algebraic(value)
        out = sp.nsimplify(value) if value.is_Float else value
        if out.has(sp.log, sp.exp) and sp.count_ops(out) < 20:
            out = sp.simplify(out)
        elif out.has(sp.Pow) and not out.is_Rational:
            out = sp.radsimp(sp.sqrtdenest(sp.expand(out)))
        return out
    best, cost = value, sp.count_ops(value)
    if cost > 300:
        return value
    for form in _rewrites(value):
        c = sp.count_ops(form)
        if c < cost or (c == cost and len(str(form)) < len(str(best))):
            best, cost = form, c
    return best




def value_on_remaining(value, remaining, unknowns) -> tuple:
    """The objective at a point given in terms of unsolved multipliers, shortened: logarithms
    expanded and collected over the value's denominator; then, where the rest is proportional
    to a remaining equation's left side, that side replaced by its right side (the equation
    holds at the point). -sum p_i ln p_i with p_i = e^{-lambda eps_i}/Z becomes ln Z + lambda E.

    Returns (the shortened value, equal to ``value`` for every multiplier; the value with the
    remaining equation used, or None).
    """
    numer, denom = sp.fraction(sp.expand_log(value))
    numer = sp.expand_mul(numer)
    logs = sorted(numer.atoms(sp.log), key=sp.default_sort_key)
    parts = sp.collect(numer, logs, evaluate=False) if logs else {sp.S.One: numer}
    rest = sp.factor_terms(parts.pop(sp.S.One, sp.S.Zero)) / denom
    logged = sp.Add(*[k * _ratio(c, denom) for k, c in parts.items()])
    shorter = logged + rest
    if sp.count_ops(shorter) >= sp.count_ops(value) or sp.simplify(shorter - value) != 0:
        shorter = value
    for eq in remaining:
        if eq.lhs == 0:
            continue
        ratio = sp.cancel(sp.together(rest / eq.lhs))
        if ratio.free_symbols <= set(unknowns) | eq.rhs.free_symbols and sp.count_ops(ratio) <= 4:
            return shorter, logged + ratio * eq.rhs
    return shorter, None


def _ratio(a, b):
    """a / b, as 1 or -1 when the two agree up to sign (without multiplying anything out)."""
    for sign in (1, -1):
        if sp.expand(a - sign * b) == 0:
            return sp.Integer(sign)
    return a / b
