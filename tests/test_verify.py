"""verify(): the exact answer against scipy.optimize, and that a wrong answer is caught."""

import copy

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
