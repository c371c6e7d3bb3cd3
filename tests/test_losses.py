"""Every loss of lagropt.losses: compiled value and gradient against hand-written NumPy.

The reference formulas below are written independently of lagropt, straight from the lecture
(deck 000: chi^2, ||Y - X beta||^2, KL; deck 002: cross-entropy with gradient X^T (yhat - y),
softmax cross-entropy, the Gaussian negative log-likelihood).
"""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import losses
from lagropt.functions import sigmoid

RNG = np.random.default_rng(20240611)
M, N, C = 40, 5, 3
XV = RNG.normal(size=(M, N))
YV = RNG.normal(size=M)
LABELS = (RNG.random(M) < 0.5).astype(float)
ONE_HOT = np.eye(C)[RNG.integers(0, C, M)]
BV = RNG.normal(size=N)
WV = RNG.normal(size=(N, C))

X, y, beta = losses.regression_symbols()


def expit(s):
    return 1.0 / (1.0 + np.exp(-s))


def softmax(S):
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def check(f, params, data, value, grad):
    assert f.value(params, *data) == pytest.approx(value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(f.grad(params, *data), grad, rtol=1e-10, atol=1e-12)
    v, g = f.value_and_grad(params, *data)
    assert v == pytest.approx(value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(g, grad, rtol=1e-10, atol=1e-12)
    report = lagropt.check_grad(f, params, data)
    assert report.ok, str(report)
    assert report.max_rel_error < 1e-6


def test_sse_and_mse_of_the_linear_model():
    r = YV - XV @ BV
    f = lagropt.compile(losses.sse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])
    check(f, BV, (XV, YV), r @ r, -2 * XV.T @ r)
    f = lagropt.compile(losses.mse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])
    check(f, BV, (XV, YV), r @ r / M, -2 * XV.T @ r / M)


def test_least_squares_reductions_and_hessian():
    r = YV - XV @ BV
    total = lagropt.compile(losses.least_squares(X, y, beta), wrt=beta, data=[X, y])
    check(total, BV, (XV, YV), r @ r, -2 * XV.T @ r)
    np.testing.assert_allclose(total.hess(BV, XV, YV), 2 * XV.T @ XV, rtol=1e-12)
    mean = lagropt.compile(losses.least_squares(X, y, beta, "mean"), wrt=beta, data=[X, y])
    check(mean, BV, (XV, YV), r @ r / M, -2 * XV.T @ r / M)
    with pytest.raises(lagropt.ProblemError, match="reduction"):
        losses.least_squares(X, y, beta, "average")


def test_least_squares_prints_like_the_lecture():
    assert sp.sstr(losses.least_squares(X, y, beta)) == \
        "Sum((y[i] - Sum(X[i, j]*beta[j], (j, 0, n - 1)))**2, (i, 0, m - 1))"


def test_chi2_fits_a_line_with_scalar_parameters():
    a, b = sp.symbols("a b", real=True)
    x, s = sp.IndexedBase("x", shape=(losses.m,)), sp.IndexedBase("sigma", shape=(losses.m,))
    expr = losses.chi2(y, a + b * x[losses.i], s)
    assert sp.sstr(expr) == "Sum((a + b*x[i] - y[i])**2/sigma[i]**2, (i, 0, m - 1))"
    xv = np.linspace(0, 2, M)
    sv = 0.5 + RNG.random(M)
    f = lagropt.compile(expr, wrt=[a, b], data=[x, y, s])
    p = np.array([0.3, -1.2])
    r = (p[0] + p[1] * xv - YV) / sv ** 2
    check(f, p, (xv, YV, sv), np.sum((p[0] + p[1] * xv - YV) ** 2 / sv ** 2),
          [2 * r.sum(), 2 * (r * xv).sum()])
    w = 1 / sv ** 2
    np.testing.assert_allclose(f.hess(p, xv, YV, sv),
                               2 * np.array([[w.sum(), (w * xv).sum()],
                                             [(w * xv).sum(), (w * xv * xv).sum()]]), rtol=1e-12)


