"""Gradient descent, written once and checked: update rules, schedules, the one loop.

    >>> import sympy as sp
    >>> from lagropt import optim
    >>> x, y = sp.symbols("x y")
    >>> r = optim.minimize((1 - x)**2 + 100*(y - x**2)**2, [-1.0, 1.0], optim.Adam(0.02),
    ...                    steps=5000)
    >>> r.x.round(3), r.path.shape
    (array([1., 1.]), (5001, 2))

* Update rules with torch.optim's names, defaults and equations (:mod:`.rules`): ``GD``,
  ``SGD``, ``Momentum`` (the lecture's nu <- beta nu + eta g), ``AdaGrad``, ``RMSProp``,
  ``Adam``, ``AdamW``; each an ``init``/``step``/``update`` rule with an explicit ``State``.
* Schedules (:mod:`.schedules`): ``InverseTimeDecay`` (the lecture's eps0/(1 + kappa t)),
  ``ExponentialDecay``, ``StepDecay``, ``Schedule(callable)``; a learning rate is a number or
  a schedule everywhere, index 0 on the first update.
* ``regularize(opt, l1=, l2=, weight_decay=, proximal=)``: L1/L2 inside the step, a
  ``chain`` (as optax's) of stages around the rule: ``penalty_gradient``, ``decoupled_decay``,
  the rule, ``proximal_l1``.
* ``minimize(fun, x0, optimizer, steps, ...)``: full-batch, stochastic and mini-batch descent
  with seeded shuffles, early stopping, divergence detection, a progress bar.
* One loop and one rule: the loop's checks are written once (:mod:`.template`) and compiled
  for arrays and for the small-problem float loop; each rule is traced into the code that runs
  it (in-place NumPy calls, :mod:`.inplace`; straight-line floats, :mod:`.fused`).
* ``set_num_threads(k)``: large parameter vectors are updated in k parts on k threads
  (default: the cores available; bit for bit the same result).
* ``descend(problem, ...)``: descent on a :class:`lagropt.Problem`; equality constraints by
  the augmented Lagrangian (method of multipliers), multipliers in the lecture's sign.

The user guide is docs/descent.md.
"""

from .constrained import descend
from .loop import minimize
from .objective import central_difference
from .regularization import (Chain, Regularized, chain, decoupled_decay, penalty_gradient,
                         proximal_l1, regularize, soft_threshold)
from .rules import (GD, SGD, AdaGrad, Adagrad, Adam, AdamW, Momentum, Optimizer, RMSProp,
                    RMSprop, State)
from .schedules import (Constant, ExponentialDecay, InverseTimeDecay, Schedule, StepDecay,
                        as_schedule)
from .threads import get_num_threads, set_num_threads

__all__ = ["minimize", "descend", "GD", "SGD", "Momentum", "AdaGrad", "Adagrad", "RMSProp",
           "RMSprop", "Adam", "AdamW", "Optimizer", "State", "Schedule", "Constant",
           "InverseTimeDecay", "ExponentialDecay", "StepDecay", "as_schedule", "regularize",
           "Regularized", "soft_threshold", "Chain", "chain", "penalty_gradient",
           "decoupled_decay", "proximal_l1", "central_difference", "get_num_threads",
           "set_num_threads"]
