"""The exact solver's stages one at a time, on a :class:`~lagropt.Problem`.

:func:`lagropt.solver.pipeline.solve_exact` runs them in order; here each can be shown on its
own, as SymPy's ``LagrangesMethod`` exposes its steps::

    >>> import sympy as sp
    >>> from lagropt import maximize
    >>> from lagropt.solver import stages
    >>> x, y = sp.symbols("x y", real=True)
    >>> problem = maximize(x * y, [sp.Eq(x + y, 2)])
    >>> stages.kkt_system(problem)[0]             # stationarity, then the constraint
    [-lambda + y, -lambda + x, x + y - 2]
    >>> points = stages.candidates(problem)
    >>> [p.x for p in points]
    [{x: 1, y: 1}]
    >>> [p.kind for p in stages.classify(problem, points)]
    ['maximum']
    >>> stages.verdict(problem, points).status
    'optimal'

Every function takes the :class:`~lagropt.Problem` or its
:class:`~lagropt.standard.StandardForm`. Points and equations are in the standard form's
symbols: the user's symbols made real (``x`` declared without assumptions prints the same but is
another symbol), floats read as rationals. No CPU budget applies (``budget=None``): bound the
time with :func:`lagropt.runtime.run_in_worker` when that matters; :meth:`Problem.solve` does.
"""

from __future__ import annotations

from .candidates import active_sets, find_candidates
from .classify import classify as _classify
from .pipeline import global_verdict
from .system import solve_system
from ..assumptions import assuming
from ..standard import StandardForm

__all__ = ["standard_form", "active_sets", "kkt_system", "eliminate", "candidates", "classify",
           "verdict"]


def standard_form(problem) -> StandardForm:
    """Stage 1: the problem in standard form (a StandardForm is returned as it is)."""
    return problem if isinstance(problem, StandardForm) else StandardForm(problem)


def kkt_system(problem, active=()) -> tuple:
    """The KKT system of one active set (indices of the inequalities taken as equalities):
    (equations = 0, unknowns, owners), see :meth:`StandardForm.kkt_system`."""
    return standard_form(problem).kkt_system(tuple(active))


def eliminate(problem, active=(), budget=None) -> list:
    """Stage 2 for one active set: its KKT system through the elimination strategies
    (:data:`lagropt.solver.system.STRATEGIES`); the final branches, each with the operations it
    recorded (``branch.ops``) and its status (solved, family, residual, infeasible)."""
    internal = standard_form(problem)
    eqs, unknowns, owners = internal.kkt_system(tuple(active))
    return solve_system(eqs, unknowns, primary=internal.variables, owners=owners, budget=budget)


def candidates(problem, budget=None) -> list:
    """Stage 2 for every active set: the admissible critical points (KKT points and irregular
    points), not yet classified (``kind`` keeps its default until :func:`classify`). Raises
    :class:`~lagropt.runtime.TooLarge` for more inequalities than the solver enumerates."""
    internal = standard_form(problem)
    with assuming(internal.assumptions):
        points, _, _ = find_candidates(internal, budget, classify=False)
    return points


def classify(problem, points) -> list:
    """Stage 3: the points with the second-order test's ``kind`` and ``reason`` (new points:
    a :class:`~lagropt.Point` is frozen)."""
    internal = standard_form(problem)
    with assuming(internal.assumptions):
        return _classify(internal, points)


def verdict(problem, points, budget=None):
    """Stage 4: the global verdict over classified points (a
    :class:`~lagropt.solver.verdict.Verdict`: status, optimum, value, evidence)."""
    internal = standard_form(problem)
    with assuming(internal.assumptions):
        return global_verdict(internal, points, budget)
