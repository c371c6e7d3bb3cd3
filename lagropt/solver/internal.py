"""The problem as the solver sees it: real symbols, oriented constraints, derivatives."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..lagrangian import lagrangian
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

    def gradient(self, expr) -> tuple:
        """(d expr/dx_1, ..., d expr/dx_N) for f or a constraint function, computed once: the
        stationarity step, every active set's KKT system, the Jacobians and the Hessians all
        start from these (f of a Boltzmann problem is a sum of I terms: differentiating it
        again for each of them was a quarter of the solve)."""
        cache = self.__dict__.setdefault("_gradients", {})
        if expr not in cache:
            cache[expr] = tuple(_derivative(expr, x) for x in self.variables)
        return cache[expr]

    def hessian(self, expr) -> sp.Matrix:
        """The Hessian of f or a constraint function, from its gradient (symmetric: each
        entry d/dx_j of d expr/dx_i once), computed once."""
        cache = self.__dict__.setdefault("_hessians", {})
        if expr not in cache:
            grad, xs = self.gradient(expr), self.variables
            n = len(xs)
            H = sp.zeros(n, n)
            for i in range(n):
                for j in range(i, n):
                    H[i, j] = H[j, i] = _derivative(grad[i], xs[j])
            cache[expr] = H
        return cache[expr]

    def multiplied(self, active=()) -> list:
        """(multiplier, function) of L's constraint terms: every equality, the active
        inequalities."""
        return list(zip(self.lambdas, self.g)) + [(self.mus[j], self.h[j]) for j in active]

    def lagrangian_gradient(self, active=()) -> list:
        """dL/dx_i = df/dx_i - sum lambda_k dg_k/dx_i - sum_{j in active} mu_j dh_j/dx_i."""
        grads = [(m, self.gradient(g)) for m, g in self.multiplied(active)]
        return [df - sp.Add(*[m * dg[i] for m, dg in grads])
                for i, df in enumerate(self.gradient(self.f))]

    def jacobian(self, active=()) -> sp.Matrix:
        functions = self.active_functions(active)
        if not functions:
            return sp.zeros(0, len(self.variables))
        return sp.Matrix([list(self.gradient(g)) for g in functions])

    def hessian_of_lagrangian(self, active=()) -> sp.Matrix:
        """f's Hessian minus the multipliers times the constraint functions' Hessians."""
        H = self.objective_hessian
        for m, g in self.multiplied(active):
            Hg = self.hessian(g)
            if not Hg.is_zero_matrix:
                H = H - m * Hg
        return H

    @property
    def objective_hessian(self) -> sp.Matrix:
        return self.hessian(self.f)


def _derivative(expr, x):
    """d expr/dx; of a sum, only of the terms that contain x (SymPy's diff sets up a
    Derivative for every term, also for the many that do not depend on x)."""
    if isinstance(expr, sp.Add):
        return sp.Add(*[sp.diff(term, x) for term in expr.args if term.has(x)])
    return sp.diff(expr, x) if expr.has(x) else sp.S.Zero
