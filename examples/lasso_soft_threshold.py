"""Decks 000 and 004: L1. With a diagonal Hessian (features decorrelated by PCA) the lasso is
the soft threshold sign(theta_i) max(|theta_i| - lambda/H_ii, 0) of least squares; in general
its solution satisfies the subgradient conditions: the data gradient is shifted by -/+ lambda
where beta != 0 ("shifts by -/+ lambda_1") and lies within [-lambda, lambda] where beta = 0."""

import numpy as np
import sympy as sp

from lagropt import regression as rg

form = rg.derive.soft_threshold()
print(form)
t_hat, H, lam = (form.symbols[k] for k in ("thetahat_i", "H_ii", "lambda"))
assert form.result.rhs == sp.sign(t_hat) * sp.Max(sp.Abs(t_hat) - lam / H, 0)

rng = np.random.default_rng(2)
raw = rng.normal(size=(200, 4)) @ rng.normal(size=(4, 4))          # correlated features
raw -= raw.mean(0)
_, _, Vt = np.linalg.svd(raw, full_matrices=False)
X = raw @ Vt.T                                                     # PCA: X^T X is diagonal
y = X @ np.array([1.5, -0.8, 0.2, 0.05]) + 0.3 * rng.normal(size=200)
y -= y.mean()
lam_v = 40.0                    # the lecture's ||Y - X b||^2 + lambda ||b||_1
Hii = 2 * np.diag(X.T @ X)                                         # Hessian of ||Y - X b||^2
theta_ols = X.T @ y / np.diag(X.T @ X)
soft = np.sign(theta_ols) * np.maximum(np.abs(theta_ols) - lam_v / Hii, 0)
fit = rg.LectureElasticNet(lam=lam_v, alpha=1.0, fit_intercept=False).fit(X, y)
print("least squares:", np.round(theta_ols, 4))
print("soft threshold:", np.round(soft, 4), " lasso fit:", np.round(fit.coef_, 4))
assert np.allclose(fit.coef_, soft, atol=1e-10) and np.any(soft == 0)

# the same objective in scikit-learn's scaling: alpha = lambda / (2m)
sk_form = rg.Lasso(alpha=lam_v / (2 * len(y)), fit_intercept=False).fit(X, y)
assert np.allclose(sk_form.coef_, fit.coef_, atol=1e-10)

# correlated features: no closed form, but the subgradient conditions hold at the solution
raw_y = raw @ np.array([1.0, 0.0, -2.0, 0.0]) + rng.normal(size=200)
lasso = rg.LectureElasticNet(lam=100.0, alpha=1.0).fit(raw, raw_y)
b = lasso.coef_
data_gradient = -2 * raw.T @ (raw_y - raw_y.mean() - raw @ b)      # dL'/dbeta, L' = ||Y - X b||^2
print("beta:", np.round(b, 4), " dL'/dbeta:", np.round(data_gradient, 4))
assert np.allclose(data_gradient[b != 0], -100.0 * np.sign(b[b != 0]), atol=1e-8)
assert np.all(np.abs(data_gradient[b == 0]) <= 100.0 + 1e-8)

print("checked: soft threshold sign(theta) max(|theta| - lambda/H_ii, 0) on a diagonal Hessian; "
      "dL'/dbeta = -/+ lambda_1 where beta != 0, within [-lambda_1, lambda_1] where beta = 0")
