"""Learning-rate schedules: the rate of update k as a function of k (k = 0 on the first update).

Every optimizer takes ``lr`` as a number or a schedule; a number is :class:`Constant`, and any
callable ``k -> rate`` is wrapped in :class:`Schedule`. The index convention is torch's (a
scheduler stepped after each update) and the lecture's (its ``iterations`` counter starts at
0): the first update uses ``lr(0)``.

==========================  ==================================  ==========================
schedule                    rate of update k                    also known as
==========================  ==================================  ==========================
``Constant(lr)``            lr                                  a plain number
``InverseTimeDecay(lr, k)`` lr / (1 + kappa k)                  the lecture's eps0/(1+kappa t)
``ExponentialDecay(lr, g)`` lr gamma^k                          torch ExponentialLR
``StepDecay(lr, s, g)``     lr gamma^floor(k / s)               torch StepLR (staircase)
``Schedule(fn)``            fn(k)                               any callable
==========================  ==================================  ==========================
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import OptimizerError

__all__ = ["Schedule", "Constant", "InverseTimeDecay", "ExponentialDecay", "StepDecay",
           "as_schedule"]


def _rate(value, what: str) -> float:
    """``value`` as a learning rate: a finite number >= 0."""
    if isinstance(value, bool):
        raise OptimizerError(f"{what} must be a number, got {value!r}")
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise OptimizerError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(rate) or rate < 0:
        raise OptimizerError(f"{what} must be finite and >= 0, got {value!r}")
    return rate


class Schedule:
    """A learning rate that depends on the update index: ``schedule(k)`` is the rate of update
    k, with k = 0 on the first update.

    Parameters
    ----------
    fn : callable
        ``fn(k) -> float``, a finite rate >= 0 (checked at every call).
    """

    def __init__(self, fn):
        if not callable(fn):
            raise OptimizerError(f"a schedule needs a callable of the step index, got {fn!r}")
        self.fn = fn

    def rate(self, k: int) -> float:
        """The rate of update ``k`` (unchecked)."""
        return self.fn(k)

    def __call__(self, k: int) -> float:
        return _rate(self.rate(k), f"the learning rate of update {k}")

    def sequence(self, count: int) -> np.ndarray:
        """The rates of the first ``count`` updates, ``[lr(0), ..., lr(count - 1)]``."""
        return np.array([self(k) for k in range(count)], dtype=float)

    def __repr__(self) -> str:
        return f"Schedule({self.fn!r})"


class Constant(Schedule):
    """lr(k) = lr."""

    def __init__(self, lr):
        self.lr = _rate(lr, "lr")

    def rate(self, k: int) -> float:
        return self.lr

    __call__ = rate              # checked once, at construction

    def __repr__(self) -> str:
        return f"Constant({self.lr!r})"


class InverseTimeDecay(Schedule):
    """lr(k) = lr / (1 + kappa k): the lecture's eps(t) = eps0 / (1 + kappa t).

    This is the decay of the lecture's ``Optimizer(learning_rate, decay)`` class (its
    ``iterations`` counter starts at 0) and of Keras' ``InverseTimeDecay`` with one decay step.
    """

    def __init__(self, lr, kappa):
        self.lr = _rate(lr, "lr")
        self.kappa = _rate(kappa, "kappa")

    def rate(self, k: int) -> float:
        return self.lr / (1.0 + self.kappa * k)

    __call__ = rate

    def __repr__(self) -> str:
        return f"InverseTimeDecay(lr={self.lr!r}, kappa={self.kappa!r})"


class ExponentialDecay(Schedule):
    """lr(k) = lr gamma^k (torch's ``ExponentialLR``)."""

    def __init__(self, lr, gamma):
        self.lr = _rate(lr, "lr")
        self.gamma = _rate(gamma, "gamma")

    def rate(self, k: int) -> float:
        return self.lr * self.gamma ** k

    __call__ = rate

    def __repr__(self) -> str:
        return f"ExponentialDecay(lr={self.lr!r}, gamma={self.gamma!r})"


class StepDecay(Schedule):
    """lr(k) = lr gamma^floor(k / step_size): a staircase (torch's ``StepLR``)."""

    def __init__(self, lr, step_size, gamma=0.1):
        self.lr = _rate(lr, "lr")
        if isinstance(step_size, bool) or not isinstance(step_size, (int, np.integer)) \
                or step_size < 1:
            raise OptimizerError(f"step_size must be an integer >= 1, got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = _rate(gamma, "gamma")

    def rate(self, k: int) -> float:
        return self.lr * self.gamma ** (k // self.step_size)

    __call__ = rate

    def __repr__(self) -> str:
        return f"StepDecay(lr={self.lr!r}, step_size={self.step_size}, gamma={self.gamma!r})"


def as_schedule(lr) -> Schedule:
    """A number -> :class:`Constant`; a Schedule -> itself; a callable -> :class:`Schedule`."""
    if isinstance(lr, Schedule):
        return lr
    if callable(lr):
        return Schedule(lr)
    return Constant(lr)
