"""Deck 004: a penalty is a constraint J(theta) <= k in disguise. For ridge, minimizing
||y - X b||^2 subject to ||b||^2 <= k with lagropt's exact KKT solver gives the multiplier
mu = lambda of the penalty that reproduces the same b; the maps lambda -> k and k -> lambda
close the loop. Deck 000's lambda max(0, -beta) is an exact penalty for b >= 0 once lambda
exceeds the bound's multipliers."""

import numpy as np
import sympy as sp

from lagropt import regression as rg

print(rg.derive.penalty_constraint())

X = sp.Matrix([[1, 2], [3, 1], [0, 1], [2, 2]])
y = sp.Matrix([3, 1, 2, 4])
lam = sp.Rational(1, 2)
k = rg.ridge_radius(X, y, lam)                 # lambda -> k, exact
problem = rg.ridge_constrained(X, y, k)
print(problem)
solution = problem.solve()
(point,) = solution.optimum
print("constrained minimizer:", point.x, " multiplier:", point.multipliers)
assert solution.status == "optimal" and list(point.multipliers.values()) == [lam]
Xn, yn = np.array(X, dtype=float), np.array(y, dtype=float).ravel()
ridge = rg.Ridge(alpha=float(lam)).fit(Xn, yn)
assert np.allclose([float(v) for v in point.x.values()], ridge.coef_, atol=1e-12)
assert abs(rg.ridge_penalty(Xn, yn, float(k)) - float(lam)) < 1e-10   # k -> lambda

alpha = 0.1                                                            # the lasso, both ways
radius = rg.lasso_radius(Xn, yn, alpha)
print(f"lasso: alpha = {alpha} -> k = {radius:.6f} -> alpha = {rg.lasso_penalty(Xn, yn, radius):.10f}")
assert abs(rg.lasso_penalty(Xn, yn, radius) - alpha) < 1e-9

rng = np.random.default_rng(3)
A = rng.normal(size=(40, 4))
b = A @ np.array([1.0, -1.0, 2.0, -0.5]) + 0.1 * rng.normal(size=40)
bound = rg.NonNegative().fit(A, b)
print("b >= 0:", np.round(bound.coef_, 4), " multipliers mu_j:", np.round(bound.multipliers_, 4))
exact = rg.NonNegative(lam=1.5 * bound.multipliers_.max()).fit(A, b)
weak = rg.NonNegative(lam=0.2 * bound.multipliers_.max()).fit(A, b)
assert np.allclose(exact.coef_, bound.coef_, atol=1e-10) and weak.coef_.min() < 0
print("penalty above max mu reproduces the bound; below it:", np.round(weak.coef_, 4))

print("checked: ridge KKT multiplier = lambda exactly, same beta; lambda <-> k maps for ridge and "
      "lasso; max(0, -beta) penalty exact above the largest multiplier")
