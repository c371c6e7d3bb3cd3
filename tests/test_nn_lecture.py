"""Deck 002's examples, reproduced with lagropt.nn: multinomial logistic regression as modules,
a one-hidden-layer ReLU network on scikit-learn's digits (early stopping and dropout compared),
dead ReLUs, and what happens without symmetry breaking."""

import numpy as np
import pytest
import sympy as sp
from sklearn.datasets import load_digits, load_iris

from lagropt import compile as lcompile
from lagropt import losses, nn, optim
from lagropt.regression import SoftmaxRegression


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def test_softmax_regression_as_modules_has_softmaxregressions_gradient(iris):
    # SoftmaxRegression minimizes C sum_s CE_s + ||W||^2 / 2; the modules' loss is the mean
    # L = (1/m) sum_s CE_s, so its objective's gradient is C m dL/dtheta + (W, 0)
    X, y = iris
    Y, m, C = nn.one_hot(y), len(X), 0.7
    est = SoftmaxRegression(C=C)
    Xs, Ys, Ws = losses.classification_symbols()
    b = sp.IndexedBase("b", shape=(losses.K,), real=True)
    objective = lcompile(est.objective.subs(est.hyperparameters), wrt=[Ws, b], data=[Xs, Ys],
                         hessian=False)
    net = nn.Network([nn.Linear(4, 3)], nn.SoftmaxCrossEntropy())
    theta = np.random.default_rng(0).normal(size=net.size)
    (W, _), = net.unpack(theta)
    ours = C * m * net.grad(theta, X, Y) + np.concatenate([W.ravel(), np.zeros(3)])
    theirs = objective.grad(theta, X, Y)
    assert np.max(np.abs(ours - theirs)) <= 1e-12 * np.max(np.abs(theirs))


def test_softmax_regression_as_modules_fits_like_softmaxregression(iris):
    # the same minimizer: mean CE + l2 ||W||^2 with l2 = 1 / (2 C m), by Nesterov descent
    X, y = iris
    Y, m, C = nn.one_hot(y), len(X), 1.0
    est = SoftmaxRegression(C=C).fit(X, y)
    net = nn.Network([nn.Linear(4, 3)], nn.SoftmaxCrossEntropy())
    rule = optim.regularize(optim.SGD(0.5, momentum=0.9, nesterov=True), l2=1 / (2 * C * m),
                            mask=net.weight_mask())
    history = nn.train(net, X, Y, rule, epochs=1500, batch_size=m, seed=0)
    (W, b), = net.unpack(history.theta)
    # the cross-entropy does not see a constant added to every intercept: compare centred
    assert np.max(np.abs(W.T - est.coef_)) < 1e-9
    assert np.max(np.abs(b - b.mean() - est.intercept_)) < 1e-9
    assert net.accuracy(history.theta, X, y) == est.score(X, y)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0                                    # pixels 0..16 -> 0..1
    order = np.random.default_rng(0).permutation(len(X))
    test, rest = order[:360], order[360:]
    Xtr, Ytr, Xv, Yv = nn.train_validation_split(X[rest], nn.one_hot(y[rest]), 0.2, seed=0)
    return Xtr, Ytr, Xv, Yv, X[test], y[test]


def _digits_net(dropout: float):
    hidden = [nn.Dropout(dropout)] if dropout else []
    return nn.Network([nn.Linear(64, 64), nn.ReLU(), *hidden, nn.Linear(64, 10)],
                      nn.SoftmaxCrossEntropy())


@pytest.fixture(scope="module")
def digit_runs(digits):
    Xtr, Ytr, Xv, Yv, _, _ = digits
    runs = {}
    for name, dropout, patience in [("plain", 0.0, None), ("early", 0.0, 5),
                                    ("dropout", 0.5, None)]:
        net = _digits_net(dropout)
        runs[name] = net, nn.train(net, Xtr, Ytr, optim.Adam(1e-2), epochs=40, batch_size=32,
                                   validation=(Xv, Yv), patience=patience, seed=0)
    return runs


def test_one_hidden_layer_relu_network_reads_digits(digits, digit_runs):
    # a lecturer's number for a 64-64-10 ReLU MLP on sklearn's digits: ~97% test accuracy
    # (multinomial logistic regression gets ~95-96%); each run must reach 95%
    *_, Xtest, ytest = digits
    for name, (net, history) in digit_runs.items():
        assert net.accuracy(history.theta, Xtest, ytest) >= 0.95, name


