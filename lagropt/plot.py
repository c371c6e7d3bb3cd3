"""Figures (matplotlib). Each function returns the Figure and draws into ``ax`` when given one.

Without ``ax`` a new ``matplotlib.figure.Figure`` is made without pyplot, so nothing is shown
or kept open (no GUI needed); ``fig.savefig("path.png")`` writes it, and in Jupyter it displays
as the cell's value.

* :func:`coefficient_path` -- coefficients against the penalty (a :class:`lagropt.regression.Path`);
* :func:`loss_curve` -- training and validation loss against the penalty or the step
  (a :class:`lagropt.regression.LossCurve`; the lecture's weight-decay and early-stopping pictures).
"""

from __future__ import annotations

import numpy as np

from .errors import LagroptError

__all__ = ["coefficient_path", "loss_curve"]

_SYMBOLS = {"alpha": r"$\alpha$", "lam": r"$\lambda$", "C": "$C$", "step": "step"}


def _axes(ax, figsize=(6.0, 4.0)):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


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
    fig, ax = _axes(ax)
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
    fig, ax = _axes(ax)
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
