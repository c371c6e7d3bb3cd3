"""Deck 002: the linear neuron is linear regression; dL/dw = 0 gives the normal equations
X^T X w = X^T y and w* = (X^T X)^{-1} X^T y. Data as on the slide: y = 0.8 x + 2 + N(0, 1).
Also the MAP view: a N(0, sigma_0^2) prior makes it ridge with lambda = sigma^2 / sigma_0^2."""

import numpy as np
import sympy as sp

from lagropt import regression as rg

form = rg.derive.least_squares()
print(form)                                                  # the derivation, step by step
X, y, w = (form.symbols[k] for k in "Xyw")
assert form.result.rhs == sp.Inverse(X.T * X) * X.T * y

rng = np.random.default_rng(0)
x = rng.uniform(0, 10, 50)
target = 0.8 * x + 2 + rng.normal(size=50)
design = np.column_stack([np.ones(50), x])                  # the lecture's x' = (1, x)
fit = rg.LinearRegression(fit_intercept=False).fit(design, target)
normal = np.linalg.solve(design.T @ design, design.T @ target)   # the derived normal equations
print(f"w* = (b, slope) = {fit.coef_}, normal equations: {normal}")
assert np.allclose(fit.coef_, normal, atol=1e-12)
assert abs(fit.coef_[1] - 0.8) < 0.1 and abs(fit.coef_[0] - 2) < 0.6   # near the truth

with_intercept = rg.LinearRegression().fit(x[:, None], target)
assert np.isclose(with_intercept.intercept_, normal[0]) and np.isclose(with_intercept.coef_[0], normal[1])

prior = rg.derive.gaussian_prior()
print(prior.result)                                           # lambda = sigma**2/sigma_0**2
sigma, sigma0 = prior.symbols["sigma"], prior.symbols["sigma_0"]
assert sp.simplify(prior.result.rhs - sigma ** 2 / sigma0 ** 2) == 0
lam = float(prior.result.rhs.subs({sigma: 1.0, sigma0: 0.5}))    # noise 1, prior width 0.5
ridge = rg.Ridge(alpha=lam).fit(x[:, None], target)
xc, tc = x - x.mean(), target - target.mean()
assert np.isclose(ridge.coef_[0], xc @ tc / (xc @ xc + lam))    # (X^T X + lambda I)^{-1} X^T y
print(f"MAP with sigma = 1, sigma_0 = 0.5: lambda = {lam:g}, slope {ridge.coef_[0]:.4f}")

print("checked: normal equations derived and solved, slope 0.8 and intercept 2 recovered; "
      "MAP = ridge with lambda = sigma^2/sigma_0^2")
