"""Pictures: rendered to PNG, not blank, with the artists they promise."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

import lagropt  # noqa: E402
from lagropt import plot  # noqa: E402
from lagropt.errors import LagroptError  # noqa: E402

x, y = sp.symbols("x y", real=True)


def rendered(fig, tmp_path, name):
    import matplotlib.image as mpimg

    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=60)
    img = mpimg.imread(path)
    assert img.std() > 0.05, "the picture is blank"
    return img


def test_lagrange_picture(tmp_path):
    sol = lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, [sp.Eq(x, y)]).solve()
    fig = plot.lagrange(sol)
    rendered(fig, tmp_path, "lagrange")
    ax = fig.axes[0]
    arrows = [c for c in ax.texts if c.get_text() in (r"$\nabla f$", r"$\nabla g$")]
    assert len(arrows) == 2                                  # grad f and grad g at the optimum
    assert any("optimum (1.5, 1.5)" in t.get_text() for t in ax.get_legend().get_texts())
    assert any(r"\lambda = 1" in t.get_text() for t in ax.texts)


def test_lagrange_picture_refuses_three_variables():
    z = sp.Symbol("z", real=True)
    with pytest.raises(LagroptError, match="two variables"):
        plot.lagrange(lagropt.maximize(x + y + z, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 1)]))


def test_paths_and_losses(tmp_path):
    rosen = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    runs = {"gd": np.c_[np.linspace(-1, 1, 50), np.linspace(1, 1, 50)],
            "adam": np.c_[np.linspace(-1, 1, 30), np.linspace(1, 1, 30) ** 2]}
    fig = plot.paths(rosen, runs)
    rendered(fig, tmp_path, "paths")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["gd", "adam"]
    colors = {line.get_label(): line.get_color() for line in fig.axes[0].lines if line.get_label() in runs}
    assert colors == {"gd": "tab:orange", "adam": "tab:blue"}
    fig = plot.losses({"gd": np.geomspace(10, 1e-3, 40), "adam": np.geomspace(10, 1e-6, 40)})
    rendered(fig, tmp_path, "losses")
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(LagroptError, match="shape"):
        plot.paths(rosen, {"gd": np.zeros((5, 3))})


def test_the_five_optimizers_are_told_apart():
    """The lecture's GD cyan looked like Adam's blue: every pair of colours differs clearly."""
    from matplotlib.colors import to_rgb

    rgb = {name: np.array(to_rgb(color)) for name, color in plot.LECTURE_COLORS.items()}
    assert set(rgb) == {"gd", "momentum", "adagrad", "rmsprop", "adam"}
    for a in rgb:
        for b in rgb:
            if a < b:
                assert np.linalg.norm(rgb[a] - rgb[b]) > 0.5, (a, b)
    runs = {name: np.c_[np.linspace(-1, 1, 5), np.linspace(0, 1, 5) + k]
            for k, name in enumerate(plot.LECTURE_COLORS)}
    fig = plot.paths(x ** 2 + y ** 2, runs)
    styles = {line.get_label(): line.get_linestyle() for line in fig.axes[0].lines
              if line.get_label() in runs}
    assert styles["gd"] == "--" and styles["adam"] == "-"


def test_boltzmann_distribution_across_temperatures(tmp_path):
    import matplotlib.pyplot as plt

    levels = [0.0, 1.0, 2.0, 3.0]
    temperatures = (0.2, 1.0, 50.0)
    fig, ax = plt.subplots()
    assert plot.boltzmann(levels, temperatures, ax=ax) is fig         # draws on the given axes
    rendered(fig, tmp_path, "boltzmann")
    groups = [c for c in ax.containers if len(c) == len(levels)]
    assert [c.get_label() for c in groups] == ["kT = 0.2", "kT = 1", "kT = 50"]
    p = np.array([[bar.get_height() for bar in c] for c in groups])
    assert np.allclose(p.sum(axis=1), 1.0)                     # a distribution at each T
    assert np.all(np.diff(p, axis=1) < 0)                      # lower energy, more likely
    want = np.exp(-np.array(levels) / 0.2)
    assert np.allclose(p[0], want / want.sum())                # e^{-eps/kT} / Z
    assert p[0, 0] > 0.99 and np.allclose(p[2], 1 / len(levels), atol=0.02)   # cold and hot
    flat = [line for line in ax.lines if line.get_label().startswith("$1/I$")]
    assert len(flat) == 1 and np.allclose(flat[0].get_ydata(), 1 / len(levels))
    plt.close(fig)
    fig = plot.boltzmann(levels, degeneracy=[1, 3, 1, 1])      # a figure of its own
    ax = fig.axes[0]
    assert ax.get_xlabel() == r"energy $\varepsilon_i$"
    rendered(fig, tmp_path, "boltzmann-degenerate")
    # degenerate levels: the hot limit is g_i / sum g (0.5 for the triple level), not 1/I
    limit = [c for c in ax.collections if c.get_label().startswith("$g_i")]
    assert len(limit) == 1
    heights = [seg[0][1] for seg in limit[0].get_segments()]
    assert np.allclose(heights, [1 / 6, 3 / 6, 1 / 6, 1 / 6])
    hot = [c for c in ax.containers if c.get_label() == "kT = 50"][0]
    assert np.allclose([bar.get_height() for bar in hot], [1 / 6, 3 / 6, 1 / 6, 1 / 6],
                       atol=0.02)


def test_penalty_regions_l1_at_a_corner(tmp_path):
    fig = plot.penalty_regions()
    rendered(fig, tmp_path, "regions")
    l1, l2 = fig.lagropt_solutions["L1"], fig.lagropt_solutions["L2"]
    t1, t2 = l1.problem.variables
    assert l1.x == {t1: sp.Rational(4, 5), t2: 0}            # a corner: theta_2 exactly 0
    assert l2.x[t2] != 0
    # the L2 optimum lies on the circle of radius k = 4/5
    assert sp.simplify(l2.x[t1] ** 2 + l2.x[t2] ** 2 - sp.Rational(16, 25)) == 0