def test_binary_cross_entropy_and_the_logistic_gradient():
    # the lecture: L = -sum [y log yhat + (1 - y) log(1 - yhat)], dL/dw = X^T (yhat - y)
    yhat = expit(XV @ BV)
    nll = -np.sum(LABELS * np.log(yhat) + (1 - LABELS) * np.log(1 - yhat))
    lecture_gradient = XV.T @ (yhat - LABELS)
    f = lagropt.compile(losses.logistic_loss(X, y, beta, "sum"), wrt=beta, data=[X, y])
    check(f, BV, (XV, LABELS), nll, lecture_gradient)
    mean = lagropt.compile(losses.logistic_loss(X, y, beta), wrt=beta, data=[X, y])
    check(mean, BV, (XV, LABELS), nll / M, lecture_gradient / M)
    composed = losses.binary_cross_entropy(y, sigmoid(losses.linear(X, beta)), "sum")
    g = lagropt.compile(composed, wrt=beta, data=[X, y])
    check(g, BV, (XV, LABELS), nll, lecture_gradient)
    hessian = XV.T @ ((yhat * (1 - yhat))[:, None] * XV)
    np.testing.assert_allclose(f.hess(BV, XV, LABELS), hessian, rtol=1e-10)


def test_binary_cross_entropy_of_probabilities_keeps_0_log_0():
    p = sp.IndexedBase("p", shape=(losses.m,))
    f = lagropt.compile(losses.binary_cross_entropy(y, p), wrt=p, data=[y])
    pv = np.clip(expit(RNG.normal(size=M)), 0.05, 0.95)
    value = -np.mean(LABELS * np.log(pv) + (1 - LABELS) * np.log(1 - pv))
    check(f, pv, (LABELS,), value, -(LABELS / pv - (1 - LABELS) / (1 - pv)) / M)
    exact = LABELS.copy()               # predicted probabilities exactly 0 and 1: loss 0, no NaN
    assert f.value(np.where(exact == 1, 1.0, 0.0), LABELS) == 0.0


def test_logistic_loss_does_not_overflow():
    f = lagropt.compile(losses.logistic_loss(X, y, beta, "sum"), wrt=beta, data=[X, y])
    big = 1000 * np.sign(XV[:, 0])          # logits of +-1000 or more
    Xbig = np.column_stack([big, np.zeros((M, N - 1))])
    value, grad = f.value_and_grad(np.eye(N)[0], Xbig, LABELS)
    s = big
    expected = np.sum(np.maximum(s, 0) - LABELS * s)      # softplus(s) = s for s >> 0, 0 for s << 0
    assert value == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grad, Xbig.T @ ((s > 0) - LABELS), atol=1e-12)


def test_softmax_cross_entropy_and_its_gradient():
    Xc, Y, W = losses.classification_symbols()
    f = lagropt.compile(losses.multinomial_logistic_loss(Xc, Y, W), wrt=W, data=[Xc, Y])
    P = softmax(XV @ WV)
    value = -np.sum(ONE_HOT * np.log(P)) / M
    check(f, WV.ravel(), (XV, ONE_HOT), value, (XV.T @ (P - ONE_HOT) / M).ravel())
    assert f.shapes(XV, ONE_HOT) == {"W": (N, C)}
    assert f.coordinates(WV.ravel(), XV, ONE_HOT)[:2] == ["W[0, 0]", "W[0, 1]"]
    H = np.zeros((N, C, N, C))
    for row, p in zip(XV, P):
        H += np.einsum("j,l,cd->jcld", row, row, np.diag(p) - np.outer(p, p))
    np.testing.assert_allclose(f.hess(WV.ravel(), XV, ONE_HOT), H.reshape(N * C, N * C) / M,
                               atol=1e-12)


def test_softmax_cross_entropy_is_stable_for_large_logits():
    Xc, Y, W = losses.classification_symbols()
    f = lagropt.compile(losses.multinomial_logistic_loss(Xc, Y, W, "sum"), wrt=W, data=[Xc, Y])
    value, grad = f.value_and_grad(1000 * WV.ravel(), XV, ONE_HOT)
    S = XV @ (1000 * WV)
    lse = S.max(axis=1) + np.log(np.exp(S - S.max(axis=1, keepdims=True)).sum(axis=1))
    assert value == pytest.approx(np.sum(lse - (ONE_HOT * S).sum(axis=1)), rel=1e-12)
    np.testing.assert_allclose(grad, (XV.T @ (softmax(S) - ONE_HOT)).ravel(), atol=1e-9)


