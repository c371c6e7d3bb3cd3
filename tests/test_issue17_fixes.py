"""The failures listed in issue 17, each a test.

Every expected answer is derived by hand in the comment beside it (or quoted from the issue),
never taken from lagropt's output.
"""

from __future__ import annotations

import pytest
import sympy as sp

import lagropt
from lagropt.errors import ProblemError
from lagropt.solver.candidates import empty_family

x, y, z = sp.symbols("x y z", real=True)
x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)


def same(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


# -- 1. a family of points counts as feasible only where some member is ------------------------

def test_hs34_as_the_issue_states_it_has_the_optimum_at_the_fourth_root_of_ten():
    # minimize -x1 subject to x2 >= x1^2, x3 >= x2^2, x1 <= 100, x3 <= 10.
    # By hand: x1^4 <= x2^2 <= x3 <= 10, so x1 <= 10^(1/4); x1 = 10^(1/4) forces
    # x2 >= sqrt(10) and x2^2 <= 10, so x2 = sqrt(10), and then x3 = 10. The optimum is
    # -10^(1/4) at (10^(1/4), sqrt(10), 10), attained only there. (The wrong answer was -100 at
    # x1 = 100, a "family" in x2, x3 whose conditions x2 >= 10^4, x3 >= x2^2, x3 <= 10 no
    # member meets.)
    problem = lagropt.minimize(-x1, [x2 >= x1 ** 2, x3 >= x2 ** 2, x1 <= 100, x3 <= 10])
    sol = problem.solve(timeout=60)
    assert sol.status == "optimal"
    assert same(sol.value, -sp.root(10, 4))
    assert len(sol.optimum) == 1 and not sol.optimum[0].free
    point = sol.optimum[0].x
    assert same(point[x1], sp.root(10, 4)) and same(point[x2], sp.sqrt(10)) and point[x3] == 10
    assert all(not (p.free and p.value == -100) for p in sol.points)


def test_hs34_with_the_collections_bounds_has_the_same_optimum():
    # the same with 0 <= x1 <= 100, 0 <= x2 <= 100, 0 <= x3 <= 10 (the bounds of the
    # collection's HS34): the optimum above satisfies them, so it is still the optimum
    problem = lagropt.minimize(-x1, [x2 >= x1 ** 2, x3 >= x2 ** 2, x1 >= 0, x1 <= 100,
                                     x2 >= 0, x2 <= 100, x3 >= 0, x3 <= 10])
    sol = problem.solve(timeout=120)
    assert sol.status == "optimal"
    assert same(sol.value, -sp.root(10, 4))
    point = sol.optimum[0].x
    assert same(point[x1], sp.root(10, 4)) and same(point[x2], sp.sqrt(10)) and point[x3] == 10


def test_a_family_whose_conditions_no_member_meets_is_empty():
    # x2 >= 10^4 and x3 <= 10 leave x3 - x2^2 <= 10 - 10^8 < 0: no member has x3 >= x2^2
    conditions = [sp.Ge(x2 - 10 ** 4, 0), sp.Ge(x3 - x2 ** 2, 0), sp.Le(x3 - 10, 0)]
    assert empty_family(conditions, [x2, x3]) is True
    # with x3 <= 10^9 instead, x2 = 10^4, x3 = 10^8 is a member: not shown empty
    conditions[2] = sp.Le(x3 - 10 ** 9, 0)
    assert empty_family(conditions, [x2, x3]) is False
    # x <= 0 and y >= 0 give x y <= 0, so x y >= 1 has no member
    assert empty_family([sp.Ge(x * y, 1), sp.Le(x, 0), sp.Ge(y, 0)], [x, y]) is True
    # log of a negative range is NaN to SymPy's interval arithmetic: nothing shown, no error
    assert empty_family([sp.Ge(sp.log(x) - y, 0), sp.Le(x, -1), sp.Ge(y, 0)], [x, y]) is False


# -- 2. exp and a polynomial: x = -W(1) -------------------------------------------------------

def test_x_squared_over_two_plus_exp_is_minimized_at_minus_lambert_w_of_one():
    # f' = x + e^x = 0  <=>  (-x) e^(-x) = 1  <=>  x = -W(1); f'' = 1 + e^x > 0 (convex), so this
    # is the global minimum; there e^x = e^(-W(1)) = W(1) (since W(1) e^W(1) = 1), so
    # f = W(1)^2/2 + W(1).
    W = sp.LambertW(1)
    sol = lagropt.minimize(x ** 2 / 2 + sp.exp(x)).solve(timeout=60)
    assert sol.status == "optimal", sol.message
    assert same(sol.optimum[0].x[x], -W)
    # e^(-W(1)) = W(1) is the definition of W(1), which simplify does not apply by itself
    assert same(sol.value.xreplace({sp.exp(-W): W}), W ** 2 / 2 + W)
    assert abs(sp.N(sol.value - (W ** 2 / 2 + W), 50)) < sp.Float("1e-45")


# -- 3. product on a plane: x_i = S/3 ----------------------------------------------------------

def test_product_of_three_positive_numbers_with_a_symbolic_sum():
    # max x1 x2 x3 on x1 + x2 + x3 = S, x_i > 0: by AM-GM (x1 x2 x3)^(1/3) <= S/3 with equality
    # iff x1 = x2 = x3 = S/3, so the maximum is S^3/27.
    S = sp.Symbol("S", positive=True)
    a, b, c = sp.symbols("a b c", positive=True)
    sol = lagropt.maximize(a * b * c, [sp.Eq(a + b + c, S)], variables=[a, b, c],
                           params=[S]).solve(timeout=60)
    assert sol.status == "optimal", sol.message
    assert all(same(sol.optimum[0].x[v], S / 3) for v in (a, b, c))
    assert same(sol.value, S ** 3 / 27)


def test_product_of_three_positive_numbers_with_sum_six():
    # the same with S = 6: (2, 2, 2), value 8
    a, b, c = sp.symbols("a b c", positive=True)
    sol = lagropt.maximize(a * b * c, [sp.Eq(a + b + c, 6)]).solve(timeout=60)
    assert sol.status == "optimal", sol.message
    assert [sol.optimum[0].x[v] for v in (a, b, c)] == [2, 2, 2]
    assert sol.value == 8


@pytest.mark.parametrize("total", [sp.Symbol("S", positive=True), sp.Integer(6)])
def test_product_of_the_elements_of_an_indexed_family(total):
    # x[1] x[2] x[3] on x[1] + x[2] + x[3] = S, written with the elements of an IndexedBase
    # (no Sum or Product over it: each element is a variable): x[i] = S/3, S^3/27 as above.
    # This failed inside the exact solver ("a family of variables needs a Sum or Product").
    X = sp.IndexedBase("x", positive=True)
    params = [total] if total.free_symbols else None
    problem = lagropt.maximize(X[1] * X[2] * X[3], [sp.Eq(X[1] + X[2] + X[3], total)],
                               params=params)
    assert problem.variables == (X[1], X[2], X[3])
    sol = problem.solve(timeout=60)
    assert sol.status == "optimal", sol.message
    assert all(same(sol.optimum[0].x[X[k]], total / 3) for k in (1, 2, 3))
    assert same(sol.value, total ** 3 / 27)
    assert "{x}_{1}" in sol.latex()                  # the element typeset as x_1


# -- 4. the symbolic Cobb-Douglas demand -------------------------------------------------------

@pytest.mark.parametrize("exponent", [{"positive": True}, {"real": True}])
def test_symbolic_cobb_douglas_demand(exponent):
    # max x^a y^(1-a) on p x + q y = I (0 < a < 1, prices and income positive): the marginal rate
    # of substitution a y / ((1 - a) x) = p / q and the budget give x = a I/p, y = (1 - a) I/q.
    # (With a merely real, an elimination through u**(1/a) left the "point" x = 0**(1/a)/p.)
    X, Y = sp.symbols("x y", positive=True)
    p, q, I = sp.symbols("p q I", positive=True)
    a = sp.Symbol("a", **exponent)
    # 0 < a < 1 must be said: the point is a candidate only for a < 1 (y = (1 - a) I/q > 0);
    # for a > 1, f -> oo as y -> 0+ (without the assumption the answer is not "optimal")
    problem = lagropt.maximize(X ** a * Y ** (1 - a), [sp.Eq(p * X + q * Y, I)],
                               variables=[X, Y], params=[a, p, q, I], assume=[0 < a, a < 1])
    sol = problem.solve(timeout=60)
    assert sol.status == "optimal", sol.message
    assert len(sol.optimum) == 1
    assert same(sol.optimum[0].x[X], a * I / p) and same(sol.optimum[0].x[Y], (1 - a) * I / q)


def test_symbolic_cobb_douglas_over_real_quantities_ends_without_an_internal_error(monkeypatch):
    # x, y merely real: x^a is not real for x < 0, and the Hessian at the candidates had nan
    # entries that made mpmath's eigenvalue iteration fail inside the exact solver.
    # LAGROPT_STRICT makes an internal error raise instead of hiding behind the fallback.
    monkeypatch.setenv("LAGROPT_STRICT", "1")
    p, q, I, a = sp.symbols("p q I a", positive=True)
    problem = lagropt.maximize(x ** a * y ** (1 - a), [sp.Eq(p * x + q * y, I)],
                               variables=[x, y], params=[a, p, q, I])
    sol = problem.solve(timeout=60)
    assert sol.status in ("optimal", "unsolved", "parametric")
    for point in sol.optimum:
        assert same(point.x[x], a * I / p) and same(point.x[y], (1 - a) * I / q)


# -- 5. no critical point and f unbounded: the status is `unbounded` ---------------------------

@pytest.mark.parametrize("solve", [lagropt.maximize, lagropt.minimize])
def test_difference_of_squares_on_a_line_is_unbounded(solve):
    # on x + y = 1, x^2 - y^2 = (x - y)(x + y) = x - y = 2x - 1: unbounded both ways, and the
    # Lagrange system 2x = lambda, -2y = lambda, x + y = 1 gives x + y = 0 = 1: no critical point
    sol = solve(x ** 2 - y ** 2, [sp.Eq(x + y, 1)]).solve(timeout=60)
    assert sol.status == "unbounded"
    assert sol.points == []
    assert sol.value == (sp.oo if solve is lagropt.maximize else -sp.oo)
    assert "no critical point" in sol.message and sol.evidence


def test_a_linear_objective_without_constraints_is_unbounded():
    # grad (x + y) = (1, 1) never vanishes, and x = y = t gives 2t -> oo
    sol = lagropt.maximize(x + y).solve(timeout=60)
    assert sol.status == "unbounded" and sol.value == sp.oo and sol.points == []


# -- 6. verify() with multipliers that are not unique ------------------------------------------

def test_verify_accepts_a_repeated_equality_constraint():
    # min x^2 + y^2 on x + y = 2 (stated twice, once doubled): the optimum is (1, 1), f = 2;
    # grad f = (2, 2) = lambda_1 (1, 1) + lambda_2 (2, 2) for every lambda_1 + 2 lambda_2 = 2
    problem = lagropt.minimize(x ** 2 + y ** 2, [sp.Eq(x + y, 2), sp.Eq(2 * x + 2 * y, 4)])
    report = lagropt.verify(problem)
    assert report.ok, str(report)
    assert any("stationarity" in r.quantity for r in report.rows)


def test_verify_accepts_an_active_inequality_duplicating_an_equality():
    # min x^2 + y^2 on x + y = 2 with x + y >= 2 as well: (1, 1), f = 2; the multipliers of the
    # two constraints are not unique (lambda + mu = 2)
    problem = lagropt.minimize(x ** 2 + y ** 2, [sp.Eq(x + y, 2), x + y >= 2])
    sol = problem.solve(timeout=60)
    assert sol.status == "optimal" and sol.value == 2
    report = lagropt.verify(problem, sol)
    assert report.ok, str(report)


# -- 7. assumptions are constraints ------------------------------------------------------------

def test_a_nonnegative_variable_has_its_optimum_on_the_sign_boundary():
    # min (xn + 1)^2 + y^2 on xn - y = -5 with xn >= 0: on the line y = xn + 5,
    # f = (xn + 1)^2 + (xn + 5)^2 has derivative 2(xn + 1) + 2(xn + 5) = 4 xn + 12 > 0 for
    # xn >= 0, so the minimum is at xn = 0, y = 5, f = 1 + 25 = 26 (the issue's answer).
    xn = sp.Symbol("xn", nonnegative=True)
    sol = lagropt.minimize((xn + 1) ** 2 + y ** 2, [sp.Eq(xn - y, -5)]).solve(timeout=60)
    assert sol.status == "optimal", sol.message
    assert sol.value == 26
    assert sol.optimum[0].x[xn] == 0 and sol.optimum[0].x[y] == 5


def test_a_nonpositive_variable_has_its_optimum_on_the_sign_boundary():
    # max -(u - 2)^2 with u <= 0: the parabola peaks at u = 2, outside; on u <= 0 it increases,
    # so the maximum is at u = 0, f = -4
    u = sp.Symbol("u", nonpositive=True)
    sol = lagropt.maximize(-(u - 2) ** 2).solve(timeout=60)
    assert sol.status == "optimal" and sol.value == -4 and sol.optimum[0].x[u] == 0


def test_an_integer_variable_is_refused_with_one_line():
    n = sp.Symbol("n", integer=True)
    with pytest.raises(ProblemError, match="integer programming") as info:
        lagropt.minimize((n - sp.Rational(3, 4)) ** 2)
    assert "\n" not in str(info.value)


# -- 8. every symbol taken as a variable: the message says so ----------------------------------

def test_an_unsplit_budget_problem_suggests_variables_and_params():
    # x y on p x + q y = m with p, q, m also variables: p = q = m = 0 leaves x y free, unbounded
    p, q, m = sp.symbols("p q m", real=True)
    sol = lagropt.maximize(x * y, [sp.Eq(p * x + q * y, m)]).solve(timeout=60)
    assert sol.status in ("unbounded", "no_critical_point", "not_attained")
    assert "params=" in sol.message and "--params" in sol.message
    assert "m, p, q" in sol.message
    split = lagropt.maximize(x * y, [sp.Eq(p * x + q * y, m)], variables=[x, y],
                             params=[p, q, m]).solve(timeout=60)
    assert "params=" not in (split.message or "")


def test_the_command_line_suggests_params_for_an_unsplit_budget_problem():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "lagropt", "solve", "--max", "x*y", "-s",
                           "p*x + q*y = m"], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1                    # no optimum: unbounded
    assert "unbounded" in done.stdout and "--params m,p,q" in done.stdout
