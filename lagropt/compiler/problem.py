"""A :class:`~lagropt.Problem` compiled: objective, constraints and their Jacobians in NumPy.

This is what :func:`lagropt.verify` and the numeric fallback hand to scipy.optimize. Its
functions return NaN or inf where the expressions do (scipy handles those itself) instead of
raising as :class:`~lagropt.compiler.Compiled` does by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import LagroptError
from ..standard import StandardForm
from .codegen import generate
from .compiled import Compiled
from .diff import Differentiator
from .index import index_form

__all__ = ["VectorFunction", "CompiledProblem", "compile_problem", "compile_vector"]


@dataclass
class VectorFunction:
    """A vector of expressions g(x) and its Jacobian, as NumPy callables of one array x."""

    exprs: tuple
    wrt: tuple
    _f: object = None
    _j: object = None

    def __call__(self, x) -> np.ndarray:
        if not self.exprs:
            return np.zeros(0)
        with np.errstate(all="ignore"):
            out = self._f.function(*np.asarray(x, dtype=float).reshape(-1))
        return np.array(out, dtype=float)

    def raw(self, which: str = "value"):
        """The generated function of the scalar variables, unchecked: ``raw("value")(*x)``
        gives the K values, ``raw("jac")(*x)`` the K x N Jacobian entries row by row (the
        small-problem path of :func:`lagropt.optim.descend`). None when there are no
        expressions."""
        if not self.exprs:
            return None
        return (self._f if which == "value" else self._j).function

    def jac(self, x) -> np.ndarray:
        """The Jacobian dg_k/dx_i, shape (len(exprs), len(wrt))."""
        if not self.exprs:
            return np.zeros((0, len(self.wrt)))
        with np.errstate(all="ignore"):
            out = self._j.function(*np.asarray(x, dtype=float).reshape(-1))
        return np.array(out, dtype=float).reshape(len(self.exprs), len(self.wrt))


def compile_vector(exprs, wrt) -> VectorFunction:
    """Compile scalar expressions ``exprs`` in the scalar symbols ``wrt`` with their Jacobian."""
    exprs, wrt = tuple(sp.sympify(e) for e in exprs), tuple(wrt)
    if not exprs:
        return VectorFunction((), wrt)
    forms = [index_form(e, wrt) for e in exprs]
    form = forms[0]
    diff = Differentiator(form)
    values = [(f.expr, ()) for f in forms]
    jac = [(diff.d(f.expr, p, ()), ()) for f in forms for p in form.params]
    return VectorFunction(exprs, wrt, generate(form, values, "g"), generate(form, jac, "jac"))


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

    def slsqp_constraints(self) -> list:
        """The constraints as scipy's SLSQP takes them: g = 0 ("eq") and h >= 0 ("ineq"),
        each with its Jacobian; empty kinds left out."""
        out = []
        if self.equalities.exprs:
            out.append({"type": "eq", "fun": self.equalities, "jac": self.equalities.jac})
        if self.inequalities.exprs:
            out.append({"type": "ineq", "fun": self.inequalities, "jac": self.inequalities.jac})
        return out


def _bounds(variables):
    out = []
    for v in variables:
        lo = 0.0 if (v.is_nonnegative or v.is_positive) else None
        hi = 0.0 if (v.is_nonpositive or v.is_negative) else None
        out.append((lo, hi))
    return out


def compile_problem(problem, subs: dict | None = None) -> CompiledProblem:
    """Compile a :class:`~lagropt.Problem` with parameters replaced by numbers (``subs``)."""
    internal = problem if isinstance(problem, StandardForm) else StandardForm(problem)
    subs = {internal.to_real.get(k, k): v for k, v in (subs or {}).items()}
    missing = set(internal.params) - set(subs)
    if missing:
        raise LagroptError("give numbers for the parameters " + ", ".join(sorted(map(str, missing))))
    rep = lambda e: sp.sympify(e).xreplace(subs)  # noqa: E731
    xs = internal.variables
    # orient every inequality as ">= 0"
    ge = [c.function if c.relation == ">=" else -c.function for c in internal.problem.inequalities]
    ge = [rep(e.xreplace(internal.to_real)) for e in ge]
    objective = rep(internal.f)
    return CompiledProblem(xs, internal.sense,
                           Compiled(objective, index_form(objective, xs), check_finite=False),
                           compile_vector([rep(g) for g in internal.g], xs),
                           compile_vector(ge, xs), internal.strict, _bounds(xs))
