"""The glmnet-style coordinate-descent path (lagropt/regression/cdpath.py, coordinate.py).

References: scikit-learn's lasso_path/enet_path (an independent implementation, both sides at
tight tolerances), the exact active-set solver of lagropt (ends with the optimality
conditions met to rounding), and the subgradient conditions of the lasso themselves,
g_j = X_j^T (y - X w)/m = a sign(w_j) where w_j != 0 and |g_j| <= a where w_j = 0.
"""

import warnings

import numpy as np
import pytest

from lagropt import regression as rg
from lagropt.optim.jit import available
from lagropt.regression.cdpath import GramData, NaiveData, _solve, coordinate_path
from lagropt.regression.coordinate import kernels
from lagropt.regression.quadratic import ConvergenceError, PenalizedQuadratic, solve_quadratic

ENGINES = [False, pytest.param(True, marks=pytest.mark.skipif(
    not available(), reason="numba is an optional extra (pip install 'lagropt[fast]')"))]


def _data(rows, features, seed=0):
    """Correlated Gaussian features (a shared component), 5 true non-zeros plus noise,
    centered (the paths below fit no intercept)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features)) + 0.5 * rng.normal(size=(rows, 1))
    beta = np.zeros(features)
    beta[:5] = 3 * rng.normal(size=5)
    y = X @ beta + rng.normal(size=rows)
    return X - X.mean(axis=0), y - y.mean()


def _sklearn(path_name, X, y, **kwargs):
    sklearn = pytest.importorskip("sklearn.linear_model", reason="scikit-learn is not installed "
                                  "(pip install .[test]): the comparison with it is skipped")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # precompute=False: its Gram form computes the gap as ||y||^2 + w^T Q w - 2 q^T w,
        # which cancels at tight tolerances
        return getattr(sklearn, path_name)(X, y, precompute=False, tol=1e-14,
                                           max_iter=1_000_000, **kwargs)


def _kkt(X, y, w, a):
    """The largest violation of the lasso's subgradient conditions at w (0 at the optimum)."""
    g = X.T @ (y - X @ w) / len(y)
    return np.where(w != 0, np.abs(g - a * np.sign(w)), np.maximum(np.abs(g) - a, 0)).max()


@pytest.mark.parametrize("use_numba", ENGINES)
@pytest.mark.parametrize("shape", [(300, 30), (40, 120)], ids=["tall-covariance", "wide-naive"])
def test_lasso_path_equals_sklearn_at_every_alpha(shape, use_numba, monkeypatch):
    X, y = _data(*shape)
    monkeypatch.setattr("lagropt.regression.cdpath.kernels",
                        lambda use=None: kernels(use_numba))
    ours = rg.lasso_path(X, y, n_alphas=40, fit_intercept=False, solver="cd", tol=1e-12)
    alphas, coefs, _ = _sklearn("lasso_path", X, y, n_alphas=40, eps=1e-3)
    assert np.allclose(ours.values, alphas, rtol=1e-12)
    assert np.abs(ours.coefs - coefs).max() < 1e-6
    bound = 1e-12 * (y @ y) / len(y)                        # tol * ||y||^2 / m, scikit-learn's
    assert np.all(ours.dual_gaps <= bound)
    assert np.count_nonzero(ours.coefs[:, -1]) > 5          # the small alphas are not trivial


def test_enet_path_equals_sklearn():
    X, y = _data(200, 25, seed=1)
    ours = rg.enet_path(X, y, l1_ratio=0.5, n_alphas=30, fit_intercept=False, solver="cd",
                        tol=1e-12)
    alphas, coefs, _ = _sklearn("enet_path", X, y, l1_ratio=0.5, n_alphas=30, eps=1e-3)
    assert np.allclose(ours.values, alphas, rtol=1e-12)
    assert np.abs(ours.coefs - coefs).max() < 1e-6


