"""Training a network with the descent family of :mod:`lagropt.optim`.

:func:`train` hands the network's backpropagation to :func:`lagropt.optim.minimize`: any
optimizer (``GD``, ``SGD``, ``Momentum``, ``Adam``, ... with a schedule, or wrapped by
``regularize`` for L1/L2), mini-batches, seeded shuffles and early stopping on a validation set.
Training passes draw dropout masks from the seeded generator; the losses reported per epoch and
on the validation set are evaluation passes (dropout off).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import optim
from ..errors import DataError
from ..optim.objective import Objective
from .network import Network

__all__ = ["History", "train", "one_hot", "train_validation_split"]


def one_hot(labels, classes: int | None = None) -> np.ndarray:
    """Rows of the identity: label c -> e_c (labels 0..classes-1)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or (labels.size and labels.min() < 0):
        raise DataError("labels must be a 1-D array of non-negative integers")
    classes = int(labels.max()) + 1 if classes is None else classes
    return np.eye(classes)[labels]


def train_validation_split(X, Y, validation: float = 0.2, seed=0) -> tuple:
    """(X_train, Y_train, X_val, Y_val): a seeded random ``validation`` fraction held out."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if not 0 < validation < 1:
        raise DataError(f"validation must be a fraction in (0, 1), got {validation!r}")
    order = np.random.default_rng(seed).permutation(len(X))
    cut = len(X) - max(1, int(round(validation * len(X))))
    return X[order[:cut]], Y[order[:cut]], X[order[cut:]], Y[order[cut:]]


@dataclass
class History:
    """The result of :func:`train`: ``theta`` (the parameters returned: the best on the
    validation set when early stopping stopped the run), ``train_loss`` and ``val_loss`` (after
    each epoch, evaluation passes; entry k is after epoch k + 1), ``best_epoch`` (1-based: the
    epoch of the smallest validation loss) and ``result`` (minimize's OptimizeResult)."""

    theta: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    best_epoch: int | None
    result: object

    @property
    def stopped_early(self) -> bool:
        return self.result.status == 4


def train(network: Network, X, Y, optimizer, *, epochs: int = 100, batch_size: int = 32,
          validation=None, patience: int | None = None, theta0=None, seed=0) -> History:
    """Minimize the network's loss on (X, Y) by mini-batch descent with ``optimizer``.

    Parameters
    ----------
    network : Network
    X, Y : arrays (samples x inputs, samples x outputs; one-hot rows for a classifier)
    optimizer : a :mod:`lagropt.optim` optimizer (``regularize(opt, l2=...)`` for L2)
    epochs, batch_size : int
    validation : (X_val, Y_val), optional
        Evaluated after every epoch; with ``patience`` the run stops when the validation loss
        has not improved for that many epochs and returns the best parameters (early stopping).
        Without ``patience`` the curve is recorded and the run goes on to the last epoch.
    theta0 : array, optional
        The start (default ``network.init(seed)``, Xavier).
    seed : int
        Seeds the initialization, the shuffles and the dropout masks: same seed, same run.
    """
    theta0 = network.init(seed) if theta0 is None else np.asarray(theta0, dtype=float)
    rng = np.random.default_rng([seed, 1])           # dropout masks, apart from the shuffles

    def training_pass(theta, data):
        return network.value_and_grad(theta, *data, rng=rng)

    def evaluation(theta, data):
        return network.value(theta, *data)

    objective = Objective(training_pass, evaluation, (True, True))
    val = None if validation is None else tuple(np.asarray(v, dtype=float) for v in validation)
    if val is not None and patience is None:
        patience = epochs + 1                        # record the curve, never stop early
    result = optim.minimize(objective, theta0, optimizer, epochs=epochs, batch_size=batch_size,
                            data=(np.asarray(X, dtype=float), np.asarray(Y, dtype=float)),
                            validation=val, patience=patience, seed=seed, keep_path=False)
    val_loss = getattr(result, "val_losses", np.zeros(0))
    best = int(np.argmin(val_loss)) + 1 if val_loss.size else None
    return History(result.x, getattr(result, "epoch_losses", np.zeros(0)), val_loss, best, result)
