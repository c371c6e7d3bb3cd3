"""The exact solve, stage by stage: :func:`solve_exact` reads top to bottom.

1. **standard form** (:class:`lagropt.standard.StandardForm`): real symbols, exact numbers,
   oriented inequalities, the Lagrangian and its derivatives; the derivation opens with the
   problem, L and the N + K equations (:func:`.steps.opening`);
2. **candidates** (:func:`.candidates.find_candidates`): per active set of the inequalities, the
   KKT system (:meth:`~lagropt.standard.StandardForm.kkt_system`) through the elimination
   strategies (:data:`.system.STRATEGIES`, walked by :func:`.system.solve_system`), the branches
   kept when admissible (real, feasible, multipliers of the right sign), irregular points added;
3. **classification** (:func:`.classify.classify`): the second-order test at each candidate;
4. **global verdict** (:func:`global_verdict`): the certificates tried in order
   (:data:`.verdict.CERTIFICATES`), then the closure of an open feasible set (:mod:`.closure`);
5. **fallback**: when this cannot finish, the numeric solve (:mod:`.numeric`), arranged by
   :func:`lagropt.solver.core.solve_within`, which runs :func:`solve_exact` in a worker under
   its share of the CPU budget.

One stage at a time, on a :class:`~lagropt.Problem`: :mod:`lagropt.solver.stages`.
"""

from __future__ import annotations

import sympy as sp

from . import steps
from .candidates import MAX_INEQUALITIES, find_candidates, parametric_point
from .certificates import curvature_certificate
from .classify import classify, classify_candidate
from .closure import closure_verdict, is_open
from .early_stop import convex_stop
from .family import is_family_problem, solve_family
from .feasibility import infeasible_constraints
from .result import Solution
from .squares import squares_reach_bound
from .tidy import final_form
from .verdict import Verdict, decide, proven_unbounded
from ..assumptions import assuming

__all__ = ["solve_exact", "global_verdict"]

CHEAP_CLOSURE = 3         # inequalities of the closure worth solving to confirm an optimum
_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


def solve_exact(internal, budget) -> Solution:
    """Every critical point of the :class:`~lagropt.standard.StandardForm` ``internal``,
    classified, with the global verdict and the derivation (``budget``: a
    :class:`~lagropt.runtime.Budget` the elimination checks); signs are decided under the
    assumptions on the parameters (:mod:`lagropt.assumptions`)."""
    with assuming(internal.assumptions):     # signs under assume=
        return _solve_exact(internal, budget)


def _solve_exact(internal, budget) -> Solution:
    if is_family_problem(internal):               # a symbolic number of variables: its own path
        return solve_family(internal, budget)
    if internal.decided_false:
        return _infeasible(steps.decided_false(internal), "SymPy decided a constraint is False: "
                           "it has no real solution (e.g. x**2 + y**2 = -1 for real x, y)")
    derivation = steps.opening(internal)                                # L, the N + K equations
    squares = squares_reach_bound(internal, budget)     # f = c0 + squares, reaching c0
    if squares is not None:
        return _squares_solution(internal, derivation, squares)
    stop = convex_stop(internal)                # convex: the first strict KKT optimum ends it
    points, residual, cases = find_candidates(internal, budget, classify=False, stop=stop,
                                              end_unsolved=True)
    points = classify(internal, points)                                 # second-order tests
    steps.elimination(derivation, internal, cases)
    if stop is not None and stop.fired:
        stop.step(derivation)
    if residual:
        return _unsolved_or_parametric(internal, derivation, points, residual)
    why = infeasible_constraints(internal, budget) if not points else None
    if why:
        return _infeasible(derivation, why)
    verdict = global_verdict(internal, points, budget)
    if stop is not None and stop.fired and verdict.certified:
        verdict.evidence.append(stop.sentence())
    steps.conclusion(derivation, internal, points, verdict)
    return Solution(verdict.status, points, verdict.optimum, verdict.value, derivation,
                    evidence=verdict.evidence, message=_with_periodic_note(internal, verdict),
                    approached_at=verdict.approached_at, cases=verdict.cases)


