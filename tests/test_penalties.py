"""Every penalty of lagropt.penalties: compiled value and gradient against NumPy, the
subgradient conventions at 0, the two elastic-net conventions, and penalties from constraints."""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import losses, penalties

RNG = np.random.default_rng(7)
N = 6
BV = RNG.normal(size=N)
BETA = sp.IndexedBase("beta", shape=(losses.n,))
LAM = 0.3


def compiled(expr):
    return lagropt.compile(expr, wrt=BETA)


def check(expr, value, grad, at=BV):
    f = compiled(expr)
    assert f.value(at) == pytest.approx(value, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(f.grad(at), grad, rtol=1e-12, atol=1e-15)
    report = lagropt.check_grad(f, at)
    assert report.ok, str(report)
    return f


def test_l1_value_gradient_and_elementwise_code():
    f = check(penalties.l1(BETA, LAM), LAM * np.abs(BV).sum(), LAM * np.sign(BV))
    source = f.source("grad")
    assert "numpy.sign(beta)" in source and "for " not in source


def test_l2_is_the_lecture_lambda_beta_squared_with_gradient_2_lambda_beta():
    check(penalties.l2(BETA, LAM), LAM * BV @ BV, 2 * LAM * BV)
    np.testing.assert_allclose(compiled(penalties.l2(BETA, LAM)).hess(BV), 2 * LAM * np.eye(N))


def test_weight_decay_is_lambda_over_2_with_gradient_lambda_beta():
    check(penalties.weight_decay(BETA, LAM), LAM / 2 * BV @ BV, LAM * BV)


def test_elastic_net_lecture_form():
    lam, alpha = 0.4, 0.25
    value = lam * ((1 - alpha) / 2 * BV @ BV + alpha * np.abs(BV).sum())
    check(penalties.elastic_net(BETA, lam, alpha), value,
          lam * ((1 - alpha) * BV + alpha * np.sign(BV)))


def test_sklearn_elastic_net_is_the_lecture_form_renamed():
    lam, a, alpha, l1_ratio = sp.symbols("lambda a alpha l1_ratio", positive=True)
    assert sp.simplify(penalties.elastic_net(BETA, lam, a)
                       - penalties.sklearn_elastic_net(BETA, lam, a)) == 0
    value = 0.4 * 0.7 * np.abs(BV).sum() + 0.4 * 0.3 / 2 * BV @ BV
    check(penalties.sklearn_elastic_net(BETA, 0.4, 0.7), value,
          0.4 * 0.7 * np.sign(BV) + 0.4 * 0.3 * BV)


def test_positivity_penalty():
    check(penalties.positivity(BETA, LAM), LAM * np.maximum(0, -BV).sum(), -LAM * (BV < 0))


def test_subgradients_at_zero_are_the_documented_ones():
    at = np.array([0.0, 1.5, -2.0, 0.0, 0.5, -0.1])
    # L1: sign(0) = 0, as in the lecture
    np.testing.assert_array_equal(compiled(penalties.l1(BETA, LAM)).grad(at), LAM * np.sign(at))
    # lambda max(0, -beta): Heaviside(0) = 0, not SymPy's default 1/2 (which gives -lambda/2)
    grad = compiled(penalties.positivity(BETA, LAM)).grad(at)
    np.testing.assert_array_equal(grad, [0.0, 0.0, -LAM, 0.0, 0.0, -LAM])
    report = lagropt.check_grad(compiled(penalties.positivity(BETA, LAM)), at)
    assert report.kinks == ("beta[0]", "beta[3]") and report.ok


def test_the_hessian_of_l1_does_not_exist_at_zero():
    f = compiled(penalties.l1(BETA, LAM))
    np.testing.assert_array_equal(f.hess(BV), np.zeros((N, N)))
    with pytest.raises(lagropt.EvaluationError, match=r"beta\[k\] = 0 at index 2"):
        f.hess(np.array([1.0, -1.0, 0.0, 2.0, 1.0, 1.0]))


def test_penalties_of_scalar_symbols_and_of_a_matrix_symbol():
    x, y = sp.symbols("x y", real=True)
    assert penalties.l1([x, y], 2) == 2 * sp.Abs(x) + 2 * sp.Abs(y)
    assert penalties.l2([x, y], 2) == 2 * x ** 2 + 2 * y ** 2
    b = sp.MatrixSymbol("b", losses.n, 1)
    f = lagropt.compile(penalties.l1(b, LAM), wrt=b)
    assert f.value(BV) == pytest.approx(LAM * np.abs(BV).sum())
    W = sp.IndexedBase("W", shape=(2, 3))
    Wv = RNG.normal(size=(2, 3))
    g = lagropt.compile(penalties.l2(W, LAM), wrt=W)
    assert g.value(Wv.ravel()) == pytest.approx(LAM * (Wv ** 2).sum())
    np.testing.assert_allclose(g.grad(Wv.ravel()), 2 * LAM * Wv.ravel())


def test_penalized_least_squares_gradient():
    X, y, beta = losses.regression_symbols()
    expr = losses.mse(y, losses.linear(X, beta)) + penalties.l1(beta, 0.1) + penalties.l2(beta, 0.01)
    f = lagropt.compile(expr, wrt=beta, data=[X, y])
    Xv, yv = RNG.normal(size=(50, N)), RNG.normal(size=50)
    expected = -2 / 50 * Xv.T @ (yv - Xv @ BV) + 0.1 * np.sign(BV) + 2 * 0.01 * BV
    np.testing.assert_allclose(f.grad(BV, Xv, yv), expected, rtol=1e-12)


def test_quadratic_penalty_of_constraints():
    x, y = sp.symbols("x y", real=True)
    rho = sp.Symbol("rho", positive=True)
    assert penalties.quadratic_penalty(sp.Eq(x, y), rho) == rho / 2 * (x - y) ** 2
    assert penalties.quadratic_penalty([x + y - 1, sp.Eq(x, 2)], 4) == \
        2 * (x + y - 1) ** 2 + 2 * (x - 2) ** 2
    with pytest.raises(lagropt.ProblemError, match="inequality"):
        penalties.quadratic_penalty(x <= 1, rho)
    f = lagropt.compile(penalties.quadratic_penalty([x + y - 1, sp.Eq(x, 2)], 3), wrt=[x, y])
    p = np.array([0.4, 1.5])
    g1, g2 = p[0] + p[1] - 1, p[0] - 2
    assert f.value(p) == pytest.approx(1.5 * (g1 ** 2 + g2 ** 2))
    np.testing.assert_allclose(f.grad(p), [3 * (g1 + g2), 3 * g1])
    assert lagropt.check_grad(f, p).ok


def test_penalty_multipliers_tend_to_the_lagrange_multiplier():
    # the lecture's paraboloid on x = y: lambda = 1. The penalized maximizer has
    # g = x - y = 1/(1 + rho), so the estimate rho g = rho/(1 + rho) -> 1.
    x, y = sp.symbols("x y", real=True)
    rho = sp.Symbol("rho", positive=True)
    problem = lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)])
    F = penalties.penalized(problem, rho)
    point = sp.solve([sp.diff(F, x), sp.diff(F, y)], [x, y], dict=True)[0]
    (lam, estimate), = penalties.penalty_multipliers(problem, rho, point).items()
    assert lam == problem.multipliers[0]
    assert sp.simplify(estimate - rho / (1 + rho)) == 0
    assert sp.limit(estimate, rho, sp.oo) == problem.solve().multipliers[lam]


def test_penalty_multipliers_of_a_minimization_with_an_inequality():
    # minimize x^2 + y^2 subject to x + y >= 2: x = y = 1, mu = 2 (grad f = mu grad h)
    x, y = sp.symbols("x y", real=True)
    problem = lagropt.minimize(x ** 2 + y ** 2, subject_to=[x + y >= 2])
    rho = 1e6
    f = lagropt.compile(penalties.penalized(problem, rho), wrt=[x, y])
    from scipy.optimize import minimize as scipy_minimize
    r = scipy_minimize(f.value, [0.0, 0.0], jac=f.grad, method="BFGS", options={"gtol": 1e-10})
    (mu, estimate), = penalties.penalty_multipliers(problem, rho, dict(zip([x, y], r.x))).items()
    assert float(estimate) == pytest.approx(2.0, rel=1e-5)
