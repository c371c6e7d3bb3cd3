"""Gradient checking: the exact gradient against the lecture's central differences.

    dy/dx_i ~ (y(x + h_i e_i) - y(x - h_i e_i)) / (2 h_i)

with a step per coordinate, h_i = eps^(1/3) max(1, |x_i|) (eps the float64 machine epsilon),
which balances the O(h^2) truncation error against the O(eps |y| / h) rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError

__all__ = ["GradCheck", "check_grad", "central_differences"]

_EPS = np.finfo(float).eps


@dataclass
class GradCheck:
    """The result of :func:`check_grad`.

    ``rel_errors[i] = |analytic_i - numeric_i| / max(|analytic_i|, |numeric_i|, floor_i)``,
    where ``floor_i = 1e6 eps |y| / h_i`` is a million times the rounding error of the
    difference quotient: an entry too small to be resolved is measured against what can be.
    ``kinks`` names the coordinates where the one-sided slopes differ by a jump that does not
    shrink with h (a kink: no derivative exists, and lagropt returns a subgradient by
    convention); they are left out of ``max_rel_error``.
    """

    max_rel_error: float
    max_abs_error: float
    worst: str | None
    analytic: np.ndarray
    numeric: np.ndarray
    steps: np.ndarray
    rel_errors: np.ndarray
    kinks: tuple
    tol: float

    @property
    def ok(self) -> bool:
        """True when the worst relative error is at most ``tol``."""
        return self.max_rel_error <= self.tol

    def __str__(self) -> str:
        verdict = "ok" if self.ok else "MISMATCH"
        text = (f"gradient check {verdict}: worst relative error {self.max_rel_error:.2e}"
                + (f" at {self.worst}" if self.worst else "")
                + f" (tolerance {self.tol:.0e}), worst absolute error {self.max_abs_error:.2e}, "
                + f"{self.analytic.size} coordinates")
        if self.kinks:
            text += "; at a kink (no derivative, not counted): " + ", ".join(self.kinks)
        return text


def central_differences(f, x) -> tuple:
    """The lecture's gradient g_i = (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i), with
    h_i = eps^(1/3) max(1, |x_i|) (eps the float64 machine epsilon; h_i the step actually
    taken, after rounding x_i +- h_i). Returns (g, h, f(x + h e_i), f(x - h e_i)) over i."""
    x = np.asarray(x, dtype=float)
    g, steps, ups, downs = (np.empty_like(x) for _ in range(4))
    for i in range(x.size):
        h = _EPS ** (1 / 3) * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        steps[i] = (up[i] - down[i]) / 2
        ups[i], downs[i] = float(f(up)), float(f(down))
        g[i] = (ups[i] - downs[i]) / (2 * steps[i])
    return g, steps, ups, downs


def _names(compiled, x, data):
    if hasattr(compiled, "coordinates"):
        return compiled.coordinates(x, *data)
    return [f"x[{i}]" for i in range(x.size)]


def _is_kink(f, x, i, h, f0) -> bool:
    """One-sided slopes that differ by a jump which does not shrink as h does."""
    def jump(step):
        e = np.zeros_like(x)
        e[i] = step
        return ((f(x + e) - f0) - (f0 - f(x - e))) / step
    big, small = jump(h), jump(h / 16)
    return abs(small) > 0.5 * abs(big) and abs(big) > 1e3 * _EPS * max(1.0, abs(f0)) / h


def check_grad(compiled, x, data=(), *, tol: float = 1e-6) -> GradCheck:
    """Compare ``compiled.grad`` with central differences of ``compiled.value`` at ``x``.

    Parameters
    ----------
    compiled : Compiled, or any object with ``value(x, *data)`` and ``grad(x, *data)``
    x : array_like
        The parameter vector.
    data : sequence of arrays
        The data arguments, in the compiled order.
    tol : float
        The largest relative error counted as agreement.

    Returns
    -------
    GradCheck
        With ``max_rel_error`` (the worst relative error), ``ok``, and per-coordinate detail.
    """
    x = np.asarray(x, dtype=float).reshape(-1).copy()
    data = (data,) if isinstance(data, np.ndarray) else tuple(data)
    if not np.isfinite(x).all():
        raise DataError("check_grad needs a finite point x")
    f = lambda z: compiled.value(z, *data)  # noqa: E731
    f0 = f(x)
    analytic = np.asarray(compiled.grad(x, *data), dtype=float).reshape(-1)
    numeric, steps, ups, downs = central_differences(f, x)
    floors = 1e6 * _EPS * np.maximum(np.maximum(np.abs(ups), np.abs(downs)), abs(f0)) / steps
    abs_err = np.abs(analytic - numeric)
    rel = abs_err / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floors)
    names = _names(compiled, x, data)
    kinks = [i for i in np.flatnonzero(rel > tol) if _is_kink(f, x, i, steps[i], f0)]
    counted = np.ones(x.size, dtype=bool)
    counted[kinks] = False
    worst = int(np.argmax(np.where(counted, rel, -1))) if counted.any() else None
    return GradCheck(float(rel[worst]) if worst is not None else 0.0,
                     float(abs_err[counted].max()) if counted.any() else 0.0,
                     names[worst] if worst is not None else None,
                     analytic, numeric, steps, rel, tuple(names[i] for i in kinks), tol)
