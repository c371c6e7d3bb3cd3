"""Decks 001/003/004: batch, stochastic and mini-batch gradient descent on a linear
regression, L1 and L2 inside the step, and early stopping."""

import numpy as np

import lagropt
from lagropt import losses, optim

rng = np.random.default_rng(0)
m = 400
Xv = rng.normal(size=(m, 4))
truth = np.array([1.5, -2.0, 0.0, 0.3])
yv = Xv @ truth + 0.1 * rng.normal(size=m)
ols = np.linalg.lstsq(Xv, yv, rcond=None)[0]

X, y, beta = losses.regression_symbols()
mse = lagropt.compile(losses.mse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])

batch = optim.minimize(mse, np.zeros(4), optim.GD(0.1), steps=500, tol=1e-10, data=(Xv, yv))
sgd = optim.minimize(mse, np.zeros(4), optim.SGD(optim.InverseTimeDecay(0.02, 0.01)), epochs=5,
                     data=(Xv, yv), batch_size=1, seed=1)
mini = optim.minimize(mse, np.zeros(4), optim.Adam(0.05), epochs=20, data=(Xv, yv),
                      batch_size=32, seed=1)
print(f"batch GD     {batch.nit:5d} updates  |beta - OLS| = {np.abs(batch.x - ols).max():.1e}")
print(f"SGD (B = 1)  {sgd.nit:5d} updates  |beta - OLS| = {np.abs(sgd.x - ols).max():.1e}")
print(f"mini-batch   {mini.nit:5d} updates  |beta - OLS| = {np.abs(mini.x - ols).max():.1e}")
assert np.abs(batch.x - ols).max() < 1e-9
assert sgd.nit == 5 * m and np.abs(sgd.x - ols).max() < 0.05
assert mini.nit == 20 * 13 and np.abs(mini.x - ols).max() < 0.05
again = optim.minimize(mse, np.zeros(4), optim.Adam(0.05), epochs=20, data=(Xv, yv),
                       batch_size=32, seed=1)
assert np.array_equal(again.path, mini.path)                     # the seed fixes the shuffles

# L1 and L2 inside the step (deck 001: x - eps d[y + l1 |x|_1 + l2 |x|^2]/dx)
sub = optim.minimize(mse, np.zeros(4), optim.regularize(optim.GD(0.1), l1=0.2), steps=2000,
                     data=(Xv, yv))
prox = optim.minimize(mse, np.zeros(4), optim.regularize(optim.GD(0.1), l1=0.2, proximal=True),
                      steps=2000, data=(Xv, yv))
ridge = optim.minimize(mse, np.zeros(4), optim.regularize(optim.GD(0.1), l2=0.5), steps=2000,
                       tol=1e-12, data=(Xv, yv))
print("L1 subgradient:", sub.x, "\nL1 proximal:   ", prox.x, "\nL2 (ridge):    ", ridge.x)
assert prox.x[2] == 0.0 and sub.x[2] != 0.0                     # exact zero vs oscillation
# ridge with the mean loss: (X^T X / m + l2 I) beta = X^T y / m
ridge_closed = np.linalg.solve(Xv.T @ Xv / m + 0.5 * np.eye(4), Xv.T @ yv / m)
assert np.allclose(ridge.x, ridge_closed, atol=1e-10)

# early stopping on a validation set
Xval = rng.normal(size=(100, 4))
yval = Xval @ truth + 0.1 * rng.normal(size=100)
early = optim.minimize(mse, np.zeros(4), optim.GD(0.01), steps=5000, data=(Xv, yv),
                       validation=(Xval, yval), patience=20)
print(early.message)
assert early.success and early.val_losses.min() == mse.value(early.x, Xval, yval)
print("checked: batch = OLS, SGD and mini-batch near it and reproducible; proximal L1 gives an "
      "exact zero, ridge its closed form; early stopping keeps the best validation iterate")
