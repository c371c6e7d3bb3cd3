"""Every optimizer reaches the known minimum of the standard test functions with the
hyperparameters documented in docs/descent.md ("Converging on the standard test functions")."""

import numpy as np
import pytest
import sympy as sp
from conftest import compiled_mse

from lagropt import optim

x, y = sp.symbols("x y")
FUNCTIONS = {  # name: (f, start, minimum)
    "rosenbrock": ((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, [-1.2, 1.0], [1.0, 1.0]),
    "beale": ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
              + (2.625 - x + x * y ** 3) ** 2, [1.0, 1.0], [3.0, 0.5]),
    "booth": ((x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2, [0.0, 0.0], [1.0, 3.0]),
    "himmelblau": ((x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2, [1.0, 1.0], [3.0, 2.0]),
}
E = optim.ExponentialDecay
# the documented table: optimizer -> (default settings, {function: override})
SETTINGS = {
    "GD": (lambda: optim.GD(1e-3), {"rosenbrock": lambda: optim.GD(1.5e-3),
                                    "beale": lambda: optim.GD(1e-2),
                                    "least-squares": lambda: optim.GD(0.1)}),
    "SGD": (lambda: optim.SGD(1e-3, momentum=0.9, nesterov=True),
            {"least-squares": lambda: optim.SGD(0.05, momentum=0.9, nesterov=True)}),
    "Momentum": (lambda: optim.Momentum(1e-3, 0.9),
                 {"least-squares": lambda: optim.Momentum(0.05, 0.9)}),
    "AdaGrad": (lambda: optim.AdaGrad(0.5), {}),
    "RMSProp": (lambda: optim.RMSProp(E(1e-2, 0.9995)),
                {"least-squares": lambda: optim.RMSProp(E(1e-2, 0.995))}),
    "Adam": (lambda: optim.Adam(0.02), {"least-squares": lambda: optim.Adam(0.05)}),
    "AdamW": (lambda: optim.AdamW(0.02, weight_decay=0.0),
              {"least-squares": lambda: optim.AdamW(0.05, weight_decay=0.0)}),
}
STEPS = 40_000


def make(name, function):
    default, override = SETTINGS[name]
    return override.get(function, default)()


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("name", SETTINGS)
def test_reaches_the_known_minimum(name, function):
    f, start, minimum = FUNCTIONS[function]
    r = optim.minimize(f, start, make(name, function), steps=STEPS, tol=1e-9)
    assert np.abs(r.x - minimum).max() < 1e-6, r.message
    assert r.path.shape == (r.nit + 1, 2) and r.losses.shape == (r.nit + 1,)


@pytest.fixture(scope="module")
def least_squares():
    f = compiled_mse()
    rng = np.random.default_rng(0)
    Xv = rng.normal(size=(50, 5))
    yv = Xv @ rng.normal(size=5) + 0.1 * rng.normal(size=50)
    return f, Xv, yv, np.linalg.lstsq(Xv, yv, rcond=None)[0]


@pytest.mark.parametrize("name", SETTINGS)
def test_random_least_squares_reaches_the_normal_equations(name, least_squares):
    f, Xv, yv, solution = least_squares
    r = optim.minimize(f, np.zeros(5), make(name, "least-squares"), steps=STEPS, tol=1e-9,
                       data=(Xv, yv))
    assert r.success, r.message
    assert np.abs(r.x - solution).max() < 1e-8
