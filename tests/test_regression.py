"""lagropt.regression estimators, paths and maps, each against its closed form or its KKT
conditions written out here from scratch (no scikit-learn needed; see
test_regression_sklearn.py for the comparisons with scikit-learn)."""

import numpy as np
import pytest
import scipy.optimize
import sympy as sp

from lagropt import regression as rg
from lagropt.errors import DataError, LagroptError, ProblemError


def _data(m=60, n=6, seed=0, noise=0.5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n)) + 0.3 * rng.normal(size=(m, 1))      # correlated columns
    w = np.zeros(n)
    w[: n // 2] = rng.normal(size=n // 2) * 3
    return X, X @ w + 4.0 + noise * rng.normal(size=m)


X, Y = _data()
M = len(Y)
Xc, Yc = X - X.mean(0), Y - Y.mean()


def _lasso_kkt(w, alpha, l2=0.0, X=Xc, y=Yc):
    """The lecture's subgradient conditions of 1/(2m)||y - Xw||^2 + alpha||w||_1 + l2/2||w||^2:
    c = X^T (y - X w)/m - l2 w equals alpha sign(w_j) where w_j != 0, |c_j| <= alpha where w_j = 0.
    Returns the largest violation."""
    c = X.T @ (y - X @ w) / len(y) - l2 * w
    nonzero = w != 0
    return max(np.abs(c[nonzero] - alpha * np.sign(w[nonzero])).max(initial=0.0),
               (np.abs(c[~nonzero]) - alpha).max(initial=-1.0))


# -- closed forms -----------------------------------------------------------------------------

def test_linear_regression_is_the_normal_equations_solution():
    est = rg.LinearRegression().fit(X, Y)
    design = np.column_stack([np.ones(M), X])
    expected = np.linalg.solve(design.T @ design, design.T @ Y)
    assert np.allclose(est.intercept_, expected[0], atol=1e-10)
    assert np.allclose(est.coef_, expected[1:], atol=1e-10)
    assert est.score(X, Y) == pytest.approx(1 - ((Y - design @ expected) ** 2).sum()
                                            / ((Y - Y.mean()) ** 2).sum(), abs=1e-12)


def test_ridge_is_the_penalized_normal_equations_solution():
    lam = 3.0
    est = rg.Ridge(alpha=lam).fit(X, Y)
    expected = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ Yc)
    assert np.allclose(est.coef_, expected, atol=1e-10)
    assert est.intercept_ == pytest.approx(Y.mean() - X.mean(0) @ expected, abs=1e-10)
    lbfgs = rg.Ridge(alpha=lam, solver="lbfgs", tol=1e-12).fit(X, Y)
    assert np.allclose(lbfgs.coef_, expected, atol=1e-5)


def test_ridge_rescales_along_the_hessian_eigenvectors():
    """deck 004: with H = X^T X and w_ols its minimizer, ridge = Q diag(s/(s + lambda)) Q^T w_ols."""
    lam = 5.0
    sig, Q = np.linalg.eigh(Xc.T @ Xc)
    w_ols = np.linalg.solve(Xc.T @ Xc, Xc.T @ Yc)
    expected = Q @ (sig / (sig + lam) * (Q.T @ w_ols))
    assert np.allclose(rg.Ridge(alpha=lam).fit(X, Y).coef_, expected, atol=1e-10)
    assert np.allclose(rg.ridge_path(X, Y, [lam]).coefs[:, 0], expected, atol=1e-10)


def test_lasso_on_an_orthogonal_design_soft_thresholds_least_squares():
    """deck 004: with a diagonal Hessian the lasso is sign(w) max(|w| - lambda/H_ii, 0)."""
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.normal(size=(40, 5)))
    Xo = Q * np.sqrt(40) * np.array([1.0, 2.0, 0.5, 1.5, 1.0])      # X^T X/m = diag(h)
    y = Xo @ np.array([2.0, -1.0, 0.3, 0.05, -4.0]) + 0.1 * rng.normal(size=40)
    y = y - y.mean()
    h = np.diag(Xo.T @ Xo) / 40
    w_ols = Xo.T @ y / 40 / h
    alpha = 0.4
    expected = np.sign(w_ols) * np.maximum(np.abs(w_ols) - alpha / h, 0)
    assert 0 < np.count_nonzero(expected) < 5
    for solver in ("auto", "cd", "fista"):
        fitted = rg.Lasso(alpha=alpha, fit_intercept=False, solver=solver, tol=1e-14).fit(Xo, y)
        assert np.allclose(fitted.coef_, expected, atol=1e-9), solver


