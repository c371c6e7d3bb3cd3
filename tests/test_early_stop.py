"""The convex early stop of the active-set enumeration (lagropt/solver/early_stop.py).

A convex problem (convex f minimized, or concave f maximized, on a convex feasible set) has
every KKT point globally optimal; a strict one is the unique optimizer, so the other active sets
need not be solved. Every expected answer is derived by hand in the comment beside it.
"""

from __future__ import annotations

import os
import sys

import sympy as sp

import lagropt
from lagropt.solver.candidates import active_sets, find_candidates
from lagropt.solver.early_stop import convex_stop
from lagropt.standard import StandardForm

sys.path.insert(0, os.path.dirname(__file__))
from reference_problems import by_name, judge  # noqa: E402

x, y = sp.symbols("x y", real=True)
HALF = sp.Rational(1, 2)
SKIPPED = "need not be examined"


def _twelve_bounds():
    """x <= 1/2 and eleven bounds that are never active: 12 inequalities, 2^12 active sets."""
    return [x <= HALF] + [x >= -k for k in range(1, 7)] + [y >= -k for k in range(1, 6)]


def test_a_convex_problem_with_twelve_bounds_is_solved_exactly_not_too_large():
    # minimize (x - 1)^2 + (y - 2)^2 subject to x <= 1/2 and inactive lower bounds.
    # By hand: the unconstrained minimum (1, 2) violates x <= 1/2, so x = 1/2 is active, and
    # y = 2 from d/dy; stationarity with L = f - mu (1/2 - x): 2(x - 1) + mu = 0, so mu = 1 > 0.
    # f = (1/2)^2 = 1/4. Before the early stop: status too_large (more than 10 inequalities).
    sol = lagropt.minimize((x - 1) ** 2 + (y - 2) ** 2, _twelve_bounds()).solve(numeric=False)
    assert sol.status == "optimal"
    assert sol.value == sp.Rational(1, 4)
    (p,) = sol.optimum
    assert p.exact and p.x == {x: HALF, y: 2} and p.kind == "minimum"
    assert p.multipliers[sp.Symbol("mu_1", real=True)] == 1
    assert any(SKIPPED in e for e in sol.evidence), sol.evidence
    assert any(s.kind == "early_stop" and SKIPPED in s.text for s in sol.derivation.steps)


def test_the_stop_counts_the_sets_examined_and_skipped():
    # The same problem: a numeric search (SLSQP) ends at (1/2, 2), where only x <= 1/2 (the
    # first inequality) is active, so that set is solved first and gives the optimum:
    # 1 examined, 2^12 - 1 = 4095 skipped.
    internal = StandardForm(lagropt.minimize((x - 1) ** 2 + (y - 2) ** 2, _twelve_bounds()))
    stop = convex_stop(internal)
    assert stop is not None and stop.first == (0,)
    points, residual, _ = find_candidates(internal, stop=stop)
    assert stop.fired and (stop.examined, stop.skipped) == (1, 4095)
    assert not residual and [p.x for p in points] == [{x: HALF, y: 2}]


def test_without_the_hint_the_sets_go_by_size():
    # Without the numeric hint: the empty set first (its point (1, 2) violates x <= 1/2), then
    # {x <= 1/2}: 2 examined, 4094 skipped, the same point.
    internal = StandardForm(lagropt.minimize((x - 1) ** 2 + (y - 2) ** 2, _twelve_bounds()))
    stop = convex_stop(internal)
    stop.first = None
    points, _, _ = find_candidates(internal, stop=stop)
    assert (stop.examined, stop.skipped) == (2, 4094)
    assert [p.x for p in points] == [{x: HALF, y: 2}]


def test_the_numeric_hint_puts_the_optimal_active_set_first():
    # minimize (x - 5)^2 + (y - 5)^2 + (z - 5)^2 on x, y, z <= 1 (the last three of twelve
    # bounds; the nine others are x, y, z >= -1, -2, -3). By hand: each coordinate is pushed to
    # its upper bound 1, f = 3 * 4^2 = 48, every multiplier 2(5 - 1) = 8. By size the set
    # {x <= 1, y <= 1, z <= 1} would come after 1 + 12 + 66 + 219 others (those of size 3
    # before it in lexicographic order); the hint makes it the first and only one solved.
    z = sp.Symbol("z", real=True)
    bounds = [v >= -k for v in (x, y, z) for k in (1, 2, 3)] + [x <= 1, y <= 1, z <= 1]
    problem = lagropt.minimize((x - 5) ** 2 + (y - 5) ** 2 + (z - 5) ** 2, bounds)
    internal = StandardForm(problem)
    stop = convex_stop(internal)
    assert stop.first == (9, 10, 11)
    find_candidates(internal, stop=stop)
    assert (stop.examined, stop.skipped) == (1, 4095)
    sol = problem.solve(numeric=False)
    assert sol.status == "optimal" and sol.value == 48
    (p,) = sol.optimum
    assert p.x == {x: 1, y: 1, z: 1} and set(p.active) == {10, 11, 12}
    assert all(p.multipliers[sp.Symbol(f"mu_{j}", real=True)] == 8 for j in (10, 11, 12))
    assert any("numeric local search" in e for e in sol.evidence)


