"""Pictures (matplotlib): each function returns the Figure and draws on ``ax`` when given.

* :func:`lagrange` - contours of f, the constraint curve, the critical points, and grad f and
  grad g at the optimum, parallel (the lecture's picture of grad f = lambda grad g);
* :func:`paths` - optimizer paths on the contours of a function (GD, momentum, AdaGrad,
  RMSProp, Adam side by side, as in the lecture);
* :func:`losses` - loss curves against the step;
* :func:`penalty_regions` - the L1 diamond and the L2 disk against the contours of a quadratic
  loss, with the constrained optima: L1 meets the loss at a corner (a zero coefficient);
* :func:`coefficient_path` - coefficients against the penalty (a :class:`lagropt.regression.Path`);
* :func:`loss_curve` - training and validation loss against the penalty or the step (a
  :class:`lagropt.regression.LossCurve`: the lecture's weight-decay and early-stopping pictures).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .errors import LagroptError

__all__ = ["lagrange", "paths", "losses", "penalty_regions", "coefficient_path", "loss_curve",
           "boltzmann", "LECTURE_COLORS", "LECTURE_STYLES"]

# after the lecture's picture (deck 001: GD cyan, momentum magenta, AdaGrad white, RMSProp
# green, Adam blue), with white as black on a light background and GD orange: cyan and blue
# were hard to tell apart. Line styles tell the runs apart in grey print too.
LECTURE_STYLES = {"gd": {"color": "tab:orange", "ls": "--"},
                  "momentum": {"color": "magenta", "ls": "-"},
                  "adagrad": {"color": "black", "ls": ":"},
                  "rmsprop": {"color": "tab:green", "ls": "-."},
                  "adam": {"color": "tab:blue", "ls": "-"}}
LECTURE_COLORS = {name: style["color"] for name, style in LECTURE_STYLES.items()}


def _style(name: str) -> dict:
    """Colour and line style of a run named like gd, Momentum, RMS-Prop (else matplotlib's)."""
    return dict(LECTURE_STYLES.get(name.lower().replace(" ", "").replace("-", ""), {"ls": "-"}))


def _axes(ax, figsize=(6, 5)):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, constrained_layout=True)
        return fig, ax
    return ax.figure, ax


def _grid(bounds, n=300):
    (x0, x1), (y0, y1) = bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return X, Y


def _vectorized(expr, xs):
    f = sp.lambdify(xs, expr, modules="numpy")

    def call(X, Y):
        with np.errstate(all="ignore"):
            out = np.asarray(f(X, Y), dtype=float)
        return np.broadcast_to(out, np.shape(X)).astype(float) if out.shape != np.shape(X) else out
    return call


def _bounds_around(points, pad=1.5, default=((-3, 3), (-3, 3))):
    if not points:
        return default
    arr = np.array(points, dtype=float)
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    c = (lo + hi) / 2
    # the window scales with the points: their spread, or their distance from 0
    half = max((hi - lo).max() / 2, 0.5 * np.abs(c).max(), 0.1) * (1 + pad)
    return ((c[0] - half, c[0] + half), (c[1] - half, c[1] + half))


def _inside_domain(bounds, xs, pts):
    """The window cut to the variables' domains (p > 0 for probabilities)."""
    out = []
    for k, ((lo, hi), v) in enumerate(zip(bounds, xs)):
        if v.is_positive or v.is_nonnegative:
            top = max([hi] + [q[k] for q in pts])
            lo, hi = (1e-3 * top if v.is_positive else 0.0), max(hi, 1e-3)
        if v.is_negative or v.is_nonpositive:
            lo, hi = min(lo, -1e-3), (-1e-3 * abs(lo) if v.is_negative else 0.0)
        out.append((lo, hi))
    return tuple(out)


