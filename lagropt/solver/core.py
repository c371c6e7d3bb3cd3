"""The exact solve of a :class:`~lagropt.Problem` under a budget, with the numeric fallback.

:func:`solve` -> :func:`solve_within`: a monotone transform of the objective is peeled off
(:mod:`.monotone`), the problem is put in standard form (:class:`~lagropt.standard.StandardForm`),
and the exact pipeline (:func:`.pipeline.solve_exact`, the stages in order) runs in a worker
process with :data:`EXACT_SHARE` of the budget of CPU seconds (:mod:`lagropt.runtime`). When it
runs out of budget, is too large or cannot finish, the numeric fallback (:mod:`.numeric`) runs in
a worker with what is left.
"""

from __future__ import annotations

import os
from dataclasses import replace

import sympy as sp

from . import steps as _steps
from .monotone import lift_solution, split_monotone
from .pipeline import solve_exact
from .result import Solution
from ..runtime import Budget, TimeLimit, TooLarge, DEFAULT, as_seconds, run_in_worker
from ..standard import StandardForm

__all__ = ["solve", "solve_within"]

EXACT_SHARE = 0.8         # of the budget for the exact worker; the numeric fallback gets the rest


def solve(problem, timeout: float | None | str = DEFAULT, numeric: bool = True) -> Solution:
    """Solve ``problem`` exactly: every critical point, classified, with the derivation.

    Parameters
    ----------
    problem : Problem
    timeout : float or None
        CPU seconds for the whole solve (default :func:`~lagropt.get_default_timeout`, 20 s):
        the CPU time of the work itself, so that a busy machine gives the same answer as a quiet
        one, only later. ``None`` or ``inf``: no limit; 0, negative numbers and NaN are refused.
        The exact part runs in a worker process with 80% of it and is stopped when that is
        spent; the numeric fallback gets what is left. A wall-clock safety net (10x the budget
        plus 10 s) still bounds a machine so busy that the work barely runs.
    numeric : bool
        When the exact solve runs out of budget, is too large or cannot finish, solve the same
        system numerically and return status ``"numeric"`` (points with ``exact=False``). With
        ``numeric=False`` the status is ``"timeout"``, ``"too_large"`` or ``"unsolved"``, and
        the exact part has the whole budget.
    """
    seconds = as_seconds(timeout)
    return solve_within(problem, Budget(seconds), numeric)


def _constraint_only_symbols(problem) -> list:
    """Variables that occur in the constraints but not in the objective (p, q, m of a budget
    p x + q y = m when maximizing a utility of x and y)."""
    in_f = problem.objective.free_symbols
    return [v for v in problem.variables if v not in in_f]


def _with_split_hint(solution: Solution) -> Solution:
    """A degenerate answer (unbounded, no critical point, no exact answer) to a problem whose
    symbols were all taken as variables, some of them only in the constraints: the message
    says so and how to split them (``variables=``/``params=``, the command line's
    ``--params``). An optimal or infeasible answer is no reason for it."""
    problem = solution.problem
    if problem is None or getattr(problem, "variables_given", True) or \
            solution.status in ("optimal", "piecewise", "infeasible"):
        return solution
    extra = _constraint_only_symbols(problem)
    if not extra:
        return solution
    names = ", ".join(map(str, extra))
    hint = (f"every symbol was taken as a variable, {names} too: if {names} are fixed "
            f"quantities (prices, income), pass variables=[...] and params=[{names}] "
            f"(on the command line: --params {names.replace(' ', '')})")
    return replace(solution, message=(solution.message + "; " if solution.message else "") + hint)


def solve_within(problem, budget: Budget, numeric: bool = True) -> Solution:
    """:func:`solve` under ``budget`` (a :class:`~lagropt.runtime.Budget`)."""
    split = split_monotone(problem.objective)
    if split is not None:
        u, outer = split
        inner = problem.__class__(u, problem.sense, [c.original for c in problem.constraints],
                                  problem.variables, problem.params,
                                  problem.assumptions.relations)
        lifted = lift_solution(solve_within(inner, budget, numeric), u, outer, problem.sense)
        return _with_split_hint(lifted.with_problem(problem))
    internal = StandardForm(problem)
    if internal.nonsmooth:
        return _with_split_hint(_nonsmooth(internal, numeric, budget).xreplace(internal.to_user)
                                .with_problem(problem))
    exact = budget.fraction(EXACT_SHARE) if numeric else budget
    try:
        result = run_in_worker(solve_exact, internal, exact, budget=exact, what="the exact solve")
    except TimeLimit as exc:
        result = _stopped(internal, "timeout", str(exc), numeric, budget)
    except TooLarge as exc:
        result = _stopped(internal, "too_large", str(exc), numeric, budget)
    except Exception as exc:  # noqa: BLE001 - an internal failure must not cost the user the answer
        if os.environ.get("LAGROPT_STRICT"):
            raise
        result = _failed(internal, exc, numeric, budget)
    else:
        if result.status == "unsolved" and numeric:
            result = _numeric_fallback(internal, result, "no exact method solved the system", budget)
    result = result.xreplace(internal.to_user) if internal.to_user else result
    return _with_split_hint(result.with_problem(problem))


def _failed(internal, exc, numeric, budget) -> Solution:
    """The exact solver hit an internal error: say so, and solve numerically if allowed."""
    return _stopped(internal, "unsolved", f"the exact solver failed ({type(exc).__name__}: {exc})",
                    numeric, budget)


def _stopped(internal, status, why, numeric, budget) -> Solution:
    """The exact part ended without an answer (``status``: timeout, too_large, unsolved, with
    ``why``): the derivation up to the system, then the numeric fallback if allowed."""
    derivation = _steps.opening(internal)
    derivation.add(status, why[0].upper() + why[1:] + ".")
    partial = Solution(status, [], [], None, derivation, remaining=list(_steps.system(internal)),
                       message=why)
    return _numeric_fallback(internal, partial, why, budget) if numeric else partial


def _numeric_fallback(internal, partial: Solution, reason: str, budget: Budget) -> Solution:
    """The numeric solution, in a worker with what is left of ``budget``; ``partial`` as it was
    (with the reason said) when that runs out too."""
    from .numeric import numeric_solution
    return _in_fallback_worker(numeric_solution, internal, partial, reason, budget)


def _in_fallback_worker(method, internal, partial, reason, budget) -> Solution:
    try:     # the method stops itself a little before the worker would be stopped
        return run_in_worker(method, internal, partial, reason, budget.fraction(0.9),
                             budget=budget, what="the numeric fallback")
    except TimeLimit as exc:
        return replace(partial, message=f"{reason}; {exc}")


def _nonsmooth(internal, numeric, budget) -> Solution:
    """Abs, Max, sign ...: no gradient where their argument changes sign, so the Lagrange
    conditions are undefined there. Say so, and optimize numerically if allowed."""
    from .numeric import direct_solution

    parts = ", ".join(sp.sstr(a) for a in internal.nonsmooth[:3])
    why = (f"the problem contains {parts}, which is not differentiable everywhere: exact "
           "stationarity is undefined")
    derivation = _steps.opening(internal, stationarity=False)
    derivation.add("nonsmooth", why[0].upper() + why[1:] + ".")
    partial = Solution("unsolved", [], [], None, derivation, message=why +
                       ("" if numeric else "; solve(numeric=True) optimizes it numerically"))
    return _in_fallback_worker(direct_solution, internal, partial, why, budget) if numeric else partial
