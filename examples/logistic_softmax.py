"""Deck 002: logistic regression minimizes the cross-entropy; its gradient is X^T (yhat - y),
which has no analytical zero, so it is solved numerically. Softmax regression is the
multinomial version with gradient X^T (softmax(X W) - Y)."""

import numpy as np

from lagropt import regression as rg

rng = np.random.default_rng(4)
X = rng.normal(size=(300, 3))
p = 1 / (1 + np.exp(-(X @ np.array([2.0, -1.0, 0.5]) + 0.3)))
labels = (rng.random(300) < p).astype(int)

fit = rg.LogisticRegression(C=np.inf).fit(X, labels)             # the plain cross-entropy
print(fit.objective)
yhat = fit.predict_proba(X)[:, 1]
gradient = X.T @ (yhat - labels)                                 # the lecture's X^T (yhat - y)
print("w =", np.round(fit.coef_[0], 4), "b =", np.round(fit.intercept_[0], 4),
      " X^T(yhat - y) =", gradient)
assert np.abs(gradient).max() < 1e-9 and abs(np.sum(yhat - labels)) < 1e-9
assert fit.score(X, labels) > 0.7

classes = rng.integers(0, 3, 300)
Xk = rng.normal(size=(300, 2)) + np.array([[0, 0], [2, 0], [0, 2]])[classes]
soft = rg.SoftmaxRegression(C=10.0).fit(Xk, classes)
Y = np.eye(3)[classes]
P = soft.predict_proba(Xk)
stationarity = 10.0 * Xk.T @ (P - Y) + soft.coef_.T              # C X^T (softmax - Y) + W
print("softmax accuracy:", soft.score(Xk, classes), " stationarity residual:", np.abs(stationarity).max())
assert np.abs(stationarity).max() < 1e-8 and soft.score(Xk, classes) > 0.6

print("checked: logistic gradient X^T (yhat - y) = 0 at the fit; softmax stationarity "
      "C X^T (softmax - Y) + W = 0")
