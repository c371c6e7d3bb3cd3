"""lagropt.plot for regression: the coefficient path and the loss curves, headless (Agg)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lagropt import plot, regression as rg  # noqa: E402
from lagropt.errors import LagroptError  # noqa: E402

rng = np.random.default_rng(0)
X = rng.normal(size=(50, 4))
Y = X @ np.array([2.0, -1.0, 0.0, 0.5]) + rng.normal(size=50)


def test_coefficient_path_draws_one_line_per_feature(tmp_path):
    path = rg.lasso_path(X, Y, n_alphas=30, feature_names=["a", "b", "c", "d"])
    fig = plot.coefficient_path(path)
    (ax,) = fig.axes
    lines = [line for line in ax.get_lines() if line.get_label() in "abcd"]
    assert len(lines) == 4
    assert np.allclose(lines[0].get_xdata(), path.values) and np.allclose(lines[1].get_ydata(), path.coefs[1])
    assert ax.get_xscale() == "log" and ax.xaxis_inverted()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c", "d"]
    fig.savefig(tmp_path / "path.png")
    assert (tmp_path / "path.png").stat().st_size > 5000


def test_loss_curve_marks_the_best_value_and_uses_given_axes(tmp_path):
    train, val = X[:30], X[30:]
    alphas = np.geomspace(100, 1e-3, 12)
    curve = rg.validation_curve(rg.Ridge(), train, Y[:30], val, Y[30:], alphas)
    fig, axes = plt.subplots(1, 2)
    assert plot.loss_curve(curve, ax=axes[1]) is fig
    labels = [line.get_label() for line in axes[1].get_lines()]
    assert labels[:2] == ["training", "validation"] and labels[2].startswith("best")
    assert axes[1].get_lines()[2].get_xdata()[0] == curve.best
    assert np.allclose(axes[1].get_lines()[1].get_ydata(), curve.validation)
    fig.savefig(tmp_path / "curve.png")
    plt.close(fig)


def test_a_malformed_path_is_refused():
    path = rg.lasso_path(X, Y, n_alphas=5)
    path.coefs = path.coefs[:, :3]
    with pytest.raises(LagroptError, match="shape"):
        plot.coefficient_path(path)
