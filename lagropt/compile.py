"""SymPy -> NumPy: value, gradient and Hessian callables from one expression.

``compile(expr, wrt)`` differentiates once, symbolically, and lambdifies with common
subexpression elimination, so the numeric path never re-types a formula SymPy already holds.
A :class:`~lagropt.Problem` compiles the same way, with its constraints and their Jacobians
(:func:`compile_problem`), which is what :func:`lagropt.verify` and the numeric fallback use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from .errors import LagroptError

__all__ = ["Compiled", "CompiledProblem", "compile", "compile_problem"]


def _lambdify(args, expr):
    return sp.lambdify(args, expr, modules="numpy", cse=True)


@dataclass
class Compiled:
    """NumPy callables for a scalar expression in the parameters ``wrt``.

    ``value(x)``, ``grad(x)`` (shape (n,)) and ``hess(x)`` (shape (n, n)) take a 1-D array of
    the parameters, in the order of ``wrt``.
    """

    expr: sp.Expr
    wrt: tuple
    _f: Callable
    _g: Callable
    _h: Callable | None

    def value(self, x) -> float:
        return float(self._f(*np.asarray(x, dtype=float)))

    def grad(self, x) -> np.ndarray:
        return np.asarray(self._g(*np.asarray(x, dtype=float)), dtype=float).reshape(len(self.wrt))

    def hess(self, x) -> np.ndarray:
        n = len(self.wrt)
        if self._h is None:
            raise LagroptError("compiled without a Hessian (hessian=False)")
        return np.asarray(self._h(*np.asarray(x, dtype=float)), dtype=float).reshape(n, n)

    def value_and_grad(self, x):
        return self.value(x), self.grad(x)

    __call__ = value


def compile(expr, wrt: Sequence, hessian: bool = True) -> Compiled:  # noqa: A001 - the API name
    """Compile ``expr`` into NumPy value/grad/hess functions of the symbols ``wrt``."""
    expr = sp.sympify(expr)
    wrt = tuple(wrt)
    extra = expr.free_symbols - set(wrt)
    if extra:
        raise LagroptError("the expression has free symbols that are not parameters: "
                           + ", ".join(sorted(map(str, extra))))
    grad = [sp.diff(expr, v) for v in wrt]
    hess = sp.hessian(expr, wrt) if hessian else None
    return Compiled(expr, wrt, _lambdify(wrt, expr), _lambdify(wrt, grad),
                    _lambdify(wrt, hess) if hessian else None)


@dataclass
class VectorFunction:
    """A vector of expressions with its Jacobian, as NumPy callables of one array."""

    exprs: tuple
    wrt: tuple
    _f: Callable
    _j: Callable

    def __call__(self, x) -> np.ndarray:
        if not self.exprs:
            return np.zeros(0)
        return np.asarray(self._f(*np.asarray(x, dtype=float)), dtype=float).reshape(len(self.exprs))

    def jac(self, x) -> np.ndarray:
        if not self.exprs:
            return np.zeros((0, len(self.wrt)))
        return np.asarray(self._j(*np.asarray(x, dtype=float)), dtype=float).reshape(
            len(self.exprs), len(self.wrt))


def _vector(exprs, wrt) -> VectorFunction:
    exprs, wrt = tuple(exprs), tuple(wrt)
    if not exprs:
        return VectorFunction((), wrt, None, None)
    jac = sp.Matrix([[sp.diff(e, v) for v in wrt] for e in exprs])
    return VectorFunction(exprs, wrt, _lambdify(wrt, list(exprs)), _lambdify(wrt, jac))


@dataclass
class CompiledProblem:
    """A problem's objective and constraints as NumPy callables of the variable vector.

    ``objective`` is f (whatever the sense); ``equalities`` the vector g (g = 0) and
    ``inequalities`` the vector h oriented as the user wrote it, ``h >= 0`` form: each
    inequality ``lhs <= rhs`` becomes ``rhs - lhs >= 0``.
    """

    variables: tuple
    sense: str
    objective: Compiled
    equalities: VectorFunction
    inequalities: VectorFunction
    strict: tuple
    bounds: list


def _bounds(variables):
    out = []
    for v in variables:
        lo = 0.0 if (v.is_nonnegative or v.is_positive) else None
        hi = 0.0 if (v.is_nonpositive or v.is_negative) else None
        out.append((lo, hi))
    return out


def compile_problem(problem, subs: dict | None = None) -> CompiledProblem:
    """Compile a :class:`~lagropt.Problem` with parameters replaced by numbers (``subs``)."""
    from .solve.internal import Internal

    internal = problem if isinstance(problem, Internal) else Internal(problem)
    subs = {internal.to_real.get(k, k): v for k, v in (subs or {}).items()}
    missing = set(internal.params) - set(subs)
    if missing:
        raise LagroptError("give numbers for the parameters " + ", ".join(sorted(map(str, missing))))
    rep = lambda e: sp.sympify(e).xreplace(subs)  # noqa: E731
    xs = internal.variables
    # orient every inequality as ">= 0"
    ge = [c.function if c.relation == ">=" else -c.function for c in internal.problem.inequalities]
    ge = [rep(e.xreplace(internal.to_real)) for e in ge]
    return CompiledProblem(xs, internal.sense, compile(rep(internal.f), xs),
                           _vector([rep(g) for g in internal.g], xs), _vector(ge, xs),
                           internal.strict, _bounds(xs))