def lagrange(solution, ax=None, bounds=None, levels=20):
    """The Lagrange picture for a problem in two variables.

    Contours of f (level lines f = const), the constraint curves g_k = 0 (feasible side shaded
    for inequalities), every critical point found, and at the optimum the gradients grad f and
    grad g drawn from the point: they are parallel there, grad f = lambda grad g.

    Parameters
    ----------
    solution : Solution or Problem
        A solved problem (a Problem is solved first).
    ax : matplotlib Axes, optional
    bounds : ((x0, x1), (y0, y1)), optional
        The window; by default around the critical points.
    """
    from .problem import Problem

    if isinstance(solution, Problem):
        solution = solution.solve()
    problem = solution.problem
    if len(problem.variables) != 2 or problem.params:
        raise LagroptError("the Lagrange picture needs a problem in exactly two variables, "
                           "without parameters")
    xs = problem.variables
    pts = [[float(sp.N(p.x[v])) for v in xs] for p in solution.points
           if not p.free and all(sp.N(p.x[v]).is_real for v in xs)]
    bounds = bounds or _inside_domain(_bounds_around(pts), xs, pts)
    fig, ax = _axes(ax)
    X, Y = _grid(bounds)
    F = _vectorized(problem.objective, xs)(X, Y)
    cs = ax.contour(X, Y, F, levels=levels, cmap="viridis", linewidths=0.8)
    ax.clabel(cs, inline=True, fontsize=7, fmt="%.3g")
    for c in problem.constraints:
        G = _vectorized(c.function, xs)(X, Y)
        ax.contour(X, Y, G, levels=[0], colors="crimson", linewidths=2)
        if not c.is_equality:
            feasible = G <= 0 if c.relation == "<=" else G >= 0
            ax.contourf(X, Y, feasible.astype(float), levels=[0.5, 1.5], colors=["crimson"], alpha=0.08)
    ax.plot([], [], color="crimson", lw=2, label="constraint")
    for p, xy in zip([q for q in solution.points if not q.free], pts):
        best = any(p is q for q in solution.optimum)
        ax.plot(*xy, marker="*" if best else "o", ms=14 if best else 7,
                color="gold" if best else "gray", mec="black", zorder=5,
                label=f"{'optimum' if best else p.kind} ({xy[0]:.3g}, {xy[1]:.3g})")
    if solution.optimum and problem.constraints and not solution.optimum[0].free:
        _gradients(ax, problem, solution.optimum[0], bounds)
    ax.set_xlim(*bounds[0])
    ax.set_ylim(*bounds[1])
    ax.set_xlabel(str(xs[0]))
    ax.set_ylabel(str(xs[1]))
    ax.set_aspect("equal", adjustable="box")
    ax.set_title(f"{problem.sense} ${sp.latex(problem.objective)}$",
                 fontsize=10)
    ax.legend(fontsize=7, loc="best")
    return fig


def _gradients(ax, problem, point, bounds):
    """grad f and the first constraint's grad g at the point (grad g shorter, on top): at a
    regular optimum they are parallel, grad f = lambda grad g."""
    xs = problem.variables
    at = {v: point.x[v] for v in xs}
    length = 0.22 * min(bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0])
    origin = np.array([float(sp.N(at[v])) for v in xs])
    arrows = [(r"$\nabla f$", [sp.diff(problem.objective, v) for v in xs], "black", 1.0)]
    if problem.constraints:
        first = problem.constraints[0]
        arrows.append((r"$\nabla g$", [sp.diff(first.function, v) for v in xs], "crimson", 0.55))
    for label, grad, color, scale in arrows:
        vec = np.array([float(sp.N(g.xreplace(at))) for g in grad])
        norm = np.linalg.norm(vec)
        if norm == 0:
            continue
        vec = vec / norm * length * scale
        side = np.array([-vec[1], vec[0]]) / max(np.linalg.norm(vec), 1e-12) * 0.06 * length
        tip = origin + vec
        ax.annotate("", xy=tip, xytext=origin, zorder=6,
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=2.2 if scale == 1 else 1.6))
        ax.text(*(tip + (side if scale != 1 else -side)), label, color=color, fontsize=10)
    lam = [m for m in point.multipliers.values()]
    if lam:
        shown = sp.latex(lam[0])
        shown = f"= {shown}" if len(shown) <= 20 else rf"\approx {float(sp.N(lam[0])):.4g}"
        ax.text(0.02, 0.02, rf"$\nabla f = \lambda \nabla g$, $\lambda {shown}$",
                transform=ax.transAxes, fontsize=9,
                bbox=dict(boxstyle="round", facecolor="white", alpha=0.8))


