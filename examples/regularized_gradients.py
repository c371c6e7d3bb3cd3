"""Decks 000, 001, 002: the gradients of the lecture's penalized losses, compiled from SymPy.

* deck 000: d/dbeta [||Y - X beta||^2 + lambda_1 ||beta||_1] = dL'/dbeta + lambda_1 sign(beta)
  ("shifts by -+lambda_1"), d/dbeta [... + lambda_2 ||beta||^2] = dL'/dbeta + 2 lambda_2 beta,
  and lambda max(0, -beta) penalizing negative beta;
* deck 002: the cross-entropy of logistic regression has gradient X^T (yhat - y);
* deck 001: gradients checked by central differences (y(x + h) - y(x - h)) / 2h.
"""

import numpy as np

import lagropt
from lagropt import losses, penalties

rng = np.random.default_rng(0)
m, n = 500, 4
Xv = rng.normal(size=(m, n))
yv = Xv @ np.array([1.0, -2.0, 0.0, 0.5]) + 0.1 * rng.normal(size=m)
b = np.array([0.8, -1.5, 0.0, -0.3])
lam1, lam2, lam = 0.5, 0.25, 2.0

X, y, beta = losses.regression_symbols()
data_term = losses.least_squares(X, y, beta)                 # ||Y - X beta||^2
f = lagropt.compile(data_term + penalties.l1(beta, lam1) + penalties.l2(beta, lam2)
                    + penalties.positivity(beta, lam), wrt=beta, data=[X, y])
plain = lagropt.compile(data_term, wrt=beta, data=[X, y])
print(f.expr)

shift = f.grad(b, Xv, yv) - plain.grad(b, Xv, yv)
print("gradient shift by the penalties:", shift)
expected = lam1 * np.sign(b) + 2 * lam2 * b - lam * (b < 0)
assert np.allclose(shift, expected)                          # sign(0) = 0: no shift at beta = 0
assert np.allclose(plain.grad(b, Xv, yv), -2 * Xv.T @ (yv - Xv @ b))
print(lagropt.check_grad(f, b + 0.01, (Xv, yv)))
assert lagropt.check_grad(f, b + 0.01, (Xv, yv)).ok

labels = (rng.random(m) < 1 / (1 + np.exp(-Xv @ b))).astype(float)
logistic = lagropt.compile(losses.logistic_loss(X, y, beta, "sum"), wrt=beta, data=[X, y])
yhat = 1 / (1 + np.exp(-Xv @ b))
print("logistic gradient:", logistic.grad(b, Xv, labels))
assert np.allclose(logistic.grad(b, Xv, labels), Xv.T @ (yhat - labels))
assert lagropt.check_grad(logistic, b, (Xv, labels)).ok

print("checked: L1 shifts by lambda_1 sign(beta), L2 by 2 lambda_2 beta, max(0, -beta) by "
      "-lambda for beta < 0; logistic gradient X^T (yhat - y); central differences agree")
