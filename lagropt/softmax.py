"""Numerically stable log-sum-exp, softmax and log-softmax (NumPy only).

These are the log-partition function and the Boltzmann distribution of statistical mechanics,
``ln Z = ln sum_i g_i e^{z_i}`` and ``p_i = g_i e^{z_i} / Z`` with ``z_i = -beta eps_i``, and the
softmax layer of a classifier. They live in this small module, below everything else, so that
:mod:`lagropt.statmech`, the losses and the regression estimators share one implementation.

Stability: the largest exponent is subtracted before exponentiating, so nothing overflows for
any input of finite floats, and ``+inf``/``-inf`` entries behave as limits (an ``-inf`` exponent
is a state of probability zero).

Why not scipy.special's (``bench/run.py softmax``, side by side, scipy 1.17): its
``logsumexp`` gives the same numbers (tests/test_statmech_softmax.py) but took 2.7-5.7 times as
long here on every shape lagropt uses (10^6 levels, 10^4 x 100 logits, 100 x 10, 10 levels);
its ``softmax`` is as fast (1.02-1.07x) but has no weights ``b``, which the Boltzmann
distribution with degeneracies g_i needs, so one implementation serves both cases.
"""

from __future__ import annotations

import numpy as np

__all__ = ["logsumexp", "softmax", "log_softmax"]


def _weights(z, b):
    """``z`` as a float array and ``b`` broadcast to it (or None); ``b`` must be >= 0."""
    z = np.asarray(z, dtype=float)
    if b is None:
        return z, None
    b = np.broadcast_to(np.asarray(b, dtype=float), z.shape)
    if np.any(b < 0):
        raise ValueError("the weights b must be non-negative (degeneracies, counts)")
    return z, b


def _shift(z, axis):
    """The largest finite-or-infinite exponent along ``axis`` (0 where all are -inf)."""
    m = np.max(z, axis=axis, keepdims=True)
    return np.where(np.isfinite(m), m, 0.0)


def logsumexp(z, axis=None, b=None, keepdims: bool = False):
    """ln sum_i b_i e^{z_i}, computed as m + ln sum_i b_i e^{z_i - m} with m = max z.

    Parameters
    ----------
    z : array_like
        Exponents, e.g. ``-beta * energies`` or a classifier's logits.
    axis : int or tuple of int, optional
        Axis to sum over (default: all).
    b : array_like, optional
        Non-negative weights broadcast against ``z`` (degeneracies g_i); a zero weight removes
        its term.
    keepdims : bool
        Keep the summed axes with length one.

    Returns
    -------
    float or ndarray
        ``-inf`` where every term is zero.
    """
    z, b = _weights(z, b)
    if b is not None:
        z = np.where(b > 0, z, -np.inf)
    m = _shift(z, axis)
    with np.errstate(over="ignore"):
        e = np.exp(z - m)
    if b is not None:
        e *= b
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(e, axis=axis, keepdims=True)) + m
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out


def softmax(z, axis=-1, b=None):
    """p_i = b_i e^{z_i} / sum_j b_j e^{z_j}, stable for any finite z.

    Parameters
    ----------
    z : array_like
        Exponents (logits); the Boltzmann distribution is ``softmax(-beta * eps, b=g)``.
    axis : int
        Axis along which the probabilities sum to one (default: the last).
    b : array_like, optional
        Non-negative weights (degeneracies).

    Returns
    -------
    ndarray
        Probabilities, same shape as ``z``.
    """
    z, b = _weights(z, b)
    if b is not None:
        z = np.where(b > 0, z, -np.inf)
    with np.errstate(over="ignore"):
        e = np.exp(z - _shift(z, axis))
    if b is not None:
        e *= b
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


def log_softmax(z, axis=-1, b=None):
    """ln p_i = z_i + ln b_i - logsumexp(z, b), without forming p (exact for tiny p_i).

    Parameters
    ----------
    z, axis, b
        As in :func:`softmax`.

    Returns
    -------
    ndarray
        Log-probabilities (``-inf`` where ``b_i = 0``).
    """
    z, b = _weights(z, b)
    lse = logsumexp(z, axis=axis, b=b, keepdims=True)
    if b is None:
        return z - lse
    with np.errstate(divide="ignore"):
        return z + np.log(b) - lse