def paths(expr, runs: dict, ax=None, bounds=None, levels=30, variables=None):
    """Optimizer paths on the contours of a function of two variables.

    Parameters
    ----------
    expr : sympy.Expr
        The function (two free symbols, or ``variables`` to order them).
    runs : dict
        Name -> iterates (an array of shape (steps + 1, 2), e.g. ``result.path``). Names
        gd, momentum, adagrad, rmsprop, adam get the lecture's colours.
    """
    xs = tuple(variables) if variables else tuple(sorted(expr.free_symbols, key=str))
    if len(xs) != 2:
        raise LagroptError("paths are drawn for functions of two variables")
    arrays = {name: np.asarray(path, dtype=float) for name, path in runs.items()}
    for name, arr in arrays.items():
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise LagroptError(f"the path of {name!r} must have shape (steps, 2), got {arr.shape}")
    if bounds is None:
        allpts = np.vstack([a[np.all(np.isfinite(a), axis=1)] for a in arrays.values()])
        lo, hi = allpts.min(axis=0), allpts.max(axis=0)
        pad = 0.15 * np.maximum(hi - lo, 1e-3)
        bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    fig, ax = _axes(ax)
    X, Y = _grid(bounds)
    F = _vectorized(expr, xs)(X, Y)
    shift = np.nanmin(F)
    ax.contourf(X, Y, np.log1p(F - shift), levels=levels, cmap="Greys", alpha=0.6)
    ax.contour(X, Y, np.log1p(F - shift), levels=levels, colors="gray", linewidths=0.4)
    for name, arr in arrays.items():
        style = _style(name)
        (line,) = ax.plot(arr[:, 0], arr[:, 1], lw=1.6, label=name, **style)
        ax.plot(arr[0, 0], arr[0, 1], "o", color=line.get_color(), ms=4)
        ax.plot(arr[-1, 0], arr[-1, 1], "s", color=line.get_color(), ms=5)
    ax.set_xlim(*bounds[0])
    ax.set_ylim(*bounds[1])
    ax.set_xlabel(str(xs[0]))
    ax.set_ylabel(str(xs[1]))
    ax.set_title(f"${sp.latex(expr)}$", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def losses(runs: dict, ax=None, log=True):
    """Loss against the step for each run (name -> sequence of losses, e.g. result.losses)."""
    fig, ax = _axes(ax, figsize=(6, 4))
    for name, values in runs.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(len(values)), values, label=name, lw=1.4, **_style(name))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def penalty_regions(center=(1.5, 0.25), hessian=((1.0, 0.0), (0.0, 1.0)), budget=0.8, ax=None):
    """The L1 and L2 constraint regions against a quadratic loss (the lecture's picture).

    The loss (theta - theta_hat)^T H (theta - theta_hat) is minimized over |t1| + |t2| <= budget
    (a diamond) and over t1^2 + t2^2 <= budget^2 (a disk), exactly, with lagropt's KKT solver;
    the L1 optimum sits on a corner of the diamond (a zero coefficient), the L2 one does not.
    """
    from .problem import minimize

    t1, t2 = sp.symbols("theta_1 theta_2", real=True)
    c = [sp.nsimplify(v) for v in center]
    H = sp.Matrix(hessian).applyfunc(sp.nsimplify)
    d = sp.Matrix([t1 - c[0], t2 - c[1]])
    loss = sp.expand((d.T * H * d)[0])
    k = sp.nsimplify(budget)
    diamond = [t1 + t2 <= k, t1 - t2 <= k, -t1 + t2 <= k, -t1 - t2 <= k]
    l1 = minimize(loss, diamond, variables=[t1, t2]).solve()
    l2 = minimize(loss, [t1 ** 2 + t2 ** 2 <= k ** 2], variables=[t1, t2]).solve()
    fig, ax = _axes(ax)
    r = float(k)
    bounds = ((-1.6 * r, max(float(c[0]) + r, 1.6 * r)), (-1.6 * r, max(float(c[1]) + r, 1.6 * r)))
    X, Y = _grid(bounds)
    L = _vectorized(loss, (t1, t2))(X, Y)
    opt = {name: [float(sp.N(s.x[t])) for t in (t1, t2)] for name, s in (("L1", l1), ("L2", l2))}
    lv = sorted({float(sp.N(loss.xreplace({t1: v[0], t2: v[1]}))) for v in opt.values()})
    ax.contour(X, Y, L, levels=sorted(set(lv + list(np.linspace(lv[-1] * 1.6, L.max(), 6)))),
               colors="gray", linewidths=0.8)
    ax.fill([r, 0, -r, 0], [0, r, 0, -r], color="tab:orange", alpha=0.25, label=r"$|\theta_1| + |\theta_2| \leq k$")
    ax.add_patch(__import__("matplotlib.patches", fromlist=["Circle"]).Circle(
        (0, 0), r, color="tab:blue", alpha=0.2, label=r"$\theta_1^2 + \theta_2^2 \leq k^2$"))
    ax.plot(*[float(v) for v in c], "k+", ms=12, label=r"$\hat\theta$ (no penalty)")
    ax.plot(*opt["L1"], "o", color="tab:orange", mec="black", ms=9,
            label=f"L1 optimum ({opt['L1'][0]:.3g}, {opt['L1'][1]:.3g})")
    ax.plot(*opt["L2"], "o", color="tab:blue", mec="black", ms=9,
            label=f"L2 optimum ({opt['L2'][0]:.3g}, {opt['L2'][1]:.3g})")
    ax.axhline(0, color="black", lw=0.5)
    ax.axvline(0, color="black", lw=0.5)
    ax.set_xlim(*bounds[0])
    ax.set_ylim(*bounds[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_title("L1 meets the loss at a corner: a coefficient is exactly 0", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.lagropt_solutions = {"L1": l1, "L2": l2}
    return fig


# -- regression (lagropt.regression) ----------------------------------------------------------

_SYMBOLS = {"alpha": r"$\alpha$", "lam": r"$\lambda$", "C": "$C$", "step": "step"}


def coefficient_path(path, ax=None, *, log: bool = True, labels=None, legend: int = 10,
                     title: str | None = None):
    """Each coefficient against the penalty value (the lecture's shrinkage picture).

    Parameters
    ----------
    path : lagropt.regression.Path
    ax : matplotlib Axes, optional
    log : bool
        Logarithmic penalty axis (values <= 0 are left out).
    labels : list of str, optional
        Feature names (default: the path's).
    legend : int
        Label the lines in a legend when there are at most this many features.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    values, coefs = np.asarray(path.values, dtype=float), np.asarray(path.coefs, dtype=float)
    if coefs.ndim != 2 or coefs.shape[1] != len(values):
        raise LagroptError(f"a path needs coefs of shape (features, {len(values)}), got {coefs.shape}")
    keep = values > 0 if log else np.ones(len(values), bool)
    fig, ax = _axes(ax, figsize=(6, 4))
    names = list(labels if labels is not None else path.feature_names or
                 [f"x{j}" for j in range(coefs.shape[0])])
    for j, row in enumerate(coefs[:, keep]):
        ax.plot(values[keep], row, label=names[j] if j < len(names) else None)
    if log:
        ax.set_xscale("log")
    ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
    ax.invert_xaxis()                    # strong penalty on the left: coefficients grow rightward
    symbol = _SYMBOLS.get(path.parameter, path.parameter)
    ax.set_xlabel(f"penalty {symbol} (decreasing)")
    ax.set_ylabel("coefficient")
    ax.set_title(title if title is not None else f"Coefficient path: {path.estimator}")
    if coefs.shape[0] <= legend:
        ax.legend(fontsize="small", ncols=2 if coefs.shape[0] > 5 else 1)
    return fig


def loss_curve(curve, ax=None, *, log: bool | None = None, title: str | None = None):
    """Training and validation loss against the penalty (or the number of steps), with the
    best validation value marked.

    Parameters
    ----------
    curve : lagropt.regression.LossCurve
    ax : matplotlib Axes, optional
    log : bool, optional
        Logarithmic x axis (default: yes for a penalty, no for steps).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = np.asarray(curve.values, dtype=float)
    log = (curve.parameter != "step") if log is None else log
    keep = values > 0 if log else np.ones(len(values), bool)
    fig, ax = _axes(ax, figsize=(6, 4))
    few = keep.sum() <= 60                       # markers only where they can be told apart
    ax.plot(values[keep], curve.train[keep], "o-" if few else "-", ms=3, label="training")
    ax.plot(values[keep], curve.validation[keep], "s-" if few else "-", ms=3, label="validation")
    best = int(np.argmin(np.where(keep, curve.validation, np.inf)))
    symbol = _SYMBOLS.get(curve.parameter, curve.parameter)
    ax.axvline(values[best], color="0.5", ls="--", lw=1,
               label=f"best {symbol} = {values[best]:.3g}")
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(symbol if curve.parameter == "step" else f"penalty {symbol}")
    ax.set_ylabel(curve.loss)
    ax.set_title(title if title is not None else
                 f"Training and validation {curve.loss}")
    ax.legend(fontsize="small")
    return fig


def boltzmann(levels, temperatures=(0.2, 0.5, 1.0, 2.0, 5.0, 50.0), degeneracy=None, ax=None, k=1.0):
    """The Boltzmann distribution over energy levels at several temperatures.

    p_i = g_i e^{-eps_i/(kT)} / Z (the lecture's lambda_2 = 1/kT) from
    :class:`lagropt.statmech.Canonical`; as T grows it flattens towards 1/I (Z -> I), or
    towards g_i / sum_j g_j with degenerate levels (both drawn dashed).
    """
    from .statmech import Canonical

    levels = np.asarray(levels, dtype=float)
    system = Canonical(list(levels), degeneracy=degeneracy, k=k)
    fig, ax = _axes(ax, figsize=(6, 4))
    width = 0.8 / len(temperatures)
    order = np.arange(len(levels))
    colors = __import__("matplotlib").colormaps["coolwarm"](np.linspace(0, 1, len(temperatures)))
    for j, (T, color) in enumerate(zip(temperatures, colors)):
        p = np.asarray(system.p(1.0 / (k * T)), dtype=float)
        ax.bar(order + (j - (len(temperatures) - 1) / 2) * width, p, width, color=color,
               label=f"kT = {T:g}")
    g = np.ones(len(levels)) if degeneracy is None else np.asarray(degeneracy, dtype=float)
    if np.all(g == g[0]):                  # every level alike: the flat 1/I
        ax.axhline(1.0 / len(levels), color="black", ls="--", lw=0.8,
                   label=r"$1/I$ ($T \to \infty$)")
    else:                                  # degenerate levels: g_i / sum_j g_j
        ax.hlines(g / g.sum(), order - 0.45, order + 0.45, color="black", ls="--", lw=0.8,
                  label=r"$g_i\,/\,(g_1 + \dots + g_I)$ ($T \to \infty$)")
    ax.set_xticks(order, [f"{e:g}" for e in levels])
    ax.set_xlabel(r"energy $\varepsilon_i$")
    ax.set_ylabel(r"$p_i = e^{-\varepsilon_i/kT}/Z$" if degeneracy is None else
                  r"$p_i = g_i\, e^{-\varepsilon_i/kT}/Z$")
    ax.set_title("Boltzmann distribution across temperatures", fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    return fig
