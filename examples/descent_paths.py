"""Decks 001/003: vanilla gradient descent with central differences, the learning-rate
schedule eps0/(1 + kappa t), and the paths of GD, momentum, AdaGrad, RMSProp and Adam on one
surface (the data of the lecture's comparison picture)."""

import numpy as np
import sympy as sp

from lagropt import optim

# vanilla GD, x(t+1) = x(t) - eps dy/dx, with the lecture's central-difference gradient
y = lambda v: float((v[0] - 3) ** 2 + 1)  # noqa: E731
r = optim.minimize(y, [-2.0], optim.GD(0.1), steps=100, grad="central", tol=1e-8)
print(f"vanilla GD with central differences: x = {r.x[0]:.10f} after {r.nit} steps")
assert abs(r.x[0] - 3) < 1e-8
# each step is exactly x - 0.1 * 2 (x - 3): the distance to 3 shrinks by 0.8 per step
assert np.allclose(r.path[:5, 0] - 3, -5 * 0.8 ** np.arange(5), rtol=1e-8)

# the learning rate as a function of t: eps(t) = eps0 / (1 + kappa t), t = 0 on the first step
schedule = optim.InverseTimeDecay(0.5, kappa=0.1)
print("eps(t) for t = 0..4:", schedule.sequence(5))
assert np.allclose(schedule.sequence(3), [0.5, 0.5 / 1.1, 0.5 / 1.2])

# one surface, five methods (an elongated valley, where the methods differ visibly)
a, b = sp.symbols("a b")
valley = 0.1 * a ** 2 + 2 * b ** 2
methods = {
    "gradient descent": optim.GD(0.2),
    "momentum": optim.Momentum(0.2, beta=0.9),
    "AdaGrad": optim.AdaGrad(1.0),
    "RMSProp": optim.RMSProp(optim.ExponentialDecay(0.1, 0.98)),
    "Adam": optim.Adam(0.3),
}
paths = {}
for name, opt in methods.items():
    res = optim.minimize(valley, [-4.0, 1.0], opt, steps=300)
    paths[name] = res.path
    print(f"{name:17s} end {np.round(res.x, 6)}  loss {res.fun:.2e}  first steps "
          f"{np.round(res.path[1:3], 3).tolist()}")
    # a fixed budget of 300 steps (no tol): success stays False, the loss tells how far it got
    assert res.status == 1 and res.fun < 1e-3
# momentum reaches further along the flat direction than plain GD in the same 20 steps
assert abs(paths["momentum"][20, 0]) < abs(paths["gradient descent"][20, 0])
# AdaGrad and Adam normalise each coordinate: their first step is the same size in a and b
for name in ("AdaGrad", "Adam"):
    step = np.abs(paths[name][1] - paths[name][0])
    assert np.isclose(step[0], step[1], rtol=1e-6)
print("checked: central-difference GD converges geometrically; eps0/(1 + kappa t); five paths")
