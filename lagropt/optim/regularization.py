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

A regularized optimizer is a chain, as optax's ``chain``: stages applied in order around one
update rule, which keeps its own state and its speed (its in-place, threaded array step).
Each stage is a function ``stage(x, g, lr, sign) -> g`` (sign -1 for an ascent) that may
change x in place; ``regularize`` builds

    chain(penalty_gradient(l1, l2), decoupled_decay(weight_decay), rule, proximal_l1(l1))

and :func:`chain` composes the stages in any other order.
"""

from __future__ import annotations

import numpy as np

from ..errors import OptimizerError
from .rules import Optimizer, State
from .schedules import check_number

__all__ = ["Chain", "Regularized", "chain", "decoupled_decay", "penalty_gradient", "proximal_l1",
           "regularize", "soft_threshold"]


def soft_threshold(x, threshold):
    """sign(x) max(|x| - threshold, 0), the proximal map of threshold ||x||_1."""
    return np.sign(x) * np.maximum(np.abs(x) - threshold, 0.0) + 0.0     # no -0.0


def _masked(mask, term):
    return term if mask is None else np.where(mask, term, 0.0)


def penalty_gradient(l1=0.0, l2=0.0, mask=None):
    """The stage g <- g + sign (l1 sign(x) + 2 l2 x), on the coordinates of ``mask``: the
    gradients of the penalties l1 ||x||_1 + l2 ||x||_2^2 (deck 001), which pull towards 0 in
    an ascent too (sign = -1)."""
    def stage(x, g, lr, sign):
        if l1:
            g = g + sign * _masked(mask, l1 * np.sign(x))
        if l2:
            g = g + sign * _masked(mask, 2 * l2 * x)
        return g
    return stage


def decoupled_decay(weight_decay, mask=None):
    """The stage x <- x (1 - lr weight_decay), on the coordinates of ``mask``: decoupled weight
    decay (deck 004; torch's AdamW), before the rule."""
    def stage(x, g, lr, sign):
        x *= np.where(mask, 1 - lr * weight_decay, 1.0) if mask is not None else \
            1 - lr * weight_decay
        return g
    return stage


def proximal_l1(l1, mask=None):
    """The stage x <- sign(x) max(|x| - lr l1, 0), on the coordinates of ``mask``: the proximal
    step of l1 ||x||_1 (soft-thresholding, deck 004), after the rule."""
    def stage(x, g, lr, sign):
        shrunk = soft_threshold(x, lr * l1)
        x[...] = shrunk if mask is None else np.where(mask, shrunk, x)
        return g
    return stage


class Chain:
    """Stages applied in order around one update rule, as optax's ``chain``.

    The stages before the rule turn the gradient into the one the rule sees (and may change
    x), the rule updates x and its state, the stages after it change x. Every stage of an
    update sees the rate ``lr(k)`` of that update (k the updates taken before it) and
    ``sign``, -1 for an ascent. The rule owns the state: ``init``, ``lr``, ``maximize`` and
    ``buffers`` are its. A chain runs on arrays (its stages are not traced into the float
    loop of small problems).
    """

    steps_by_rule = False                 # the loop runs it on arrays
    update = Optimizer.update             # optax style, as for a rule
    rate = Optimizer.rate

    def __init__(self, *stages):
        rules = [stage for stage in stages if isinstance(stage, Optimizer)]
        if len(rules) != 1:
            raise OptimizerError(f"a chain holds exactly one update rule (an optimizer), got "
                                 f"{len(rules)}")
        k = stages.index(rules[0])
        self.before, self.rule, self.after = stages[:k], rules[0], stages[k + 1:]
        for stage in self.before + self.after:
            if not callable(stage):
                raise OptimizerError(f"a stage of a chain is a function (x, g, lr, sign) -> g, "
                                     f"got {stage!r}")

    @property
    def lr(self):
        return self.rule.lr

    @property
    def maximize(self) -> bool:
        return self.rule.maximize

    @property
    def buffers(self) -> dict:
        return self.rule.buffers

    def init(self, params) -> State:
        return self.rule.init(np.asarray(params, dtype=float))

    def step(self, params, grads, state: State):
        """One update of ``params`` (a 1-D float array) and ``state`` in place: the stages
        before the rule, the rule's step, the stages after it."""
        if isinstance(params, list):
            raise OptimizerError("a regularized optimizer runs on arrays of parameters")
        lr, sign = self.rule.lr(state.step), -1.0 if self.rule.maximize else 1.0
        g = grads
        for stage in self.before:
            g = stage(params, g, lr, sign)
        self.rule.step(params, g, state)
        for stage in self.after:
            stage(params, g, lr, sign)
        return params

    def float_stepper(self, state: State):
        raise OptimizerError("a regularized optimizer runs on arrays of parameters")

    def __repr__(self) -> str:
        names = [getattr(s, "__qualname__", repr(s)).split(".")[0] for s in self.before]
        after = [getattr(s, "__qualname__", repr(s)).split(".")[0] for s in self.after]
        return f"chain({', '.join(names + [repr(self.rule)] + after)})"


def chain(*stages) -> Chain:
    """Stages and one update rule applied in order; see :class:`Chain`."""
    return Chain(*stages)


class Regularized(Chain):
    """An update rule with L1/L2 regularization inside its step (see the module doc): the
    chain of the penalty gradients, the decoupled decay, the rule and the proximal L1 step.

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
        self.l1 = check_number("l1", l1)
        self.l2 = check_number("l2", l2)
        self.weight_decay = check_number("weight_decay", weight_decay)
        self.proximal = bool(proximal)
        self.mask = None if mask is None else np.asarray(mask, dtype=bool)
        if self.proximal and not self.l1:
            raise OptimizerError("proximal=True applies the L1 penalty: give l1 > 0")
        stages = [self._check_mask] if self.mask is not None else []
        if self.l2 or self.l1 and not self.proximal:
            stages.append(penalty_gradient(0.0 if self.proximal else self.l1, self.l2,
                                           self.mask))
        if self.weight_decay:
            stages.append(decoupled_decay(self.weight_decay, self.mask))
        stages.append(optimizer)
        if self.proximal:
            stages.append(proximal_l1(self.l1, self.mask))
        super().__init__(*stages)

    def _check_mask(self, x, g, lr, sign):
        """The first stage with a mask: it fits the parameters, before anything changes."""
        if self.mask.shape != x.shape:
            raise OptimizerError(f"mask has shape {self.mask.shape}, the parameters {x.shape}")
        return g

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
