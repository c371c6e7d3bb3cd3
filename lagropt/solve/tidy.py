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