def test_early_stopping_returns_the_best_validation_epoch(digits, digit_runs):
    _, _, Xv, Yv, _, _ = digits
    _, plain = digit_runs["plain"]
    net, early = digit_runs["early"]
    assert early.stopped_early and len(early.val_loss) < 40
    # the validation loss went up after its minimum (overfitting: training loss still falls)
    assert plain.val_loss[-1] > plain.val_loss.min() * 1.05
    assert plain.train_loss[-1] < plain.train_loss[early.best_epoch - 1]
    # theta is the iterate with the smallest validation loss
    assert net.value(early.theta, Xv, Yv) == pytest.approx(early.val_loss.min(), rel=1e-14)
    assert early.best_epoch + 5 == len(early.val_loss)          # patience 5
    # the same seed gives the same run: early stopping saw plain's curve up to where it stopped
    assert np.allclose(early.val_loss, plain.val_loss[:len(early.val_loss)], rtol=1e-12)


def test_dropout_fits_the_training_set_less_closely(digit_runs):
    _, plain = digit_runs["plain"]
    _, dropout = digit_runs["dropout"]
    # without dropout the training loss goes to ~1e-3 (memorized); dropout keeps it well above
    assert dropout.train_loss[-1] > 3 * plain.train_loss[-1]
    # and its generalization gap (validation - training loss at the end) is no larger
    gap = lambda h: h.val_loss[-1] - h.train_loss[-1]  # noqa: E731
    assert gap(dropout) < gap(plain)


def test_dead_relu_units_pass_no_gradient_and_leaky_relu_does():
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(20, 4)), nn.one_hot(rng.integers(0, 3, 20), 3)
    for activation, dead in [(nn.ReLU(), True), (nn.LeakyReLU(0.1), False)]:
        net = nn.Network([nn.Linear(4, 5), activation, nn.Linear(5, 3)], nn.SoftmaxCrossEntropy())
        theta = net.init(seed=0)
        (W0, b0), _, _ = net.unpack(theta)
        b0[:] = -100.0                       # every pre-activation s < 0: the units are off
        run = net.backprop(theta, X, Y)
        first = run.grad[:W0.size + b0.size]
        if dead:
            assert np.all(first == 0) and np.all(run.deltas[1] == 0)
            after = nn.train(net, X, Y, optim.Adam(1e-2), epochs=20, batch_size=5,
                             theta0=theta, seed=0).theta
            assert np.array_equal(after[:first.size], theta[:first.size])   # dead for good
        else:
            assert np.max(np.abs(first)) > 1e-3


def test_constant_initialization_keeps_all_hidden_units_equal():
    # deck 002: "All neurons would behave the same: the same deltas are backpropagated"
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(40, 4)), nn.one_hot(rng.integers(0, 3, 40), 3)
    net = nn.Network([nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)], nn.SoftmaxCrossEntropy())

    def spread(theta):
        """max over hidden units of how far unit j's weights are from unit 0's."""
        (W0, b0), _, (W1, _) = net.unpack(theta)
        return max(np.max(np.abs(W0 - W0[:, :1])), np.max(np.abs(b0 - b0[0])),
                   np.max(np.abs(W1 - W1[:1, :])))

    symmetric = nn.train(net, X, Y, optim.SGD(0.1), epochs=30, batch_size=10, seed=0,
                         theta0=net.init(scheme="constant", value=0.3))
    broken = nn.train(net, X, Y, optim.SGD(0.1), epochs=30, batch_size=10, seed=0)
    assert spread(symmetric.theta) < 1e-12              # still one unit, six times
    assert spread(broken.theta) > 0.1
    assert symmetric.train_loss[-1] > broken.train_loss[-1]


def test_training_is_seeded():
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(30, 4)), nn.one_hot(rng.integers(0, 3, 30), 3)
    net = nn.Network([nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 3)],
                     nn.SoftmaxCrossEntropy())
    runs = [nn.train(net, X, Y, optim.Adam(1e-2), epochs=5, batch_size=8, seed=s).theta
            for s in (1, 1, 2)]
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], runs[2])