# -- lasso and elastic net: subgradient optimality --------------------------------------------

@pytest.mark.parametrize("solver", ["auto", "active-set", "cd", "fista"])
def test_lasso_meets_the_subgradient_conditions(solver):
    alpha = 0.3
    est = rg.Lasso(alpha=alpha, solver=solver, tol=1e-14, max_iter=200_000).fit(X, Y)
    assert _lasso_kkt(est.coef_, alpha) < 1e-8
    assert 0 < np.count_nonzero(est.coef_) < X.shape[1]          # sparse, not trivial
    assert est.kkt_violation_ < 1e-8 and est.dual_gap_ < 1e-10
    exact = rg.Lasso(alpha=alpha).fit(X, Y).coef_
    assert np.allclose(est.coef_, exact, atol=1e-7)


def test_elastic_net_parametrizations_agree():
    lam, mix = 0.2, 0.7
    est = rg.ElasticNet(alpha=lam, l1_ratio=mix).fit(X, Y)
    assert _lasso_kkt(est.coef_, lam * mix, lam * (1 - mix)) < 1e-9
    lecture = rg.ElasticNet.from_lecture(lam, mix).fit(X, Y)
    assert np.array_equal(lecture.coef_, est.coef_)
    # ||y - X b||^2 + lam ((1 - a)/2 ||b||^2 + a ||b||_1) = 2m * sklearn's with alpha = lam/(2m)
    big = rg.LectureElasticNet(lam=10.0, alpha=mix).fit(X, Y)
    same = rg.ElasticNet(alpha=10.0 / (2 * M), l1_ratio=mix).fit(X, Y)
    assert big.sklearn_params(M) == {"alpha": 10.0 / (2 * M), "l1_ratio": mix}
    assert np.allclose(big.coef_, same.coef_, atol=1e-10)
    assert _lasso_kkt(big.coef_, 10.0 / (2 * M) * mix, 10.0 / (2 * M) * (1 - mix)) < 1e-9


def test_objectives_are_the_documented_expressions():
    from lagropt import losses, penalties
    X_, y_, b_ = losses.regression_symbols()
    alpha, l1_ratio = sp.symbols("alpha l1_ratio", nonnegative=True)
    data = losses.least_squares(X_, y_, b_, "mean") / 2
    assert sp.simplify(rg.Lasso().objective - data - penalties.l1(b_, alpha)) == 0
    assert sp.simplify(rg.ElasticNet().objective - data
                       - penalties.sklearn_elastic_net(b_, alpha, l1_ratio)) == 0
    assert sp.simplify(rg.Ridge().objective - losses.least_squares(X_, y_, b_)
                       - penalties.l2(b_, alpha)) == 0
    assert rg.Lasso(alpha=0.3).hyperparameters == {alpha: 0.3}


# -- non-negative least squares ------------------------------------------------------------------

def test_nonnegative_bound_matches_scipy_nnls_and_has_kkt_multipliers():
    y = Y - 2 * X[:, 0]                              # make some coefficients want to be negative
    est = rg.NonNegative().fit(X, y)
    expected, _ = scipy.optimize.nnls(X - X.mean(0), y - y.mean())
    assert np.allclose(est.coef_, expected, atol=1e-9)
    assert np.all(est.coef_ >= 0) and np.any(est.coef_ == 0)
    gradient = -2 * (X - X.mean(0)).T @ (y - y.mean() - (X - X.mean(0)) @ est.coef_)
    mu = est.multipliers_
    assert np.all(mu >= 0) and np.allclose(mu[est.coef_ == 0], gradient[est.coef_ == 0])
    assert np.all(mu[est.coef_ > 0] == 0) and np.allclose(gradient[est.coef_ > 0], 0, atol=1e-8)
    for solver in ("cd", "fista", "lbfgs"):
        other = rg.NonNegative(solver=solver, tol=1e-14, max_iter=100_000).fit(X, y)
        assert np.allclose(other.coef_, expected, atol=1e-6), solver