def test_active_sets_with_a_first_set_yield_it_once():
    internal = StandardForm(lagropt.minimize((x - 1) ** 2, [x >= 0, x <= 2, y >= 0]))
    assert list(active_sets(internal)) == [(), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2),
                                           (0, 1, 2)]
    assert list(active_sets(internal, (1, 2))) == [(1, 2), (), (0,), (1,), (2,), (0, 1),
                                                   (0, 2), (0, 1, 2)]


def test_a_concave_maximization_stops_early_too():
    # maximize -(x - 1)^2 - (y - 2)^2 on x <= 1/2, -5 <= x, -8 <= y <= 8: concave f, a box.
    # By hand as above: the maximum -1/4 at (1/2, 2), x <= 1/2 active with mu = 1 (L = f -
    # mu (x - 1/2) for h <= 0 when maximizing: -2(x - 1) - mu = 0 at x = 1/2 gives mu = 1).
    sol = lagropt.maximize(-(x - 1) ** 2 - (y - 2) ** 2,
                           [x <= HALF, x >= -5, y <= 8, y >= -8]).solve(numeric=False)
    assert sol.status == "optimal" and sol.value == -sp.Rational(1, 4)
    assert [p.x for p in sol.optimum] == [{x: HALF, y: 2}]
    # 4 inequalities, 16 sets; the numeric hint puts {x <= 1/2} first: 15 skipped
    assert any("the other 15 active sets " + SKIPPED in e for e in sol.evidence), sol.evidence


def test_non_unique_minimizers_do_not_stop_the_enumeration():
    # minimize (x + y - 2)^2 on x >= 0, y >= 0, x <= 3: convex, but every point of the segment
    # x + y = 2 with 0 <= y <= 2 is a minimizer (f = 0): no KKT point is strict, so the stop
    # never fires and the answer is the whole family, as without it.
    sol = lagropt.minimize((x + y - 2) ** 2, [x >= 0, y >= 0, x <= 3]).solve(numeric=False)
    assert sol.status == "optimal" and sol.value == 0
    assert not any(SKIPPED in e for e in sol.evidence)
    (family,) = sol.optimum
    assert family.free == (y,) and sp.simplify(family.x[x] - (2 - y)) == 0


def test_a_non_convex_problem_examines_every_active_set():
    # maximize (x - 1)^2 + (y - 2)^2 (convex f, maximized: not a convex problem) on the box
    # -1 <= x <= 2, 0 <= y <= 3. By hand: a convex function is largest at a corner; squared
    # distances from (1, 2): (-1, 0): 8, (-1, 3): 5, (2, 0): 5, (2, 3): 2. Maximum 8 at (-1, 0).
    problem = lagropt.maximize((x - 1) ** 2 + (y - 2) ** 2, [x >= -1, x <= 2, y >= 0, y <= 3])
    assert convex_stop(StandardForm(problem)) is None
    sol = problem.solve(numeric=False)
    assert sol.status == "optimal" and sol.value == 8
    assert [p.x for p in sol.optimum] == [{x: -1, y: 0}]
    assert not any(SKIPPED in e for e in sol.evidence)


def test_parameters_turn_the_stop_off():
    # with a parameter, the optimal active set may depend on its value (a piecewise answer):
    # every set is examined
    a = sp.Symbol("a", real=True)
    problem = lagropt.minimize((x - a) ** 2, [x <= 1], variables=[x], params=[a])
    assert convex_stop(StandardForm(problem)) is None


def test_hs53_is_exact_with_its_ten_bounds():
    # HS53 (Hock & Schittkowski 1981): f* = 176/43 at (-33/43, 11/43, 27/43, -5/43, 11/43),
    # every bound -10 <= x_i <= 10 inactive. Its 10 bounds made 1024 active sets and pushed it
    # off the exact path (numeric after 16 s); the empty set now gives the unique optimum.
    ref = by_name("HS53")
    sol = ref.build().solve(timeout=ref.timeout, numeric=False)
    verdict = judge(ref, sol)
    assert verdict.correct and verdict.exact, verdict.why
    assert any("the other 1023 active sets " + SKIPPED in e for e in sol.evidence)
