"""Initialization of the weights, seeded (deck 002: break the symmetry; Xavier).

Xavier (the lecture's form): for s = sum_i w_i x_i with independent, zero-mean w_i and x_i,
Var(s) = n_in Var(x) Var(w) (derived step by step in :func:`lagropt.nn.derive.xavier_variance`);
Var(s) = Var(x) asks for Var(w) = 1 / n_in. Glorot and Bengio's compromise between the forward
and the backward pass is Var(w) = 2 / (n_in + n_out); He's, for ReLU (which halves the
variance), 2 / n_in. Biases start at 0.
"""

from __future__ import annotations

import numpy as np

from ..errors import ProblemError

__all__ = ["VARIANCES", "weight_variance", "init_weights"]

VARIANCES = {
    "xavier": lambda n_in, n_out: 1.0 / n_in,
    "glorot": lambda n_in, n_out: 2.0 / (n_in + n_out),
    "he": lambda n_in, n_out: 2.0 / n_in,
}


def weight_variance(scheme: str, n_in: int, n_out: int) -> float:
    """Var(w) of the initialization ``scheme`` ("xavier" = 1/n_in, "glorot", "he")."""
    if scheme not in VARIANCES:
        raise ProblemError(f"unknown initialization {scheme!r}; choose one of "
                           + ", ".join(sorted(VARIANCES)) + " or 'constant'")
    return VARIANCES[scheme](n_in, n_out)


def init_weights(n_in: int, n_out: int, rng, scheme: str = "xavier", distribution: str = "normal",
                 value: float = 0.0) -> np.ndarray:
    """An n_in x n_out weight matrix: zero mean and the variance of ``scheme``, drawn from a
    normal or a uniform distribution (uniform on [-a, a] has variance a^2 / 3, so
    a = sqrt(3 Var(w))); ``scheme="constant"`` fills it with ``value`` (no symmetry breaking)."""
    if scheme == "constant":
        return np.full((n_in, n_out), float(value))
    var = weight_variance(scheme, n_in, n_out)
    if distribution == "normal":
        return rng.normal(0.0, np.sqrt(var), size=(n_in, n_out))
    if distribution == "uniform":
        a = np.sqrt(3.0 * var)
        return rng.uniform(-a, a, size=(n_in, n_out))
    raise ProblemError(f"distribution must be 'normal' or 'uniform', got {distribution!r}")
