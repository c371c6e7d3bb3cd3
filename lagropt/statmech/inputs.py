"""Checking what the user passes: numbers or SymPy expressions, never strings (no eval)."""

from __future__ import annotations

import math

import sympy as sp

from ..errors import StatMechError

__all__ = ["expression"]


def expression(obj, what: str, infinite: bool = False) -> sp.Expr:
    """``obj`` as a real SymPy expression, or a one-line StatMechError naming ``what``.

    Parameters
    ----------
    obj : number or sympy.Expr
        The input (a float infinity becomes ``oo`` when ``infinite`` allows it).
    what : str
        How the message names it ("the mean", "level 3").
    infinite : bool
        Whether +-oo is allowed (the end of a support).

    Returns
    -------
    sympy.Expr
    """
    if isinstance(obj, (str, bytes)):
        raise StatMechError(f"{what} is a string {obj!r}: pass a number or a SymPy expression")
    if isinstance(obj, bool):
        raise StatMechError(f"{what} is a truth value, not a number")
    if isinstance(obj, float) and math.isinf(obj):
        obj = sp.oo if obj > 0 else -sp.oo
    try:
        value = sp.sympify(obj, strict=True)
    except (sp.SympifyError, TypeError):
        raise StatMechError(f"{what} must be a number or a SymPy expression, got "
                            f"{type(obj).__name__}") from None
    if not isinstance(value, sp.Expr) or value.has(sp.nan, sp.zoo) \
            or value.is_extended_real is False:
        raise StatMechError(f"{what} must be a real number or expression, got {value}")
    if not infinite and value.has(sp.oo, -sp.oo):
        raise StatMechError(f"{what} is not finite: {value}")
    return value
