"""Deck 002: modular backpropagation. A one-hidden-layer ReLU network reads scikit-learn's
handwritten digits; early stopping and dropout are compared on the loss curves.

    python examples/backprop_digits.py [figure.png]

The figure goes to the path given (a new file), else into a fresh temporary folder.
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

from lagropt import nn, optim, plot  # noqa: E402
from lagropt.compiler import check_grad  # noqa: E402

X, labels = load_digits(return_X_y=True)
X = X / 16.0                                         # pixels 0..16 -> 0..1
order = np.random.default_rng(0).permutation(len(X))
test, rest = order[:360], order[360:]
Xtr, Ytr, Xv, Yv = nn.train_validation_split(X[rest], nn.one_hot(labels[rest]), 0.2, seed=0)


def network(dropout):
    hidden = [nn.Dropout(dropout)] if dropout else []
    return nn.Network([nn.Linear(64, 64), nn.ReLU(), *hidden, nn.Linear(64, 10)],
                      nn.SoftmaxCrossEntropy())


# the messages, as the lecture writes them, derived by SymPy
print(nn.messages(nn.Linear(64, 64)).find("delta")[0])
print(nn.messages(nn.SoftmaxCrossEntropy()).find("backward")[0])

# backpropagation against central differences on a small batch
net = network(0.0)
theta = net.init(seed=0)
check = check_grad(net, theta, (Xtr[:8], Ytr[:8]))
print(check)
assert check.ok

runs = {}
for name, dropout, patience in [("no regularization", 0.0, None), ("early stopping", 0.0, 5),
                                ("dropout 0.5", 0.5, None)]:
    model = network(dropout)
    history = nn.train(model, Xtr, Ytr, optim.Adam(1e-2), epochs=40, batch_size=32,
                       validation=(Xv, Yv), patience=patience, seed=0)
    accuracy = model.accuracy(history.theta, X[test], labels[test])
    runs[name] = history
    print(f"{name:18s} epochs {len(history.val_loss):2d}  best validation epoch "
          f"{history.best_epoch:2d}  final training loss {history.train_loss[-1]:.4f}  "
          f"best validation loss {history.val_loss.min():.4f}  test accuracy {accuracy:.3f}")
    assert accuracy >= 0.95

plain, early, dropped = runs.values()
assert early.stopped_early and len(early.val_loss) < len(plain.val_loss)
assert dropped.train_loss[-1] > 3 * plain.train_loss[-1]       # dropout fits the training set less

# early stopping's run is the plain run up to where it stops (same seed): one set of curves,
# with the epoch it returns marked
curves = {"training": plain.train_loss, "validation": plain.val_loss,
          "dropout 0.5: training": dropped.train_loss, "dropout 0.5: validation": dropped.val_loss}
fig = plot.losses(curves)
fig.axes[0].set_xlabel("epoch - 1")
fig.axes[0].axvline(early.best_epoch - 1, color="grey", ls=":", lw=1,
                    label="early stopping returns this epoch")
fig.axes[0].legend(fontsize=8)
target = Path(sys.argv[1]) if len(sys.argv) > 1 else \
    Path(tempfile.mkdtemp(prefix="lagropt-backprop-")) / "backprop_digits.png"
if target.exists():
    sys.exit(f"{target} exists: not overwritten")
fig.savefig(target, dpi=120)
print(f"loss curves: {target}")
print("checked: backpropagation = central differences; a 64-64-10 ReLU network reads the "
      "digits at >= 95% test accuracy; early stopping stops at the best validation epoch; "
      "dropout keeps the training loss up")