def test_softmax_written_as_the_lecture_compiles_to_the_same_numbers():
    Xc, Y, W = losses.classification_symbols()
    i, c, k = losses.i, losses.c, losses.k
    s = losses.linear(Xc, W, i, c)
    softmax_ic = sp.exp(s) / sp.Sum(sp.exp(s.xreplace({c: k})), (k, 0, losses.K - 1))
    lecture = -sp.Sum(Y[i, c] * sp.log(softmax_ic), (c, 0, losses.K - 1), (i, 0, losses.m - 1)) / losses.m
    f = lagropt.compile(lecture, wrt=W, data=[Xc, Y])
    P = softmax(XV @ WV)
    check(f, WV.ravel(), (XV, ONE_HOT), -np.sum(ONE_HOT * np.log(P)) / M,
          (XV.T @ (P - ONE_HOT) / M).ravel())
    assert np.isfinite(f.value(1000 * WV.ravel(), XV, ONE_HOT))


def test_gaussian_nll_with_the_variance_as_a_parameter():
    sigma = sp.Symbol("sigma", positive=True)
    expr = losses.gaussian_nll(y, losses.linear(X, beta), sigma)
    # deck 002: L(w) = m/2 log(2 pi sigma^2) + 1/(2 sigma^2) (y - X w)^T (y - X w)
    i, m = losses.i, losses.m
    lecture = (m / 2 * sp.log(2 * sp.pi * sigma ** 2)
               + sp.Sum((y[i] - losses.linear(X, beta)) ** 2, (i, 0, m - 1)) / (2 * sigma ** 2))
    assert sp.simplify(expr - lecture) == 0
    f = lagropt.compile(expr, wrt=[beta, sigma], data=[X, y])
    sv = 0.7
    r = YV - XV @ BV
    value = M / 2 * np.log(2 * np.pi * sv ** 2) + r @ r / (2 * sv ** 2)
    grad = np.r_[-XV.T @ r / sv ** 2, M / sv - r @ r / sv ** 3]
    check(f, np.r_[BV, sv], (XV, YV), value, grad)


def test_gaussian_nll_with_a_sigma_per_sample():
    s = sp.IndexedBase("s", shape=(losses.m,))
    f = lagropt.compile(losses.gaussian_nll(y, losses.linear(X, beta), s, "mean"), wrt=beta, data=[X, y, s])
    sv = 0.5 + RNG.random(M)
    r = YV - XV @ BV
    value = np.mean(np.log(2 * np.pi * sv ** 2) / 2 + r ** 2 / (2 * sv ** 2))
    check(f, BV, (XV, YV, sv), value, -XV.T @ (r / sv ** 2) / M)


def test_kl_divergence_and_entropy():
    p = sp.IndexedBase("p", shape=(losses.n,))
    q = sp.IndexedBase("q", shape=(losses.n,))
    pv = np.array([0.5, 0.25, 0.25, 0.0])      # a zero: 0 log 0 = 0
    qv = np.array([0.1, 0.2, 0.3, 0.4])
    kl = lagropt.compile(losses.kl_divergence(p, q), wrt=q, data=[p])
    nz = pv > 0
    check(kl, qv, (pv,), np.sum(pv[nz] * np.log(pv[nz] / qv[nz])), -pv / qv)
    entropy = lagropt.compile(losses.entropy(p), wrt=p)
    pos = np.array([0.2, 0.3, 0.5])
    check(entropy, pos, (), -np.sum(pos * np.log(pos)), -np.log(pos) - 1)
    assert entropy.value(np.array([0.5, 0.5, 0.0])) == pytest.approx(np.log(2))
    # d/dp_i (-p_i log p_i) = -log p_i - 1 is infinite at p_i = 0: an error, not a silent inf
    with pytest.raises(lagropt.EvaluationError, match=r"p\[2\]"):
        entropy.grad(np.array([0.5, 0.5, 0.0]))


def test_losses_need_shapes_and_elements():
    with pytest.raises(lagropt.ProblemError, match="shape"):
        losses.mse(sp.IndexedBase("t"), 0)
    with pytest.raises(lagropt.ProblemError, match="MatrixSymbol"):
        losses.mse(sp.MatrixSymbol("t", 3, 1), 0)
