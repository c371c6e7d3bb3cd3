"""Deck 004: weight decay. A gradient step on R_emp + lambda/2 ||theta||^2 is
theta (1 - alpha lambda) - alpha grad R_emp; near the minimizer ridge rescales theta_hat along
the Hessian's eigenvectors by sigma_i / (sigma_i + lambda). And the lecture's picture: the
training loss grows with lambda, the validation loss is lowest in between."""

import numpy as np
import sympy as sp

from lagropt import regression as rg

decay = rg.derive.weight_decay()
print(decay.result)
theta, alpha, lam = (decay.symbols[k] for k in ("theta", "alpha", "lambda"))
grad = sp.Derivative(sp.Function("R_emp")(theta), theta)
assert sp.simplify(decay.result.rhs - (theta * (1 - alpha * lam) - alpha * grad)) == 0

rescaling = rg.derive.eigen_rescaling()
print(rescaling)
s = rescaling.symbols
assert sp.simplify(s["factor"] - s["sigma_i"] / (s["sigma_i"] + s["lambda"])) == 0

rng = np.random.default_rng(1)
X = rng.normal(size=(80, 5)) * np.array([3.0, 1.0, 0.3, 0.1, 2.0])   # very different curvatures
y = X @ np.array([1.0, -2.0, 3.0, 1.0, 0.5]) + rng.normal(size=80)
H = X.T @ X                                   # Hessian of R_emp = ||y - X theta||^2 / 2
theta_hat = np.linalg.solve(H, X.T @ y)
sig, Q = np.linalg.eigh(H)
ridge = rg.Ridge(alpha=5.0, fit_intercept=False).fit(X, y).coef_
print("eigenvalues of H:", np.round(sig, 2))
print("factors sigma/(sigma + lambda):", np.round(sig / (sig + 5.0), 3))
assert np.allclose(ridge, Q @ (sig / (sig + 5.0) * (Q.T @ theta_hat)), atol=1e-10)

# one explicit gradient step: theta(1 - alpha lambda) - alpha grad R_emp
step, lam_v, t0 = 1e-3, 5.0, rng.normal(size=5)
grad_r = -X.T @ (y - X @ t0)
assert np.allclose(t0 - step * (grad_r + lam_v * t0), t0 * (1 - step * lam_v) - step * grad_r)

x = rng.uniform(-3, 3, 30)
features = lambda t: np.column_stack([(t / 3) ** k for k in range(1, 13)])   # noqa: E731
target = 0.8 * x + 2 + rng.normal(size=30)
xv = rng.uniform(-3, 3, 300)
curve = rg.validation_curve(rg.Ridge(), features(x), target, features(xv),
                            0.8 * xv + 2 + rng.normal(size=300), np.geomspace(1e3, 1e-8, 40))
best = int(np.argmin(curve.validation))
print(f"best lambda {curve.best:.3g}: validation MSE {curve.validation[best]:.3f} "
      f"(lambda -> 0: {curve.validation[-1]:.3f}, lambda = 1e3: {curve.validation[0]:.3f})")
assert np.all(np.diff(curve.train) <= 1e-12) and 0 < best < len(curve.values) - 1

print("checked: weight decay theta(1 - alpha lambda) - alpha grad R, eigen-rescaling "
      "sigma/(sigma + lambda), training loss rising with lambda and validation lowest in between")
