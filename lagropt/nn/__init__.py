"""Modular backpropagation as deck 002 teaches it.

Each module states one forward formula z^{l+1} = f(z^l; w^l) in SymPy; its backward message
dz^{l+1}/dz^l and parameter message dz^{l+1}/dw^l are derived by SymPy, compiled to vectorized
NumPy by :func:`lagropt.compile`, and rendered as derivations in LaTeX::

    >>> from lagropt import nn
    >>> net = nn.Network([nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3)], nn.SoftmaxCrossEntropy())
    >>> theta = net.init(seed=0)                    # Xavier: Var(w) = 1 / n_in
    >>> loss, grad = net.value_and_grad(theta, X, Y)    # doctest: +SKIP

* modules (:mod:`.layers`): ``Linear``, ``ReLU``, ``LeakyReLU``, ``Sigmoid``, ``Tanh``,
  ``Softmax``, ``Dropout``; losses as modules (:mod:`.losses`): ``SquaredError``,
  ``CrossEntropy``, ``SoftmaxCrossEntropy``;
* :class:`Network` (:mod:`.network`): forward, backward (every delta), the flat gradient, and the
  same network as one SymPy expression (:meth:`Network.compiled`) to check backpropagation;
* initialization (:mod:`.init`): Xavier, Glorot, He, constant; seeded;
* :func:`train` (:mod:`.training`): the optimizers, schedules, mini-batches, L1/L2 and early
  stopping of :mod:`lagropt.optim`, with a validation split and dropout;
* derivations (:mod:`.derive`): each module's messages, the delta recursion, Xavier's variance.

The user guide is docs/nn.md.
"""

from .derive import messages, xavier_variance
from .init import init_weights, weight_variance
from .layers import Dropout, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh
from .losses import CrossEntropy, LossModule, SoftmaxCrossEntropy, SquaredError
from .module import Module
from .network import Backprop, Network
from .training import History, one_hot, train, train_validation_split

__all__ = ["Module", "Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Dropout",
           "LossModule", "SquaredError", "CrossEntropy", "SoftmaxCrossEntropy", "Network",
           "Backprop", "init_weights", "weight_variance", "train", "History", "one_hot",
           "train_validation_split", "messages", "xavier_variance"]
