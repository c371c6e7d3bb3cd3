"""The rules as one compiled loop (lagropt/optim/jit.py, numba): bit for bit the NumPy update.

Each rule takes the same steps from the same state on the compiled loop and on the in-place
NumPy update; the iterates and buffers must be equal entry for entry (np.array_equal), with
gradients that include zeros, tiny and huge entries."""

import numpy as np
import pytest

from lagropt import optim
from lagropt.optim import jit

pytest.importorskip("numba", reason="numba is an optional extra (pip install 'lagropt[fast]'); "
                    "without it the NumPy update runs")

N = 5000

RULES = {
    "gd": lambda: optim.GD(0.1),
    "sgd-nesterov-wd": lambda: optim.SGD(0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "sgd-dampening": lambda: optim.SGD(0.05, momentum=0.5, dampening=0.3),
    "momentum": lambda: optim.Momentum(0.05, 0.9),
    "adagrad": lambda: optim.AdaGrad(0.1, lr_decay=0.01, weight_decay=1e-2),
    "rmsprop-centered": lambda: optim.RMSProp(0.01, momentum=0.9, centered=True),
    "adam": lambda: optim.Adam(1e-3),
    "adam-wd": lambda: optim.Adam(1e-2, betas=(0.8, 0.99), weight_decay=0.1),
    "adamw": lambda: optim.AdamW(1e-2),
    "adam-schedule": lambda: optim.Adam(optim.ExponentialDecay(1e-2, 0.9)),
}


def _gradients(rng, count):
    for _ in range(count):
        g = rng.normal(size=N)
        g[::7] = 0.0
        g[1::11] *= 1e-300
        g[2::13] *= 1e150
        yield g


def _run(make, use_jit, monkeypatch):
    monkeypatch.setattr(jit, "MIN_SIZE", 1 if use_jit else 10 ** 12)
    rng = np.random.default_rng(1)
    opt = make()
    x = rng.normal(size=N)
    state = opt.init(x)
    for g in _gradients(rng, 6):
        opt.step(x, g, state)
    return x, state


@pytest.mark.parametrize("name", RULES)
def test_compiled_loop_is_bit_for_bit_the_numpy_update(name, monkeypatch):
    make = RULES[name]
    assert jit.jit_update(make()) is not None, "this rule should compile"
    x_jit, state_jit = _run(make, True, monkeypatch)
    x_np, state_np = _run(make, False, monkeypatch)
    assert np.array_equal(x_jit, x_np, equal_nan=True)
    for key in state_np.buffers:
        assert np.array_equal(state_jit.buffers[key], state_np.buffers[key], equal_nan=True)


def test_rules_with_a_maximum_keep_the_numpy_update():
    assert jit.jit_update(optim.Adam(1e-3, amsgrad=True)) is None


def test_small_vectors_keep_the_numpy_update():
    opt = optim.Adam(1e-3)
    x = np.zeros(10)
    assert opt._array_update([x, x, x, x]) is not opt.__dict__.get("_jit", object())
    assert "_jit" not in opt.__dict__
