"""The exact solve gives up early, by counts rather than clocks, where it cannot succeed:

* the active-set enumeration ends at the first set that leaves a branch unsolved in a primal
  variable (the answer is ``unsolved`` whatever the other sets give: the numeric fallback takes
  over sooner, with the same answer);
* sympy.solve is not given more than SYMPY_MAX_EQUATIONS equations.
"""

import os
import sys

import sympy as sp

import lagropt
from lagropt.solver import system
from lagropt.solver.candidates import find_candidates, unsolved_in_variables
from lagropt.standard import StandardForm

sys.path.insert(0, os.path.dirname(__file__))
import hs_problems  # noqa: E402

x, y = sp.symbols("x y", real=True)


def test_hs60_enumeration_ends_at_the_first_unsolved_active_set():
    # HS60's six bounds make 64 active sets; its constraint's right-hand side 4 + 3 sqrt(2) is
    # not rational, and the empty set's KKT system is left unsolved in x2.
    internal = StandardForm(hs_problems.by_name("HS60").problem())
    points, residual, cases = find_candidates(internal, classify=False, end_unsolved=True)
    assert {case.active for case in cases} == {()}
    assert residual and unsolved_in_variables(internal, [b for _, b in residual])


def test_hs60_answer_through_the_fallback_is_the_published_one():
    # f* = 0.03256820025 (Hock & Schittkowski 1981, problem 60), to 1e-7 relative.
    sol = hs_problems.by_name("HS60").problem().solve(timeout=20)
    assert sol.status == "numeric"
    assert abs(float(sol.value) - 0.03256820025) <= 1e-7 * 0.0326 + 1e-10


def test_solved_sets_do_not_end_the_enumeration():
    # min (x - 2)^2 + (y - 1)^2 with x <= 1, y <= 3: every active set is solved exactly, so all
    # four are examined; the optimum is (1, 1) with f = 1 (the bound x = 1 binds, y = 1 free).
    internal = StandardForm(lagropt.minimize((x - 2) ** 2 + (y - 1) ** 2, [x <= 1, y <= 3], [x, y]))
    points, residual, cases = find_candidates(internal, classify=False, end_unsolved=True)
    assert not residual
    assert {case.active for case in cases} == {(), (0,), (1,), (0, 1)}
    assert any(p.x == {x: 1, y: 1} for p in points)


def test_sympy_solve_gets_small_systems_only():
    many = [sp.exp(x * y) - x, sp.exp(y) - y ** 3, sp.sin(x) + y, sp.cos(y) - x * y]
    assert len(many) > system.SYMPY_MAX_EQUATIONS
    assert system._hopeless(many, [x, y])
    assert not system._hopeless(many[:1], [x, y])


def test_one_transcendental_equation_still_reaches_sympy_solve():
    # x e^x = 1 has the one real solution x = W(1) (Lambert's W, principal branch).
    (branch,) = system.solve_system([x * sp.exp(x) - 1], [x])
    assert branch.status == "solved"
    assert sp.simplify(branch.values()[x] - sp.LambertW(1)) == 0


def test_hs71_enumeration_ends_at_its_equality_only_system():
    # HS71's nine inequalities make 512 active sets. With none active, grad f = lambda grad g
    # and g = 0 have 12 real solutions in roots of a degree-18 eliminant, more than
    # MAX_ALGEBRAIC_POINTS: that system is left unsolved in the variables, which ends the
    # enumeration at the first set (the numeric fallback answers, tests/test_reference.py).
    from lagropt.solver.polynomial import MAX_ALGEBRAIC_POINTS
    internal = StandardForm(hs_problems.by_name("HS71").problem())
    points, residual, cases = find_candidates(internal, classify=False, end_unsolved=True)
    assert {case.active for case in cases} == {()}
    assert unsolved_in_variables(internal, [b for _, b in residual])
    assert any(f"more than the exact verdicts handle ({MAX_ALGEBRAIC_POINTS})" in b.note
               for _, b in residual)
