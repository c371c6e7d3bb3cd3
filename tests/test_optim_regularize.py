"""L1 and L2 inside the step: penalty gradients (deck 001), decoupled weight decay (deck 004)
and proximal soft-thresholding, and how they differ."""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import losses, optim, penalties
from lagropt.errors import OptimizerError


@pytest.fixture(scope="module")
def lasso_data():
    rng = np.random.default_rng(0)
    m, n = 200, 4
    Q, _ = np.linalg.qr(rng.normal(size=(m, n)))
    Xv = Q * np.sqrt(m)                      # orthogonal design: X^T X / m = I
    yv = Xv @ np.array([2.0, -1.0, 0.05, 0.0]) + 0.01 * rng.normal(size=m)
    X, y, beta = losses.regression_symbols()
    f = lagropt.compile(losses.mse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])
    return f, Xv, yv, X, y, beta


def test_penalty_gradients_are_the_lectures_gd_on_the_penalized_loss(lasso_data):
    f, Xv, yv, X, y, beta = lasso_data
    penalized = lagropt.compile(losses.mse(y, losses.linear(X, beta)) + penalties.l1(beta, 0.1)
                                + penalties.l2(beta, 0.05), wrt=beta, data=[X, y])
    b0 = np.array([0.5, -0.5, 0.3, 0.2])
    a = optim.minimize(f, b0, optim.regularize(optim.GD(0.05), l1=0.1, l2=0.05), steps=50,
                       data=(Xv, yv))
    b = optim.minimize(penalized, b0, optim.GD(0.05), steps=50, data=(Xv, yv))
    np.testing.assert_allclose(a.path, b.path, rtol=1e-13, atol=1e-15)


def test_decoupled_decay_is_the_l2_gradient_for_plain_gd(lasso_data):
    """theta (1 - alpha lambda) - alpha grad = theta - alpha (grad + lambda theta): weight
    decay lambda equals the penalty (lambda / 2) ||theta||^2, i.e. l2 = lambda / 2."""
    f, Xv, yv, *_ = lasso_data
    b0 = np.array([0.5, -0.5, 0.3, 0.2])
    decay = optim.minimize(f, b0, optim.regularize(optim.GD(0.05), weight_decay=0.2), steps=40,
                           data=(Xv, yv))
    l2 = optim.minimize(f, b0, optim.regularize(optim.GD(0.05), l2=0.1), steps=40, data=(Xv, yv))
    np.testing.assert_allclose(decay.path, l2.path, rtol=1e-12, atol=1e-15)
    # first step by hand: b0 (1 - 0.05 * 0.2) - 0.05 grad(b0)
    np.testing.assert_allclose(decay.path[1], b0 * 0.99 - 0.05 * f.grad(b0, Xv, yv), rtol=1e-14)


def test_with_adam_the_decoupled_decay_and_the_penalty_gradient_differ(lasso_data):
    f, Xv, yv, *_ = lasso_data
    b0 = np.array([0.5, -0.5, 0.3, 0.2])
    adamw = optim.minimize(f, b0, optim.AdamW(0.01, weight_decay=0.2), steps=40, data=(Xv, yv))
    wrapped = optim.minimize(f, b0, optim.regularize(optim.Adam(0.01), weight_decay=0.2),
                             steps=40, data=(Xv, yv))
    coupled = optim.minimize(f, b0, optim.Adam(0.01, weight_decay=0.2), steps=40, data=(Xv, yv))
    np.testing.assert_allclose(wrapped.path, adamw.path, rtol=1e-13)
    assert np.abs(coupled.path - adamw.path).max() > 1e-3


def test_proximal_l1_reaches_exact_zeros_and_the_soft_threshold_solution(lasso_data):
    """With X^T X / m = I the lasso min (1/m)||y - Xb||^2 + lam ||b||_1 has the closed form
    (deck 004) b_j = sign(b_ols_j) max(|b_ols_j| - lam / H_jj, 0), H_jj = 2."""
    f, Xv, yv, *_ = lasso_data
    lam = 0.2
    ols = Xv.T @ yv / len(yv)
    closed = np.sign(ols) * np.maximum(np.abs(ols) - lam / 2, 0)
    assert (closed == 0).sum() == 2
    prox = optim.minimize(f, np.zeros(4), optim.regularize(optim.GD(0.1), l1=lam, proximal=True),
                          steps=300, data=(Xv, yv))
    sub = optim.minimize(f, np.zeros(4), optim.regularize(optim.GD(0.1), l1=lam), steps=300,
                         data=(Xv, yv))
    np.testing.assert_allclose(prox.x, closed, atol=1e-12)
    assert np.array_equal(prox.x == 0, closed == 0)              # exact zeros
    assert np.all(sub.x[closed == 0] != 0)                        # the subgradient oscillates
    assert np.abs(sub.x[closed == 0]).max() < 0.05                # ... about 0, never at it


