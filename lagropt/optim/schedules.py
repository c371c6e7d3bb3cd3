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


def check_number(name: str, value, low=0.0, high=None, closed_high=False) -> float:
    """``value`` as a finite float in [low, high) ([low, high] with closed_high; no upper
    bound when high is None), or an OptimizerError naming ``name``."""
    if isinstance(value, bool):
        raise OptimizerError(f"{name} must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise OptimizerError(f"{name} must be a number, got {value!r}") from None
    above = high is not None and (v > high if closed_high else v >= high)
    if not math.isfinite(v) or v < low or above:
        interval = f">= {low:g}" if high is None else \
            f"in [{low:g}, {high:g}{']' if closed_high else ')'}"
        raise OptimizerError(f"{name} must be finite and {interval}, got {value!r}")
    return v


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
        return check_number(f"the learning rate of update {k}", self.rate(k))

    def sequence(self, count: int) -> np.ndarray:
        """The rates of the first ``count`` updates, ``[lr(0), ..., lr(count - 1)]``."""
        return np.array([self(k) for k in range(count)], dtype=float)

    def __repr__(self) -> str:
        return f"Schedule({self.fn!r})"


class Constant(Schedule):
    """lr(k) = lr."""

    def __init__(self, lr):
        self.lr = check_number("lr", lr)

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
        self.lr = check_number("lr", lr)
        self.kappa = check_number("kappa", kappa)

    def rate(self, k: int) -> float:
        return self.lr / (1.0 + self.kappa * k)

    __call__ = rate

    def __repr__(self) -> str:
        return f"InverseTimeDecay(lr={self.lr!r}, kappa={self.kappa!r})"


class ExponentialDecay(Schedule):
    """lr(k) = lr gamma^k (torch's ``ExponentialLR``)."""

    def __init__(self, lr, gamma):
        self.lr = check_number("lr", lr)
        self.gamma = check_number("gamma", gamma)

    def rate(self, k: int) -> float:
        return self.lr * self.gamma ** k

    __call__ = rate

    def __repr__(self) -> str:
        return f"ExponentialDecay(lr={self.lr!r}, gamma={self.gamma!r})"


class StepDecay(Schedule):
    """lr(k) = lr gamma^floor(k / step_size): a staircase (torch's ``StepLR``)."""

    def __init__(self, lr, step_size, gamma=0.1):
        self.lr = check_number("lr", lr)
        if isinstance(step_size, bool) or not isinstance(step_size, (int, np.integer)) \
                or step_size < 1:
            raise OptimizerError(f"step_size must be an integer >= 1, got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = check_number("gamma", gamma)

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
