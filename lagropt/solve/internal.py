"""The problem as the solver sees it: real symbols, oriented constraints, derivatives."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from ..lagrangian import jacobian, lagrangian
from ..problem import Problem, real_version

__all__ = ["Internal"]


@dataclass
class Internal:
    """A :class:`Problem` with every variable and parameter made real (optimization is over
    the reals) and the maps between the user's symbols and these."""

    problem: Problem

    def __post_init__(self):
        p = self.problem
        self.to_real = {s: real_version(s) for s in p.variables + p.params}
        self.to_user = {v: k for k, v in self.to_real.items() if k is not v}
        self.floats = {}                      # Float -> the exact rational it is read as
        r = lambda e: self._rationalize(e.xreplace(self.to_real))  # noqa: E731
        self.sense = p.sense
        self.f = r(p.objective)
        self.variables = tuple(self.to_real[v] for v in p.variables)
        self.params = tuple(self.to_real[v] for v in p.params)
        self.g = tuple(r(g) for g in p.equality_functions)
        self.h = tuple(r(h) for h in p.inequality_functions)
        self.strict = tuple(c.strict for c in p.inequalities)
        self.lambdas = p.equality_multipliers
        self.mus = p.inequality_multipliers
        self.decided_false = any(c.decided is False for c in p.constraints)

    def _rationalize(self, expr):
        """Floats (0.5 in x**0.5, 0.1 as a coefficient) read as the exact rationals they print
        as, so that the exact solver works with exact numbers; recorded in ``floats``."""
        for f in expr.atoms(sp.Float):
            self.floats[f] = sp.nsimplify(f, rational=True)
        return expr.xreplace(self.floats) if self.floats else expr

    @property
    def nonsmooth(self) -> list:
        """Subexpressions of f or the constraints that are not differentiable in the variables."""
        kinds = (sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.Piecewise)
        found = []
        for e in (self.f, *self.g, *self.h):
            for atom in e.atoms(*kinds):
                if atom.free_symbols & set(self.variables) and atom not in found:
                    found.append(atom)
        return found

    def lagrangian(self, active=()) -> sp.Expr:
        """L = f - sum lambda_k g_k - sum_{j in active} mu_j h_j."""
        return lagrangian(self.f, self.g + tuple(self.h[j] for j in active),
                          self.lambdas + tuple(self.mus[j] for j in active))

    def active_functions(self, active=()) -> tuple:
        return self.g + tuple(self.h[j] for j in active)

    def jacobian(self, active=()) -> sp.Matrix:
        return jacobian(self.active_functions(active), self.variables)

    def hessian_of_lagrangian(self, active=()) -> sp.Matrix:
        return sp.hessian(self.lagrangian(active), self.variables)

    @cached_property
    def objective_hessian(self) -> sp.Matrix:
        return sp.hessian(self.f, self.variables)
