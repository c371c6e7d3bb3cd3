"""verify(): the exact answer against scipy.optimize, and that a wrong answer is caught."""

import copy

import sympy as sp

import lagropt

x, y = sp.symbols("x y", real=True)


def test_verify_agrees_on_a_circle():
    problem = lagropt.maximize(x + 2 * y, subject_to=[sp.Eq(x ** 2 + y ** 2, 5)])
    report = lagropt.verify(problem)
    assert report.ok and report.max_error < 1e-6
    names = [r.quantity for r in report.rows]
    assert names == ["f", "x", "y", "lambda"]
    assert "scipy" in report.table()


def test_verify_catches_a_wrong_optimum():
    problem = lagropt.maximize(x + 2 * y, subject_to=[sp.Eq(x ** 2 + y ** 2, 5)])
    sol = problem.solve()
    wrong = copy.deepcopy(sol)
    wrong.optimum[0].x[x] = sp.Integer(2)            # the true maximizer is (1, 2)
    wrong.optimum[0].x[y] = sp.Integer(1)
    wrong.optimum[0].value = sp.Integer(4)
    report = lagropt.verify(problem, wrong)
    assert not report.ok
    assert report.max_error > 0.5


def test_verify_catches_a_wrong_multiplier():
    problem = lagropt.maximize(x + 2 * y, subject_to=[sp.Eq(x ** 2 + y ** 2, 5)])
    sol = problem.solve()
    wrong = copy.deepcopy(sol)
    lam = problem.multipliers[0]
    wrong.optimum[0].multipliers[lam] = -wrong.optimum[0].multipliers[lam]   # SLSQP's sign
    assert not lagropt.verify(problem, wrong).ok


def test_verify_parametric_needs_numbers_for_the_parameters():
    a = sp.Symbol("a", positive=True)
    problem = lagropt.maximize(-(x - a) ** 2 - y ** 2, subject_to=[sp.Eq(x + y, 1)], params=[a])
    report = lagropt.verify(problem, subs={a: 3})
    assert report.ok


def test_verify_an_infeasible_problem():
    problem = lagropt.maximize(x + y, subject_to=[x ** 2 + y ** 2 + 1])
    report = lagropt.verify(problem)
    assert report.status == "infeasible" and report.ok
