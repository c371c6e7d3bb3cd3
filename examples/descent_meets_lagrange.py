"""Decks 000/001: the lecture's Lagrange examples solved by gradient descent on the augmented
Lagrangian, reaching the exact point and multiplier (L = f - lambda g), checked by verify."""

import math

import sympy as sp

import lagropt
from lagropt import optim

x, y = sp.symbols("x y", real=True)
paraboloid = lagropt.maximize(-(x - 2) ** 2 - (y - 1) ** 2 + 10, subject_to=[sp.Eq(x, y)])
p1, p2 = sp.symbols("p1 p2", positive=True)
coin = lagropt.maximize(-p1 * sp.log(p1) - p2 * sp.log(p2), subject_to=[sp.Eq(p1 + p2, 1)])

for name, problem, point, lam in [("paraboloid on x = y", paraboloid, (1.5, 1.5), 1.0),
                                  ("coin entropy", coin, (0.5, 0.5), math.log(2) - 1)]:
    exact = problem.solve()
    r = optim.descend(problem, optimizer=optim.Adam(0.01), tol=1e-9)
    (symbol, value), = r.multipliers.items()
    print(f"{name}: descent x = {r.x}, lambda = {value:.9f} after {r.nit} steps "
          f"({r.nouter} multiplier updates); exact lambda = {exact.multipliers[symbol]}")
    assert r.success
    assert max(abs(a - b) for a, b in zip(r.x, point)) < 1e-8
    assert abs(value - lam) < 1e-7 and abs(value - float(exact.multipliers[symbol])) < 1e-7
    report = lagropt.verify(problem, descent=r)
    print(report)
    assert report.ok
print("checked: descent reaches (3/2, 3/2) with lambda = 1 and (1/2, 1/2) with "
      "lambda = ln 2 - 1, agreeing with the exact solution and scipy")
