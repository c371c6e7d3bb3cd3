"""Regularization inside the step: L1 and L2 in the three forms the lectures use.

``regularize(optimizer, l1=..., l2=..., weight_decay=..., proximal=...)`` wraps any update
rule. With k the update index and lr = lr(k) the wrapped optimizer's rate, one update is

    g <- g + l1 sign(x) + 2 l2 x        penalty gradients of l1 ||x||_1 + l2 ||x||_2^2 (deck 001);
                                         the l1 term only when not proximal
    x <- x (1 - lr weight_decay)        decoupled weight decay (deck 004:
                                         theta (1 - alpha lambda) - alpha grad; torch's AdamW)
    x <- the wrapped rule's update with g
    x <- sign(x) max(|x| - lr l1, 0)    proximal L1, soft-thresholding (deck 004), when proximal

For plain gradient descent the forms relate exactly: the decay x (1 - lr wd) - lr g is the
penalty gradient of (wd / 2) ||x||^2, and the proximal step is ISTA, the proximal-gradient
method for g + l1 ||x||_1. They differ in what the iterates do: the subgradient l1 sign(x)
makes a coefficient whose optimum is 0 oscillate around 0 with amplitude ~ lr l1, the
soft-threshold sets it to exactly 0. With an adaptive rule (Adam, RMSProp) the penalty
gradient is rescaled by the rule's per-coordinate normalisation, the decoupled decay and the
threshold are not (that is the point of AdamW).

sign(0) = 0, as everywhere in lagropt. ``mask`` restricts all penalties to some coordinates
(an intercept is usually not penalized).
"""

from __future__ import annotations

import numpy as np

from ..errors import OptimizerError
from .rules import Optimizer, State
from .schedules import check_number

__all__ = ["Regularized", "regularize", "soft_threshold"]


def soft_threshold(x, threshold):
    """sign(x) max(|x| - threshold, 0), the proximal map of threshold ||x||_1."""
    return np.sign(x) * np.maximum(np.abs(x) - threshold, 0.0) + 0.0     # no -0.0


class Regularized(Optimizer):
    """An update rule with L1/L2 regularization inside its step (see the module doc).

    Parameters
    ----------
    optimizer : Optimizer
        The rule to wrap; its state is the state of the wrapped rule.
    l1, l2 : float
        Penalty weights of l1 ||x||_1 and l2 ||x||_2^2 (the lecture's lambda_1, lambda_2).
    weight_decay : float
        Decoupled decay: x <- x (1 - lr weight_decay) before the step.
    proximal : bool
        Apply L1 as soft-thresholding after the step instead of adding l1 sign(x) to g.
    mask : array of bool, optional
        Which coordinates are regularized (default all).
    """

    def __init__(self, optimizer: Optimizer, l1=0.0, l2=0.0, weight_decay=0.0,
                 proximal: bool = False, mask=None):
        if not isinstance(optimizer, Optimizer):
            raise OptimizerError(f"regularize() wraps an optimizer, got {optimizer!r}")
        self.optimizer = optimizer
        self.lr = optimizer.lr
        self.maximize = optimizer.maximize
        self.buffers = optimizer.buffers
        self.l1 = check_number("l1", l1)
        self.l2 = check_number("l2", l2)
        self.weight_decay = check_number("weight_decay", weight_decay)
        self.proximal = bool(proximal)
        self.mask = None if mask is None else np.asarray(mask, dtype=bool)
        if self.proximal and not self.l1:
            raise OptimizerError("proximal=True applies the L1 penalty: give l1 > 0")

    def init(self, params) -> State:
        return self.optimizer.init(np.asarray(params, dtype=float))

    def _masked(self, term):
        return term if self.mask is None else np.where(self.mask, term, 0.0)

    def step(self, params, grads, state: State):
        """One regularized update of ``params`` (a 1-D float array) and ``state``, in place."""
        if isinstance(params, list):
            raise OptimizerError("a regularized optimizer runs on arrays of parameters")
        if self.mask is not None and self.mask.shape != params.shape:
            raise OptimizerError(f"mask has shape {self.mask.shape}, the parameters "
                                 f"{params.shape}")
        lr = self.lr(state.step)
        sign = -1.0 if self.maximize else 1.0     # penalties always pull towards 0
        g = grads
        if self.l1 and not self.proximal:
            g = g + sign * self._masked(self.l1 * np.sign(params))
        if self.l2:
            g = g + sign * self._masked(2 * self.l2 * params)
        if self.weight_decay:
            params *= np.where(self.mask, 1 - lr * self.weight_decay, 1.0) \
                if self.mask is not None else 1 - lr * self.weight_decay
        self.optimizer.step(params, g, state)
        if self.proximal:
            shrunk = soft_threshold(params, lr * self.l1)
            params[...] = shrunk if self.mask is None else np.where(self.mask, shrunk, params)
        return params

    def float_stepper(self, state: State):
        raise OptimizerError("a regularized optimizer runs on arrays of parameters")

    def __repr__(self) -> str:
        parts = [f"l1={self.l1!r}"] if self.l1 else []
        parts += [f"l2={self.l2!r}"] if self.l2 else []
        parts += [f"weight_decay={self.weight_decay!r}"] if self.weight_decay else []
        parts += ["proximal=True"] if self.proximal else []
        return f"regularize({self.optimizer!r}, {', '.join(parts)})"


def regularize(optimizer: Optimizer, *, l1=0.0, l2=0.0, weight_decay=0.0, proximal=False,
               mask=None) -> Regularized:
    """``optimizer`` with L1/L2 inside its step; see :class:`Regularized`."""
    return Regularized(optimizer, l1, l2, weight_decay, proximal, mask)