def test_the_lectures_positivity_penalty_is_exact_above_the_largest_multiplier():
    y = Y - 2 * X[:, 0]
    bound = rg.NonNegative().fit(X, y)
    top = bound.multipliers_.max()
    exact = rg.NonNegative(lam=1.01 * top).fit(X, y)
    assert np.allclose(exact.coef_, bound.coef_, atol=1e-10)
    weak = rg.NonNegative(lam=0.5 * top).fit(X, y)
    assert weak.coef_.min() < 0                                   # the penalty no longer holds
    # its optimality: gradient of ||y - Xb||^2 = lam where b_j < 0, 0 where b_j > 0
    Xk, yk = X - X.mean(0), y - y.mean()
    g = -2 * Xk.T @ (yk - Xk @ weak.coef_)
    neg, pos = weak.coef_ < 0, weak.coef_ > 0
    assert np.allclose(g[neg], 0.5 * top, atol=1e-8) and np.allclose(g[pos], 0, atol=1e-8)


# -- classifiers ---------------------------------------------------------------------------------

def _classification(seed=2, m=150, n=4, classes=2):
    rng = np.random.default_rng(seed)
    Xk = rng.normal(size=(m, n))
    W = rng.normal(size=(n, classes)) * 1.5
    logits = Xk @ W + rng.gumbel(size=(m, classes))
    return Xk, np.array(["a", "b", "c", "d"])[np.argmax(logits, axis=1)]


def test_logistic_regression_gradient_vanishes():
    Xk, labels = _classification()
    C = 0.7
    est = rg.LogisticRegression(C=C).fit(Xk, labels)
    t = (labels == est.classes_[1]).astype(float)
    p = 1 / (1 + np.exp(-(Xk @ est.coef_[0] + est.intercept_[0])))
    assert np.abs(C * Xk.T @ (p - t) + est.coef_[0]).max() < 1e-9      # X^T (yhat - y) + w = 0
    assert abs(C * np.sum(p - t)) < 1e-9                                  # intercept unpenalized
    assert est.predict(Xk).shape == labels.shape and est.score(Xk, labels) > 0.7
    assert np.allclose(est.predict_proba(Xk).sum(1), 1)


def test_logistic_l1_meets_the_subgradient_conditions():
    Xk, labels = _classification(seed=4, n=6)
    C = 0.05
    est = rg.LogisticRegression(C=C, l1_ratio=1.0, tol=1e-11).fit(Xk, labels)
    t = (labels == est.classes_[1]).astype(float)
    w = est.coef_[0]
    p = 1 / (1 + np.exp(-(Xk @ w + est.intercept_[0])))
    g = C * Xk.T @ (p - t)
    assert np.any(w == 0) and np.any(w != 0)
    assert np.abs(g[w != 0] + np.sign(w[w != 0])).max() < 1e-8
    assert np.abs(g[w == 0]).max() <= 1 + 1e-8