@pytest.mark.parametrize("rows, features", [(120, 40), (30, 80)])
def test_same_answer_with_and_without_numba(rows, features):
    if not available():
        pytest.skip("numba is an optional extra (pip install 'lagropt[fast]')")
    X, y = _data(rows, features, seed=2)
    m = rows
    alphas = rg.alpha_grid(X, y, 25, eps=1e-2, fit_intercept=False)
    data = (lambda: GramData(X.T @ X / m, X.T @ y / m, y @ y / (2 * m))) if rows > features \
        else (lambda: NaiveData(X, y, 1 / m))
    compiled = coordinate_path(data(), [(a, 0.0) for a in alphas], tol=1e-10, use_numba=True)
    plain = coordinate_path(data(), [(a, 0.0) for a in alphas], tol=1e-10, use_numba=False)
    # the same float64 operations in the same order (no fast-math): bit for bit the same
    assert np.array_equal(compiled[0], plain[0]) and np.array_equal(compiled[2], plain[2])


@pytest.mark.parametrize("Data", ["gram", "naive"])
def test_a_coordinate_left_out_wrongly_is_brought_back_by_the_kkt_check(Data):
    """Screening that drops every coordinate but one: the KKT check at the zero coordinates
    must bring back each one that is non-zero at the optimum (the exact active-set answer)."""
    X, y = _data(80, 20, seed=3)
    m = len(y)
    a = 0.02 * np.abs(X.T @ y).max() / m
    Q, q, f0 = X.T @ X / m, X.T @ y / m, y @ y / (2 * m)
    exact = solve_quadratic(PenalizedQuadratic(Q, q, f0, 0.0, a, a), method="active-set").w
    assert np.count_nonzero(exact) >= 5
    data = GramData(Q, q, f0) if Data == "gram" else NaiveData(X, y, 1 / m)
    w = np.zeros(X.shape[1])
    g = data.exact_gradient(w)
    strong = np.zeros(X.shape[1], bool)
    strong[int(np.argmax(np.abs(g)))] = True                  # the rule keeps one coordinate
    _, gap, _ = _solve(data, kernels(False), w, g, strong, a, 0.0, 1e-13,
                       1e-13 * y @ y / m, 10_000)
    assert np.array_equal(w != 0, exact != 0)
    assert np.abs(w - exact).max() < 1e-8
    assert _kkt(X, y, w, a) < 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_screened_path_meets_the_optimality_conditions_at_every_alpha(seed):
    """The sequential strong rule on a fine and on a coarse grid (coarse: the rule's guess is
    worse): every alpha's answer meets the subgradient conditions and has the exact support."""
    X, y = _data(60, 90, seed=seed) if seed % 2 else _data(150, 40, seed=seed)
    m = len(y)
    for n_alphas in (50, 6):
        path = rg.lasso_path(X, y, n_alphas=n_alphas, fit_intercept=False, solver="cd", tol=1e-13)
        exact = rg.lasso_path(X, y, n_alphas=n_alphas, fit_intercept=False)     # active set
        for k, a in enumerate(path.values):
            assert _kkt(X, y, path.coefs[:, k], a) < 1e-7 * np.abs(X.T @ y).max() / m
        assert np.abs(path.coefs - exact.coefs).max() < 1e-6


def test_max_iter_reached_is_a_clear_error():
    X, y = _data(40, 120, seed=5)
    with pytest.raises(ConvergenceError, match=r"did not reach tol=1e-12 in 2 sweeps"):
        rg.lasso_path(X, y, n_alphas=20, fit_intercept=False, solver="cd", tol=1e-12, max_iter=2)


def test_paths_with_cd_keep_the_intercept_and_the_lecture_scale():
    """fit_intercept centers as the single fits do; LectureElasticNet's data term
    ||y - X b||^2 (scale c = 2) goes through the same path."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(70, 6)) + 3.0
    y = X @ np.array([1.0, -2.0, 0, 0, 0.5, 0]) + 4.0 + rng.normal(size=70)
    path = rg.lasso_path(X, y, n_alphas=8, solver="cd", tol=1e-13)
    for k in (2, 7):
        single = rg.Lasso(alpha=path.values[k]).fit(X, y)            # active set, exact
        assert np.abs(path.coefs[:, k] - single.coef_).max() < 1e-7
        assert abs(path.intercepts[k] - single.intercept_) < 1e-7
    est = rg.LectureElasticNet(lam=1.0, alpha=0.7, solver="cd", tol=1e-13)
    lams = np.geomspace(50.0, 0.5, 6)
    lecture = rg.regularization_path(est, X, y, lams, "lam")
    for k, lam in enumerate(lams):
        single = rg.LectureElasticNet(lam=lam, alpha=0.7).fit(X, y)
        assert np.abs(lecture.coefs[:, k] - single.coef_).max() < 1e-7
