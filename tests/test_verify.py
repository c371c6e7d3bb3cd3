"""verify(): the exact answer against scipy.optimize, and that a wrong answer is caught."""

import copy
import dataclasses

import pytest
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
    wrong.optimum[0] = dataclasses.replace(wrong.optimum[0], value=sp.Integer(4))  # frozen
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


def test_verify_a_descent_on_a_compiled_loss_with_data():
    import numpy as np

    from lagropt import losses, optim

    X_, y_, b_ = losses.regression_symbols()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=50)
    loss = lagropt.compile(losses.least_squares(X_, y_, b_, "mean"), wrt=b_, data=[X_, y_])
    run = optim.minimize(loss, np.zeros(3), optim.Adam(0.05), steps=5000, data=(X, y), tol=1e-12)
    report = lagropt.verify(loss, descent=run, data=(X, y), tol=1e-6)
    assert report.ok, str(report)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.allclose([r.scipy for r in report.rows[1:]], beta, atol=1e-7)
    assert [r.quantity for r in report.rows] == ["f", "beta[0]", "beta[1]", "beta[2]"]
    # a stopped-early descent is reported as a mismatch, not passed
    short = optim.minimize(loss, np.zeros(3), optim.Adam(0.05), steps=20, data=(X, y))
    assert not lagropt.verify(loss, descent=short, data=(X, y)).ok
    with pytest.raises(lagropt.LagroptError, match="descent"):
        lagropt.verify(loss)
    with pytest.raises(lagropt.LagroptError, match="data"):
        lagropt.verify(loss, descent=run)


# -- verdicts without an optimum: the claim is checked, not waved through ------------------------

def _claim(problem, status, value, approached_at=()):
    """The exact solution with its verdict replaced (a wrong verdict, as a solver bug makes)."""
    return dataclasses.replace(copy.deepcopy(problem.solve()), status=status, value=value,
                               optimum=[], approached_at=[dict(a) for a in approached_at])


def test_verify_confirms_a_supremum_on_the_excluded_boundary():
    problem = lagropt.maximize(x + y, [x ** 2 + y ** 2 < 1])
    report = lagropt.verify(problem)
    assert report.ok and report.status == "not_attained", str(report)
    assert [r.quantity for r in report.rows] == ["sup f", "x", "y"]
    assert abs(report.rows[0].numeric - 2 ** 0.5) < 1e-8


def test_verify_catches_a_wrong_supremum():
    # the axis-parallel limit gave 1; scipy reaches sqrt(2) > 1 inside the closed disk
    problem = lagropt.maximize(x + y, [x ** 2 + y ** 2 < 1])
    report = lagropt.verify(problem, _claim(problem, "no_critical_point", sp.Integer(1)))
    assert not report.ok and report.rows[0].relation == "<="
    # the right value at a wrong boundary point is caught too
    report = lagropt.verify(problem, _claim(problem, "not_attained", sp.sqrt(2), [{x: 1, y: 0}]))
    assert not report.ok


def test_verify_catches_a_wrong_infimum():
    problem = lagropt.minimize((x - 2) ** 2 + (y - 2) ** 2, [x ** 2 + y ** 2 < 1])
    assert lagropt.verify(problem).ok
    assert not lagropt.verify(problem, _claim(problem, "not_attained", sp.Integer(5))).ok


def test_verify_checks_an_infimum_approached_at_infinity():
    problem = lagropt.minimize(1 / (1 + x ** 2))
    assert lagropt.verify(problem).ok
    assert not lagropt.verify(problem, _claim(problem, "not_attained", sp.Rational(1, 2))).ok


def test_verify_checks_unboundedness():
    problem = lagropt.maximize(x + y, [sp.Eq(x * y, 1)])
    report = lagropt.verify(problem)
    assert report.ok and report.status == "unbounded", str(report)
    assert all(r.relation == ">" for r in report.rows)
    bounded = lagropt.minimize(x ** 2 + y ** 2, [sp.Eq(x * y, 1)])     # minimum 2, not -oo
    report = lagropt.verify(bounded, _claim(bounded, "unbounded", -sp.oo))
    assert not report.ok, str(report)


def test_verify_checks_that_no_candidate_is_optimal():
    # x^2 + (xy - 1)^2 has infimum 0 (x -> 0, y = 1/x); the candidate (0, 0) has f = 1
    problem = lagropt.minimize(x ** 2 + (x * y - 1) ** 2)
    report = lagropt.verify(problem)
    assert report.ok and report.rows[0].quantity == "f beyond candidates"


def test_one_sided_rows():
    from lagropt.verification import Row

    assert Row("sup f", 1.0, 0.5, "<=").holds(1e-6) and not Row("sup f", 1.0, 1.5, "<=").holds(1e-6)
    assert Row("inf f", 1.0, 1.5, ">=").holds(1e-6) and not Row("inf f", 1.0, 0.5, ">=").holds(1e-6)
    assert not Row("f", 2.0, 2.0, ">").holds(1e-6) and Row("f", 2.0, 3.0, ">").holds(1e-6)
    assert not Row("f", 10.0, 15.0, ">", margin=1.0).holds(1e-6)     # must gain max(1, 10)
    assert Row("sup f", 1.0, 0.5, "<=").error == 0 and Row("sup f", 1.0, 1.5, "<=").error == 0.5


def test_the_module_docstring_names_only_the_method_used():
    import importlib

    module = importlib.import_module("lagropt.verification")
    assert "polished" not in module.__doc__ and "with SLSQP" in module.__doc__