def test_softmax_regression_gradient_vanishes_and_intercepts_sum_to_zero():
    Xk, labels = _classification(classes=3)
    C = 2.0
    est = rg.SoftmaxRegression(C=C).fit(Xk, labels)
    T = (labels[:, None] == est.classes_[None, :]).astype(float)
    logits = Xk @ est.coef_.T + est.intercept_
    P = np.exp(logits - logits.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    assert np.abs(C * Xk.T @ (P - T) + est.coef_.T).max() < 1e-9         # X^T (softmax - Y) + W = 0
    assert np.abs(C * (P - T).sum(0)).max() < 1e-9
    assert abs(est.intercept_.sum()) < 1e-12
    assert np.allclose(est.predict_proba(Xk), P)
    assert set(est.predict(Xk)) <= set(est.classes_)


# -- paths ---------------------------------------------------------------------------------------

def test_lasso_path_matches_single_fits_and_starts_at_zero():
    path = rg.lasso_path(X, Y, n_alphas=20)
    grid = rg.alpha_grid(X, Y, 20)
    assert np.allclose(path.values, grid) and grid[0] == pytest.approx(np.abs(Xc.T @ Yc).max() / M)
    assert np.all(path.coefs[:, 0] == 0) and np.any(path.coefs[:, 1] != 0)
    for k in (3, 10, 19):
        single = rg.Lasso(alpha=grid[k]).fit(X, Y)
        assert np.allclose(path.coefs[:, k], single.coef_, atol=1e-10)
        assert path.intercepts[k] == pytest.approx(single.intercept_, abs=1e-10)
    cd = rg.lasso_path(X, Y, n_alphas=20, solver="cd", tol=1e-13)
    assert np.allclose(cd.coefs, path.coefs, atol=1e-7)


def test_enet_and_ridge_paths_match_single_fits():
    path = rg.enet_path(X, Y, l1_ratio=0.4, n_alphas=15)
    assert np.allclose(path.coefs[:, 7], rg.ElasticNet(alpha=path.values[7], l1_ratio=0.4).fit(X, Y).coef_,
                       atol=1e-10)
    alphas = np.geomspace(100, 0.01, 9)
    ridge = rg.ridge_path(X, Y, alphas)
    for k, a in enumerate(alphas):
        assert np.allclose(ridge.coefs[:, k], rg.Ridge(alpha=a).fit(X, Y).coef_, atol=1e-10)
    norms = np.linalg.norm(ridge.coefs, axis=0)
    assert np.all(np.diff(norms) > 0)                             # shrinks as alpha grows


def test_validation_curve_training_loss_grows_with_the_penalty():
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, 40)
    features = lambda t: np.column_stack([(t / 3) ** k for k in range(1, 10)])   # noqa: E731
    y = 0.8 * x + 2 + rng.normal(size=40)                         # deck 002's 0.8 x + 2 + N(0, 1)
    xv = rng.uniform(-3, 3, 400)
    yv = 0.8 * xv + 2 + rng.normal(size=400)
    alphas = np.geomspace(1e3, 1e-8, 30)
    curve = rg.validation_curve(rg.Ridge(), features(x), y, features(xv), yv, alphas)
    assert np.all(np.diff(curve.train) < 1e-12)                   # less penalty, better fit
    best = int(np.argmin(curve.validation))
    assert 0 < best < len(alphas) - 1                             # the best is in between
    assert curve.validation[best] < 0.9 * curve.validation[-1]    # beats (almost) no penalty


# -- early stopping --------------------------------------------------------------------------------

def test_early_stopping_is_the_spectral_filter_and_regularizes():
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, 40)
    features = lambda t: np.column_stack([(t / 3) ** k for k in range(1, 10)])   # noqa: E731
    y = 0.8 * x + 2 + rng.normal(size=40)
    xv = rng.uniform(-3, 3, 400)
    yv = 0.8 * xv + 2 + rng.normal(size=400)
    lr, steps = 0.5, 3000
    run = rg.early_stopping(features(x), y, features(xv), yv, lr=lr, steps=steps)
    # gradient descent on (1/m)||y - Xw||^2 from 0: w_t = V diag((1 - (1 - 2 lr s^2/m)^t)/s) U^T y
    F = features(x) - features(x).mean(0)
    U, s, Vt = np.linalg.svd(F, full_matrices=False)
    for t in (1, 10, 500, steps):
        filt = (1 - (1 - 2 * lr * s ** 2 / 40) ** t) / s
        assert np.allclose(run.coefs[t], Vt.T @ (filt * (U.T @ (y - y.mean()))), atol=1e-8)
    norms = np.linalg.norm(run.coefs, axis=1)
    assert np.all(np.diff(norms) >= -1e-12)                      # the norm grows with t, as with 1/lambda
    assert 0 < run.best_step < steps                             # validation loss turns up
    ols = rg.LinearRegression().fit(features(x), y)
    ols_val = np.mean((yv - ols.predict(features(xv))) ** 2)
    assert run.curve.validation[run.best_step] < 0.9 * ols_val   # stopping early beats no stopping


# -- penalty <=> constraint ------------------------------------------------------------------------

def test_ridge_constraint_multiplier_is_the_penalty_exactly():
    Xe = sp.Matrix([[1, 2], [3, 1], [0, 1], [2, 2]])
    ye = sp.Matrix([3, 1, 2, 4])
    lam = sp.Rational(1, 2)
    k = rg.ridge_radius(Xe, ye, lam)
    assert isinstance(k, sp.Rational)
    solution = rg.ridge_constrained(Xe, ye, k).solve(timeout=30)
    assert solution.status == "optimal"
    (point,) = solution.optimum
    assert list(point.multipliers.values()) == [lam]             # mu_1 = lambda, exactly
    Xc_e = Xe - sp.ones(4, 1) * (sp.ones(1, 4) * Xe) / 4
    yc_e = ye - sp.ones(4, 1) * (sp.ones(1, 4) * ye) / 4
    ridge = (Xc_e.T * Xc_e + lam * sp.eye(2)).LUsolve(Xc_e.T * yc_e)
    assert list(point.x.values()) == list(ridge)                  # the same beta


