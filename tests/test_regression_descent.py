"""solver=<an optimizer of the descent family> (lagropt.optim).

The first tests run the estimators' hook against a small stand-in for ``lagropt.optim``
(full-batch gradient descent and the proximal L1 step), so that the wiring -- the smooth part
compiled with its data, the L1 part as a soft-threshold step, the intercept left unpenalized --
is checked on its own; the last one runs the real module (GD, Adam)."""

import sys
import types

import numpy as np
import pytest

from lagropt import regression as rg

rng = np.random.default_rng(0)
X = rng.normal(size=(80, 4))
Y = X @ np.array([1.5, -2.0, 0.0, 0.1]) + 1.0 + 0.3 * rng.normal(size=80)


class _GD:
    """Stand-in for lagropt.optim.GD: x <- x - lr g."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, x, g):
        x -= self.lr * g


class _Proximal(_GD):
    """Stand-in for optim.regularize(opt, l1=, proximal=True, mask=)."""

    def __init__(self, inner, l1, mask):
        super().__init__(inner.lr)
        self.inner, self.l1, self.mask = inner, l1, mask

    def step(self, x, g):
        self.inner.step(x, g)
        shrunk = np.sign(x) * np.maximum(np.abs(x) - self.lr * self.l1, 0)
        x[...] = shrunk if self.mask is None else np.where(self.mask, shrunk, x)


def _minimize(f, x0, optimizer, steps, data, tol):
    x = np.array(x0, dtype=float)
    for k in range(1, steps + 1):
        g = f.grad(x, *data)
        if tol is not None and np.abs(g).max() <= tol:
            return types.SimpleNamespace(x=x, nit=k - 1)
        optimizer.step(x, g)
    return types.SimpleNamespace(x=x, nit=steps)


@pytest.fixture
def stand_in(monkeypatch):
    module = types.ModuleType("lagropt.optim")
    module.minimize = _minimize
    module.regularize = lambda opt, l1, proximal, mask: _Proximal(opt, l1, mask)
    monkeypatch.setitem(sys.modules, "lagropt.optim", module)
    import lagropt
    monkeypatch.setattr(lagropt, "optim", module, raising=False)
    return module


def test_hook_minimizes_the_smooth_objective(stand_in):
    ours = rg.Ridge(alpha=2.0, solver=_GD(2e-3), max_iter=20_000, tol=1e-12).fit(X, Y)
    exact = rg.Ridge(alpha=2.0).fit(X, Y)
    assert np.allclose(ours.coef_, exact.coef_, atol=1e-8)
    assert ours.intercept_ == pytest.approx(exact.intercept_, abs=1e-8)
    assert ours.n_iter_ < 20_000                                   # stopped on tol


def test_hook_applies_l1_as_the_soft_threshold_step(stand_in):
    ours = rg.Lasso(alpha=0.3, solver=_GD(0.2), max_iter=5000).fit(X, Y)
    exact = rg.Lasso(alpha=0.3).fit(X, Y)
    assert np.allclose(ours.coef_, exact.coef_, atol=1e-10)
    assert np.array_equal(ours.coef_ == 0, exact.coef_ == 0)        # exact zeros, not ~lr l1


def test_hook_leaves_the_classifier_intercept_unpenalized(stand_in):
    labels = (X @ np.array([1.0, -1.0, 0.0, 0.0]) + 0.5 + rng.normal(size=80) > 0).astype(int)
    ours = rg.LogisticRegression(C=0.5, l1_ratio=1.0, solver=_GD(0.02), max_iter=20_000).fit(X, labels)
    exact = rg.LogisticRegression(C=0.5, l1_ratio=1.0, tol=1e-12).fit(X, labels)
    assert np.allclose(ours.coef_, exact.coef_, atol=1e-6)
    assert ours.intercept_ == pytest.approx(exact.intercept_, abs=1e-6)
    assert exact.intercept_[0] != 0


def test_with_lagropt_optim():
    from lagropt import optim

    ridge = rg.Ridge(alpha=2.0, solver=optim.GD(lr=2e-3), max_iter=20_000, tol=1e-12).fit(X, Y)
    assert np.allclose(ridge.coef_, rg.Ridge(alpha=2.0).fit(X, Y).coef_, atol=1e-8)
    lasso = rg.Lasso(alpha=0.3, solver=optim.GD(lr=0.2), max_iter=5000).fit(X, Y)
    assert np.allclose(lasso.coef_, rg.Lasso(alpha=0.3).fit(X, Y).coef_, atol=1e-10)
    adam = rg.Ridge(alpha=2.0, solver=optim.Adam(lr=0.05), max_iter=20_000, tol=1e-10).fit(X, Y)
    assert np.allclose(adam.coef_, rg.Ridge(alpha=2.0).fit(X, Y).coef_, atol=1e-6)
