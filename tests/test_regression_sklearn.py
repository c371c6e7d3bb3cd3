"""lagropt.regression against scikit-learn on its bundled data (no download), both sides at
tight tolerances: coefficients agree to 1e-6 (most to far better).

Skipped, with the reason, when scikit-learn is not installed (``pip install .[test]``)."""

import warnings

import numpy as np
import pytest

from lagropt import regression as rg

sklearn = pytest.importorskip("sklearn", reason="scikit-learn is not installed (pip install .[test]): "
                              "the comparisons with its estimators are skipped")
from sklearn import datasets, linear_model, preprocessing  # noqa: E402

AGREE = 1e-6
TIGHT = {"tol": 1e-14, "max_iter": 1_000_000}
# an L1 logistic penalty: l1_ratio=1 from scikit-learn 1.8 on (penalty= is deprecated there);
# penalty="l1" before it (1.7 is the last release for Python 3.10)
_L1 = ({"l1_ratio": 1.0} if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 8)
       else {"penalty": "l1"})


@pytest.fixture(scope="module")
def diabetes():
    return datasets.load_diabetes(return_X_y=True)


@pytest.fixture(scope="module")
def cancer():
    X, y = datasets.load_breast_cancer(return_X_y=True)
    return preprocessing.StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def iris():
    X, y = datasets.load_iris(return_X_y=True)
    return preprocessing.StandardScaler().fit_transform(X), y


def _agree(ours, theirs, tol=AGREE):
    assert np.abs(np.ravel(ours.coef_) - np.ravel(theirs.coef_)).max() < tol
    assert np.abs(np.ravel(ours.intercept_) - np.ravel(theirs.intercept_)).max() < tol


def test_least_squares_and_ridge(diabetes):
    X, y = diabetes
    _agree(rg.LinearRegression().fit(X, y), linear_model.LinearRegression().fit(X, y), 1e-8)
    for alpha in (1e-3, 0.5, 20.0):
        theirs = linear_model.Ridge(alpha=alpha, solver="cholesky").fit(X, y)
        _agree(rg.Ridge(alpha=alpha).fit(X, y), theirs, 1e-8)


@pytest.mark.parametrize("solver", ["auto", "cd", "fista"])
def test_lasso(diabetes, solver):
    X, y = diabetes
    for alpha in (0.05, 1.0):
        theirs = linear_model.Lasso(alpha=alpha, **TIGHT).fit(X, y)
        ours = rg.Lasso(alpha=alpha, solver=solver, tol=1e-14, max_iter=500_000).fit(X, y)
        _agree(ours, theirs)
        assert np.array_equal(ours.coef_ == 0, theirs.coef_ == 0)     # the same support


def test_elastic_net_both_parametrizations(diabetes):
    X, y = diabetes
    theirs = linear_model.ElasticNet(alpha=0.01, l1_ratio=0.7, **TIGHT).fit(X, y)
    _agree(rg.ElasticNet(alpha=0.01, l1_ratio=0.7).fit(X, y), theirs)
    _agree(rg.ElasticNet.from_lecture(0.01, 0.7).fit(X, y), theirs)
    lecture = rg.LectureElasticNet(lam=5.0, alpha=0.3)
    theirs = linear_model.ElasticNet(**lecture.sklearn_params(len(y)), **TIGHT).fit(X, y)
    _agree(lecture.fit(X, y), theirs)


def test_nonnegative_bound_and_penalty(diabetes):
    X, y = diabetes
    theirs = linear_model.LinearRegression(positive=True).fit(X, y)
    bound = rg.NonNegative().fit(X, y)
    _agree(bound, theirs, 1e-8)
    _agree(rg.NonNegative(lam=2 * bound.multipliers_.max()).fit(X, y), theirs, 1e-8)


def test_lasso_and_enet_paths(diabetes):
    X, y = diabetes
    Xc, yc = X - X.mean(0), y - y.mean()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        # precompute=False: the Gram form computes its gap as ||y||^2 + w^T Q w - 2 q^T w, which
        # cancels to ~1e-9 here (||y||^2 = 2.6e6) and leaves coefficients off by ~1e-5
        alphas, coefs, _ = linear_model.lasso_path(Xc, yc, n_alphas=100, eps=1e-3,
                                                   precompute=False, **TIGHT)
        enet_alphas, enet_coefs, _ = linear_model.enet_path(Xc, yc, l1_ratio=0.5, n_alphas=30,
                                                            precompute=False, **TIGHT)
    ours = rg.lasso_path(X, y)
    assert np.allclose(ours.values, alphas, rtol=1e-12)
    assert np.abs(ours.coefs - coefs).max() < AGREE
    enet = rg.enet_path(X, y, l1_ratio=0.5, n_alphas=30)
    assert np.allclose(enet.values, enet_alphas, rtol=1e-12)
    assert np.abs(enet.coefs - enet_coefs).max() < AGREE


def test_logistic_l2_and_no_penalty(cancer):
    X, y = cancer
    theirs = linear_model.LogisticRegression(C=0.5, solver="newton-cholesky", **TIGHT).fit(X, y)
    _agree(rg.LogisticRegression(C=0.5).fit(X, y), theirs, 1e-9)
    small, labels = X[:, :4], y                         # separable data would have no minimizer
    theirs = linear_model.LogisticRegression(C=np.inf, solver="newton-cholesky", **TIGHT).fit(small, labels)
    _agree(rg.LogisticRegression(C=np.inf).fit(small, labels), theirs, 1e-8)


def test_logistic_l1(cancer):
    X, y = cancer
    X = X[:, :8]
    theirs = linear_model.LogisticRegression(C=0.1, solver="liblinear", fit_intercept=False,
                                             tol=1e-12, max_iter=100_000, **_L1).fit(X, y)
    ours = rg.LogisticRegression(C=0.1, l1_ratio=1.0, fit_intercept=False, tol=1e-12,
                                 max_iter=200_000).fit(X, y)
    _agree(ours, theirs)
    assert np.array_equal(ours.coef_ == 0, np.abs(theirs.coef_) < 1e-12)


def test_softmax(iris):
    X, y = iris
    theirs = linear_model.LogisticRegression(C=1.0, solver="newton-cholesky", **TIGHT).fit(X, y)
    ours = rg.SoftmaxRegression(C=1.0).fit(X, y)
    _agree(ours, theirs, 1e-9)
    assert np.allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)
    assert ours.score(X, y) == theirs.score(X, y)