def test_ridge_maps_close_the_loop_numerically():
    for lam in (0.01, 1.0, 30.0):
        k = rg.ridge_radius(X, Y, lam)
        assert rg.ridge_penalty(X, Y, k) == pytest.approx(lam, rel=1e-9)
        assert np.linalg.norm(rg.Ridge(alpha=lam).fit(X, Y).coef_) ** 2 == pytest.approx(k)
    ols = rg.LinearRegression().fit(X, Y).coef_
    assert rg.ridge_penalty(X, Y, 1.01 * ols @ ols) == 0.0          # inactive constraint


def test_lasso_maps_and_the_l1_ball_multiplier():
    alpha = 0.2
    k = rg.lasso_radius(X, Y, alpha)
    assert rg.lasso_penalty(X, Y, k) == pytest.approx(alpha, rel=1e-7)
    # min 1/(2m)||y - X b||^2 subject to ||b||_1 <= k, with b = u - v, u, v >= 0 (SLSQP):
    n = X.shape[1]

    def f(z):
        r = Yc - Xc @ (z[:n] - z[n:])
        return r @ r / (2 * M)

    ball = {"type": "ineq", "fun": lambda z: k - z.sum()}
    res = scipy.optimize.minimize(f, np.full(2 * n, 0.01), method="SLSQP", constraints=[ball],
                                  bounds=[(0, None)] * (2 * n), options={"ftol": 1e-15, "maxiter": 1000})
    b = res.x[:n] - res.x[n:]
    assert np.allclose(b, rg.Lasso(alpha=alpha).fit(X, Y).coef_, atol=1e-5)
    # the multiplier from stationarity at an active coordinate: -X_j^T r/m + mu sign(b_j) = 0
    j = int(np.argmax(np.abs(b)))
    mu = Xc[:, j] @ (Yc - Xc @ b) / M * np.sign(b[j])
    assert mu == pytest.approx(alpha, rel=1e-4)


# -- errors and the estimator protocol ---------------------------------------------------------------

def test_bad_input_gives_one_line_errors():
    with pytest.raises(DataError, match="X has 60 rows but y has 59"):
        rg.Ridge().fit(X, Y[:-1])
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(DataError, match="row 3, column 2"):
        rg.Lasso().fit(bad, Y)
    with pytest.raises(DataError, match="2-D"):
        rg.Lasso().fit(X[:, 0], Y)
    with pytest.raises(ProblemError, match="unknown solver"):
        rg.Lasso(solver="newton").fit(X, Y)
    with pytest.raises(ProblemError, match="alpha must be"):
        rg.Ridge(alpha=-1).fit(X, Y)
    with pytest.raises(ProblemError, match="smooth objective"):
        rg.Lasso(solver="lbfgs").fit(X, Y)
    with pytest.raises(ProblemError, match="not fitted"):
        rg.Ridge().predict(X)
    with pytest.raises(DataError, match="3 features"):
        rg.Ridge().fit(X, Y).predict(X[:, :3])
    with pytest.raises(DataError, match="exactly 2 classes"):
        rg.LogisticRegression().fit(*_classification(classes=3))
    with pytest.raises(ProblemError, match="l1_ratio"):
        rg.ElasticNet(l1_ratio=2).fit(X, Y)
    with pytest.raises(ProblemError, match="stopped after 1 of 100 steps: diverged"):
        rg.early_stopping(X, Y, X, Y, lr=50.0, steps=100)
    assert issubclass(DataError, LagroptError)


def test_estimator_protocol():
    est = rg.ElasticNet(alpha=0.5)
    assert est.get_params()["alpha"] == 0.5 and est.get_params()["l1_ratio"] == 0.5
    assert est.set_params(l1_ratio=0.2) is est and est.l1_ratio == 0.2
    assert repr(est) == "ElasticNet(alpha=0.5, l1_ratio=0.2)"
    with pytest.raises(ProblemError, match="no parameter"):
        est.set_params(lam=1)
    assert rg.Ridge().fit(X, Y) is not None