def global_verdict(internal, points, budget=None) -> Verdict:
    """The global verdict (:func:`.verdict.decide`); an open feasible set whose verdict is not
    proven is re-examined on its closure (:mod:`.closure`), when that is cheap enough."""
    verdict = decide(internal, points)
    if not verdict.certified and is_open(internal) and not internal.params:
        # an unproven optimum is re-examined only when the closure is cheap (2^k active sets)
        limit = MAX_INEQUALITIES if verdict.status != "optimal" else CHEAP_CLOSURE
        verdict = closure_verdict(internal, points, budget, limit) or verdict
    return verdict


def _squares_solution(internal, derivation, squares) -> Solution:
    """The answer of a sum of squares that reaches its bound (:mod:`.squares`): the bound
    and its zero set as a step, then the optimizers and the verdict."""
    word = internal.sense.word
    evidence = squares.sentence(word)
    steps.squares_bound(derivation, internal, squares)
    verdict = Verdict("optimal", squares.points, squares.value, [evidence], certified=True)
    steps.conclusion(derivation, internal, squares.points, verdict)
    return Solution("optimal", squares.points, squares.points, squares.value, derivation,
                    evidence=[evidence], message=_with_periodic_note(internal, verdict))


def _with_periodic_note(internal, verdict) -> str:
    message = verdict.message
    if internal.f.has(*_PERIODIC) or any(g.has(*_PERIODIC) for g in internal.g + internal.h):
        message = ((message + "; ") if message else "") + ("periodic functions: the points shown "
                   "are principal solutions, their copies one period apart are critical too")
    return message


def _unsolved_or_parametric(internal, derivation, points, residual) -> Solution:
    """Branches the elimination left: a closed form in the multipliers when only those are
    unsolved in every one of them, else the status ``unsolved`` with the equations."""
    escape = None if internal.params else proven_unbounded(internal, points)
    if escape is not None:
        return _unbounded_anyway(internal, derivation, points, residual, escape)
    parametric = [(parametric_point(internal, a, b), b) for a, b in residual]
    parametric = [(p, b) for p, b in parametric if p is not None]
    if len(parametric) < len(residual):
        derivation.add("residual", "No exact method solved these equations:",
                       tuple(sp.Eq(e, 0) for _, b in residual for e in b.equations))
        return Solution("unsolved", points, [], None, derivation, remaining=[
            sp.Eq(e, 0) for _, b in residual for e in b.equations],
            unknowns=tuple({u for _, b in residual for u in b.unknowns}),
            message="the exact solver could not finish")
    return _parametric_solution(internal, derivation, points, parametric)


def _unbounded_anyway(internal, derivation, points, residual, verdict) -> Solution:
    """f unbounded by an exact limit, although some branches were left unsolved: their points
    are critical points at best, and no critical point is an optimum."""
    unsolved = tuple(sp.Eq(e, 0) for _, b in residual for e in b.equations)
    these = "This equation was" if len(unsolved) == 1 else "These equations were"
    derivation.add("residual", f"{these} not solved; the solutions would only be critical "
                   "points, and f has no optimum:", unsolved)
    steps.conclusion(derivation, internal, points, verdict)
    return Solution(verdict.status, points, verdict.optimum, verdict.value, derivation,
                    evidence=verdict.evidence, message=f"f is unbounded {internal.sense.side}; "
                    "the equations left unsolved give critical points at best")


def _parametric_solution(internal, derivation, points, parametric) -> Solution:
    remaining, unknowns = [], []
    for _, b in parametric:
        for e in b.equations:
            dep, indep = e.as_independent(*b.unknowns, as_Add=True)[::-1]
            remaining.append(sp.Eq(final_form(dep), -indep, evaluate=False))
        unknowns.extend(u for u in b.unknowns if u not in unknowns)
    classified = [classify_candidate(internal, p) for p, _ in parametric]
    curvature = curvature_certificate(internal)
    evidence = [curvature] if curvature else []
    optimum = steps.parametric(derivation, internal, classified, remaining, unknowns)
    return Solution("parametric", list(points) + optimum, optimum, optimum[0].value if optimum else None,
                    derivation, remaining=remaining, unknowns=tuple(unknowns), evidence=evidence,
                    message=f"closed form in {', '.join(map(str, unknowns))}, fixed by the "
                            "remaining equation" + ("s" if len(remaining) > 1 else ""))


def _infeasible(derivation, why) -> Solution:
    derivation.add("verdict", "The constraints cannot be satisfied: " + why)
    return Solution("infeasible", [], [], None, derivation, evidence=[why], message=why)
