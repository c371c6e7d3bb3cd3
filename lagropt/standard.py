"""The standard form of a problem: what every exact and numeric method works on.

A :class:`~lagropt.Problem` is what the user wrote. Its :class:`StandardForm` is the same problem
as the mathematics needs it (``problem.standard_form()`` or ``StandardForm(problem)``):

* every variable and parameter a real symbol (optimization is over the reals);
* floats read as the exact rationals they print as (``0.5`` in ``x**0.5`` is ``1/2``);
* the equalities ``g_k = 0`` and the inequalities ``h_j`` oriented by the :class:`Sense`
  (``h_j <= 0`` when maximizing, ``h_j >= 0`` when minimizing), so that every multiplier of an
  active inequality is ``>= 0`` at a KKT point;
* the Lagrangian ``L = f - sum lambda_k g_k - sum_{j active} mu_j h_j``, its gradient, the KKT
  system of an active set, the Jacobians and the Hessians, each derivative computed once.

This module is the one place the Lagrangian and its derivatives are built: the exact solver and
its numeric fallback (:mod:`lagropt.solve`, and through it :mod:`lagropt.statmech`),
:attr:`Problem.equations <lagropt.Problem.equations>` and :attr:`Problem.lagrangian
<lagropt.Problem.lagrangian>`, the compiled problem (:mod:`lagropt.compile`) and
:mod:`lagropt.verify` are its clients. Derived problems (the closure of an open feasible set,
:mod:`lagropt.solver.closure`; the phase-one problem of a feasibility question,
:mod:`lagropt.solver.feasibility`) are standard forms of problems built from this one, and go
through the same candidate and verdict stages as the problem itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .lagrangian import lagrangian, stationarity_equations

__all__ = ["Sense", "StandardForm", "real_version", "oriented_inequalities", "user_lagrangian",
           "user_equations"]


class Sense(str):
    """``"max"`` or ``"min"``, with what depends on it said once.

    A ``Sense`` is the string it names (``Sense("max") == "max"``), so it passes wherever the
    word did; its attributes replace ``"maximum" if sense == "max" else "minimum"`` branches.
    """

    _NAMES = {"max": "max", "maximize": "max", "maximum": "max",
              "min": "min", "minimize": "min", "minimum": "min"}

    def __new__(cls, name="max"):
        if isinstance(name, Sense):
            return name
        if name not in cls._NAMES:
            raise ValueError(f"sense must be 'max' or 'min', got {name!r}")
        return super().__new__(cls, cls._NAMES[name])

    def __reduce__(self):               # pickled (to a worker) as the word it is
        return (Sense, (str(self),))

    @property
    def is_max(self) -> bool:
        return str(self) == "max"

    @property
    def sign(self) -> int:
        """+1 when maximizing, -1 when minimizing: ``sign * f`` is to be made large."""
        return 1 if self.is_max else -1

    @property
    def word(self) -> str:
        """"maximum" or "minimum"."""
        return "maximum" if self.is_max else "minimum"

    @property
    def verb(self) -> str:
        """"maximize" or "minimize"."""
        return "maximize" if self.is_max else "minimize"

    @property
    def bound(self) -> str:
        """"supremum" or "infimum": the value approached when no point attains it."""
        return "supremum" if self.is_max else "infimum"

    @property
    def side(self) -> str:
        """"above" or "below": where f is unbounded when there is no optimum."""
        return "above" if self.is_max else "below"

    @property
    def shape(self) -> str:
        """"concave" or "convex": the objective whose critical point is the global optimum."""
        return "concave" if self.is_max else "convex"

    @property
    def relation(self) -> str:
        """"<=" or ">=": how an oriented inequality reads, h <= 0 (max) or h >= 0 (min)."""
        return "<=" if self.is_max else ">="

    @property
    def strictly(self) -> str:
        """">" or "<": "better than" as a relation."""
        return ">" if self.is_max else "<"

    def better(self, a, b) -> bool:
        """Whether value ``a`` is strictly better than ``b``."""
        return a > b if self.is_max else a < b

    def best(self, values, key=None):
        """The best of ``values`` (by ``key``, as :func:`max` / :func:`min` take it)."""
        pick = max if self.is_max else min
        return pick(values) if key is None else pick(values, key=key)


def real_version(sym):
    """The same symbol (or IndexedBase), but real (optimization is over the reals); other
    assumptions kept."""
    if isinstance(sym, sp.IndexedBase):
        if sym.is_real:
            return sym
        return sp.IndexedBase(sym.label.name, real=True)
    if isinstance(sym, sp.Symbol) and sym.is_real:
        return sym
    keep = {k: v for k, v in sym.assumptions0.items()
            if v is not None and k in ("positive", "negative", "nonnegative", "nonpositive",
                                       "nonzero", "integer", "rational")}
    # an element x[1] of an IndexedBase, a variable of its own, becomes a symbol named x[1]
    name = sym.name if isinstance(sym, sp.Symbol) else str(sym)
    return sp.Symbol(name, real=True, **keep)


def oriented_inequalities(problem) -> tuple:
    """h_j in the user's symbols, oriented by the sense: h_j <= 0 when maximizing, h_j >= 0
    when minimizing."""
    want = Sense(problem.sense).relation
    return tuple(c.function if c.relation == want else -c.function for c in problem.inequalities)


def user_lagrangian(problem) -> sp.Expr:
    """L = f - sum_k lambda_k g_k - sum_j mu_j h_j in the user's symbols, every inequality
    included (:attr:`Problem.lagrangian <lagropt.Problem.lagrangian>`)."""
    return lagrangian(problem.objective,
                      problem.equality_functions + oriented_inequalities(problem),
                      problem.multipliers)


def user_equations(problem) -> list:
    """The N + K equations in the user's symbols: grad f = sum_k lambda_k grad g_k, then
    g_k = 0 (equalities only); one equation at the generic index for an IndexedBase family
    (:attr:`Problem.equations <lagropt.Problem.equations>`)."""
    stat = stationarity_equations(problem.objective, problem.equality_functions,
                                  problem.equality_multipliers, problem.variables)
    return stat + [sp.Eq(g, 0, evaluate=False) for g in problem.equality_functions]


@dataclass
class StandardForm:
    """A :class:`~lagropt.Problem` with every variable and parameter made real, floats read as
    rationals, inequalities oriented by the sense; the maps between the user's symbols and
    these; the Lagrangian, the KKT systems and the derivatives, each computed once."""

    problem: object

    def __post_init__(self):
        p = self.problem
        self.to_real = {s: real_version(s) for s in p.variables + p.params}
        self.to_user = {v: k for k, v in self.to_real.items() if k is not v}
        self.floats = {}                      # Float -> the exact rational it is read as
        r = lambda e: self._rationalize(e.xreplace(self.to_real))  # noqa: E731
        self.sense = Sense(p.sense)
        self.f = r(p.objective)
        self.variables = tuple(self.to_real[v] for v in p.variables)
        self.params = tuple(self.to_real[v] for v in p.params)
        self.g = tuple(r(g) for g in p.equality_functions)
        self.h = tuple(r(h) for h in oriented_inequalities(p))
        self.strict = tuple(c.strict for c in p.inequalities)
        self.lambdas = p.equality_multipliers
        self.mus = p.inequality_multipliers
        self.decided_false = any(c.decided is False for c in p.constraints)
        self.assumptions = p.assumptions.xreplace(self.to_real)

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

    def kkt_system(self, active=()) -> tuple:
        """The KKT system of an active set: stationarity of L (N equations), the equalities and
        the active inequalities; its unknowns (x, lambda, the active mu); and which equation
        belongs to which variable or constraint (``owners``: index -> x, ("g", k) or ("h", j))."""
        eqs = self.lagrangian_gradient(active)
        eqs += list(self.g) + [self.h[j] for j in active]
        unknowns = list(self.variables) + list(self.lambdas) + [self.mus[j] for j in active]
        owners = {i: x for i, x in enumerate(self.variables)}
        n = len(self.variables)
        owners.update({n + k: ("g", k) for k in range(len(self.g))})
        owners.update({n + len(self.g) + i: ("h", j) for i, j in enumerate(active)})
        return eqs, unknowns, owners

    def stationarity(self, with_kkt: bool = True) -> list:
        """The stationarity equations in the lecture's form, df/dx_i = sum of multipliers times
        the constraints' derivatives (every inequality's too when ``with_kkt`` or when there are
        inequalities), then the equality constraints, as ``Eq``."""
        mults = self.lambdas + (self.mus if with_kkt or self.h else ())
        funcs = self.g + (self.h if with_kkt or self.h else ())
        eqs = []
        for i, df in enumerate(self.gradient(self.f)):
            rhs = sp.Add(*[m * self.gradient(g)[i] for m, g in zip(mults, funcs)])
            eqs.append(sp.Eq(df, rhs, evaluate=False))
        return eqs + [sp.Eq(g, 0, evaluate=False) for g in self.g]


def _derivative(expr, x):
    """d expr/dx; of a sum, only of the terms that contain x (SymPy's diff sets up a
    Derivative for every term, also for the many that do not depend on x)."""
    if isinstance(expr, sp.Add):
        return sp.Add(*[sp.diff(term, x) for term in expr.args if term.has(x)])
    return sp.diff(expr, x) if expr.has(x) else sp.S.Zero