def test_soft_threshold():
    np.testing.assert_array_equal(optim.soft_threshold(np.array([3.0, -0.5, 0.2, -2.0]), 1.0),
                                  [2.0, 0.0, 0.0, -1.0])


def test_mask_leaves_the_intercept_unpenalized():
    opt = optim.regularize(optim.GD(0.1), l2=1.0, weight_decay=0.5, mask=[False, True])
    x = np.array([1.0, 1.0])
    opt.step(x, np.zeros(2), opt.init(x))
    # coordinate 0 untouched; coordinate 1: 1 (1 - 0.05) - 0.1 * 2 * 1
    assert x.tolist() == [1.0, pytest.approx(0.95 - 0.2)]


def test_bad_regularization():
    with pytest.raises(OptimizerError, match="l1 > 0"):
        optim.regularize(optim.GD(0.1), proximal=True)
    with pytest.raises(OptimizerError, match="wraps an optimizer"):
        optim.regularize("GD", l1=0.1)
    with pytest.raises(OptimizerError, match="l2"):
        optim.regularize(optim.GD(0.1), l2=-1)


def test_a_chain_of_decoupled_decay_and_adam_is_adamw_bit_for_bit():
    """torch's AdamW multiplies x by (1 - lr wd), then takes the Adam step: the same
    operations as the chain (decay, Adam), so the same iterates to the last bit."""
    rng = np.random.default_rng(1)
    a = rng.normal(size=300)
    b = a.copy()
    adamw = optim.AdamW(0.01, weight_decay=0.2)
    chained = optim.chain(optim.decoupled_decay(0.2), optim.Adam(0.01))
    sa, sb = adamw.init(a), chained.init(b)
    for _ in range(30):
        g = rng.normal(size=300)
        adamw.step(a, g, sa)
        chained.step(b, g, sb)
    assert np.array_equal(a, b) and sb.step == 30
    assert np.array_equal(sa.exp_avg_sq, sb.exp_avg_sq)


def test_the_stages_of_a_chain_run_in_their_order():
    """One GD step (lr 0.1, g = 0.5) and the soft threshold lr l1 = 0.1, in either order:
    thresholding after the step zeroes the coordinate the step carried to -0.1, thresholding
    first zeroes it at -0.05 and the step then moves it to -0.05."""
    g = np.array([0.5, 0.5])
    after = np.array([1.0, -0.05])
    rule_first = optim.chain(optim.GD(0.1), optim.proximal_l1(1.0))
    rule_first.step(after, g, rule_first.init(after))
    before = np.array([1.0, -0.05])
    threshold_first = optim.chain(optim.proximal_l1(1.0), optim.GD(0.1))
    threshold_first.step(before, g, threshold_first.init(before))
    assert after.tolist() == [pytest.approx(0.85, rel=1e-15), 0.0]
    assert before.tolist() == [pytest.approx(0.85, rel=1e-15), -0.05]


def test_a_penalty_in_a_chain_pulls_an_ascent_towards_zero():
    """Maximizing -(x - 1)^2 - l2 x^2 with l2 = 1/2: -2 (x - 1) - x = 0 at x = 2/3."""
    x = sp.Symbol("x")
    r = optim.minimize(-(x - 1) ** 2, [0.0], optim.chain(optim.penalty_gradient(l2=0.5),
                                                         optim.GD(0.1, maximize=True)),
                       steps=500)
    # (the loop judges the run by the unpenalized gradient, 2/3 there: it reports a stall)
    assert r.nit == 500 and abs(r.x[0] - 2 / 3) < 1e-12


def test_a_chain_holds_one_rule_and_functions():
    with pytest.raises(OptimizerError, match="exactly one update rule"):
        optim.chain(optim.GD(0.1), optim.GD(0.2))
    with pytest.raises(OptimizerError, match="exactly one update rule"):
        optim.chain(optim.penalty_gradient(l1=0.1))
    with pytest.raises(OptimizerError, match=r"a function \(x, g, lr, sign\)"):
        optim.chain(optim.GD(0.1), "soft")
    with pytest.raises(OptimizerError, match="arrays of parameters"):
        opt = optim.chain(optim.decoupled_decay(0.1), optim.GD(0.1))
        opt.step([1.0], [1.0], opt.init([1.0]))
