"""Descent and Lagrange meet: the augmented Lagrangian reaches the exact solution's point and
multipliers (lecture sign, L = f - lambda g); verify() checks descent against exact and scipy."""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import optim
from lagropt.errors import OptimizerError

x, y, z = sp.symbols("x y z", real=True)
p1, p2 = sp.symbols("p1 p2", positive=True)


def exact_numbers(problem):
    sol = problem.solve()
    point = sol.optimum[0]
    return ([float(point.x[v]) for v in problem.variables],
            {m: float(v) for m, v in point.multipliers.items()}, float(point.value))


@pytest.mark.parametrize("problem, lecture_lambda", [
    (lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)]), 1.0),
    (lagropt.maximize(-p1 * sp.log(p1) - p2 * sp.log(p2), subject_to=[sp.Eq(p1 + p2, 1)]),
     np.log(2) - 1),
], ids=["paraboloid-on-x=y", "coin"])
def test_lecture_examples_reach_the_exact_point_and_multiplier(problem, lecture_lambda):
    point, multipliers, value = exact_numbers(problem)
    r = optim.descend(problem)
    assert r.success, r.message
    assert r.x == pytest.approx(point, abs=1e-7)
    assert r.fun == pytest.approx(value, abs=1e-7)
    (name, lam), = r.multipliers.items()
    assert name == problem.multipliers[0]
    assert lam == pytest.approx(multipliers[name], abs=1e-6)
    assert lam == pytest.approx(lecture_lambda, abs=1e-6)
    assert r.maxcv < 1e-8 and r.path[0].tolist() == ([0.0, 0.0] if x in problem.variables
                                                     else [1.0, 1.0])


def test_two_constraints_and_a_minimum():
    problem = lagropt.minimize(x ** 2 + 2 * y ** 2 + 3 * z ** 2,
                               subject_to=[sp.Eq(x + y + z, 1), sp.Eq(x - y, 0)])
    point, multipliers, _ = exact_numbers(problem)
    r = optim.descend(problem, optimizer=optim.Adam(0.05), steps=20000)
    assert r.success and r.x == pytest.approx(point, abs=1e-7)
    for name, value in multipliers.items():
        assert r.multipliers[name] == pytest.approx(value, abs=1e-6)


def test_unconstrained_problem_and_its_sense():
    r = optim.descend(lagropt.maximize(-(x - 1) ** 2 - (y + 3) ** 2), optimizer=optim.GD(0.2))
    assert r.success and r.x == pytest.approx([1, -3]) and r.multipliers == {}
    assert r.fun == pytest.approx(0.0, abs=1e-14)


def test_parameters_need_numbers():
    a = sp.Symbol("a", positive=True)
    problem = lagropt.minimize((x - a) ** 2 + y ** 2, subject_to=[sp.Eq(x + y, 1)], params=[a])
    r = optim.descend(problem, subs={a: 3})
    assert r.x == pytest.approx([2, -1], abs=1e-7)
    with pytest.raises(lagropt.LagroptError, match="give numbers"):
        optim.descend(problem)


def test_inequalities_are_refused_with_a_pointer():
    with pytest.raises(OptimizerError, match="equality constraints"):
        optim.descend(lagropt.minimize(x ** 2, subject_to=[x >= 1]))


def test_divergence_inside_is_reported():
    problem = lagropt.minimize(x ** 2 + y ** 2, subject_to=[sp.Eq(x + y, 1)])
    r = optim.descend(problem, optimizer=optim.GD(5.0))
    assert not r.success and "learning rate" in r.message


def test_descend_results_carry_status_and_jac():
    # max 10 - (x-2)^2 - (y-1)^2 on x = y: by hand, x = y = 3/2, grad f = (-2(x-2), -2(y-1))
    # = (1, -1) there (parallel to grad g = (1, -1), lambda = 1)
    problem = lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)])
    r = optim.descend(problem)
    assert r.status == 0 and r.success and "converged" in r.message
    assert r.jac == pytest.approx([-2 * (r.x[0] - 2), -2 * (r.x[1] - 1)], abs=1e-14)
    assert r.jac == pytest.approx([1, -1], abs=1e-7)
    # two multiplier updates of 5 steps each cannot meet tol = 1e-8: status 1, not a success
    short = optim.descend(problem, steps=5, outer=2)
    assert short.status == 1 and not short.success and "not converged" in short.message
    # no constraints: the inner descent's status; a step limit without convergence is status 1
    free = optim.descend(lagropt.maximize(-(x - 1) ** 2), optimizer=optim.GD(0.01), steps=3)
    assert free.status == 1 and not free.success and free.jac == pytest.approx(-2 * (free.x - 1))
    diverged = optim.descend(lagropt.minimize(x ** 2 + y ** 2, subject_to=[sp.Eq(x + y, 1)]),
                             optimizer=optim.GD(5.0))
    assert diverged.status == 2 and not diverged.success


def test_verify_descent_against_exact_and_scipy():
    problem = lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)])
    report = lagropt.verify(problem, descent=optim.descend(problem))
    assert report.ok and report.max_error < 1e-6
    assert [r.quantity for r in report.rows] == ["f", "x", "y", "lambda"]
    assert "SLSQP" in report.message and "descent" in report.table()
    rosenbrock = lagropt.minimize((1 - x) ** 2 + 100 * (y - x ** 2) ** 2)
    result = optim.descend(rosenbrock, [-1.2, 1.0], optim.Adam(0.02), steps=20000)
    report = lagropt.verify_descent(rosenbrock, result)
    assert report.ok and "BFGS" in report.message
    assert report.to_dict()["rows"][1]["scipy"] == pytest.approx(1.0)


def test_verify_descent_catches_a_result_that_stopped_short():
    problem = lagropt.minimize((1 - x) ** 2 + 100 * (y - x ** 2) ** 2)
    result = optim.descend(problem, [-1.2, 1.0], optim.GD(1e-3), steps=200)
    report = lagropt.verify_descent(problem, result)
    assert not report.ok and report.max_error > 1e-3


def test_verify_descent_with_bounds_uses_lbfgsb():
    problem = lagropt.maximize(-p1 * sp.log(p1) - p2 * sp.log(p2))
    report = lagropt.verify(problem, descent=True)
    assert report.ok and "L-BFGS-B" in report.message
