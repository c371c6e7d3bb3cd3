"""The Lagrangian and the stationarity (KKT) system, in the lecture's sign convention.

With equality constraints g_k(x) = 0 the lecture writes

    L(x, lambda) = f(x) - sum_k lambda_k g_k(x),

and the N + K equations  grad f = sum_k lambda_k grad g_k,  g_k = 0.

Inequality constraints h_j enter the same way, L = f - sum lambda_k g_k - sum mu_j h_j, with each
h_j oriented so that mu_j >= 0 makes L a bound on f over the feasible set: h_j <= 0 when
maximizing, h_j >= 0 when minimizing (the latter is Nocedal & Wright's convention).
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

__all__ = ["multiplier_symbols", "lagrangian", "stationarity_equations", "gradient", "jacobian",
           "partial", "strip_range", "summation_index"]


def multiplier_symbols(count: int, base: str = "lambda", avoid: Sequence[str] = (),
                       numbered: bool = False) -> tuple:
    """``lambda`` for one constraint, ``lambda_1 .. lambda_K`` for several (real symbols).

    ``numbered=True`` numbers a single multiplier too (``mu_1``). Names already used by the
    problem (``avoid``) get a prime appended until they are free.
    """
    names = ([base] if count == 1 and not numbered
             else [f"{base}_{k}" for k in range(1, count + 1)])
    taken = set(avoid)
    out = []
    for name in names:
        while name in taken:
            name += "'"
        taken.add(name)
        out.append(sp.Symbol(name, real=True))
    return tuple(out)


def lagrangian(f: sp.Expr, constraint_functions: Sequence[sp.Expr], multipliers: Sequence) -> sp.Expr:
    """L = f - sum_k multiplier_k * constraint_function_k."""
    return f - sp.Add(*[m * g for m, g in zip(multipliers, constraint_functions)])


def gradient(expr: sp.Expr, variables: Sequence) -> list:
    """[d expr / d x_i for x_i in variables]."""
    return [sp.diff(expr, v) for v in variables]


def jacobian(functions: Sequence[sp.Expr], variables: Sequence) -> sp.Matrix:
    """Matrix of d g_k / d x_i (rows: functions, columns: variables)."""
    if not functions:
        return sp.zeros(0, len(variables))
    return sp.Matrix([[sp.diff(g, v) for v in variables] for g in functions])


def stationarity_equations(f: sp.Expr, constraint_functions: Sequence[sp.Expr],
                           multipliers: Sequence, variables: Sequence) -> list:
    """The N equations  df/dx_i = sum_k lambda_k dg_k/dx_i  (unevaluated ``Eq``); for an
    IndexedBase family one equation at the generic index of its sums."""
    index = summation_index(f, *constraint_functions)
    eqs = []
    for v in variables:
        rhs = sp.Add(*[m * partial(g, v, index) for m, g in zip(multipliers, constraint_functions)])
        eqs.append(sp.Eq(partial(f, v, index), rhs, evaluate=False))
    return eqs


def strip_range(expr):
    """Piecewise((e, 1 <= j <= N), (0, True)) -> e: the generic index is in range."""
    return expr.replace(lambda e: isinstance(e, sp.Piecewise) and len(e.args) == 2
                        and e.args[1].cond is sp.true and e.args[1].expr == 0,
                        lambda e: e.args[0].expr)


def summation_index(*exprs):
    """The index symbol of the first Sum or Product among exprs (None if there is none)."""
    for expr in exprs:
        for s in sp.preorder_traversal(expr):
            if isinstance(s, (sp.Sum, sp.Product)):
                return s.limits[0][0]
    return None


def partial(expr, var, index=None):
    """d expr / d var; for an IndexedBase family, the derivative by its generic element
    var[index] (KroneckerDelta sums evaluated, the range Piecewise stripped)."""
    if not isinstance(var, sp.IndexedBase):
        return sp.diff(expr, var)
    j = sp.Dummy("j", integer=True)
    out = strip_range(sp.diff(expr, var[j]).doit())
    return out.xreplace({j: index}) if index is not None else out
