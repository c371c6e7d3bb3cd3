"""The tour's sections, one per part of the lecture notes.

Each section solves its examples with lagropt, adds the derivations and figures to the notes,
and records what it checked as report rows: exactly (or by a closed form), by gradient descent,
and by scipy.optimize.
"""

from __future__ import annotations

import numpy as np
import scipy.optimize as so
import sympy as sp

from .. import optim, plot
from ..verification import verify

__all__ = ["lagrange", "maxent", "descent", "regularization", "logistic", "backprop",
           "multipliers", "SECTIONS"]

# the documented settings under which each rule reaches Rosenbrock's minimum (docs/descent.md)
ROSENBROCK_RUNS = {"gd": lambda: optim.GD(1.5e-3),
                   "momentum": lambda: optim.Momentum(1e-3, 0.9),
                   "adagrad": lambda: optim.AdaGrad(0.5),
                   "rmsprop": lambda: optim.RMSProp(optim.ExponentialDecay(1e-2, 0.9995)),
                   "adam": lambda: optim.Adam(0.02)}


def _f(v) -> float:
    return float(sp.N(v, 20))


def decks(numbers: str) -> str:
    """The lecture's decks as the notes cite them: "001" -> "deck 001", "000/001" -> "decks
    000 and 001"."""
    parts = numbers.split("/")
    if len(parts) == 1:
        return f"deck {parts[0]}"
    return "decks " + ", ".join(parts[:-1]) + f" and {parts[-1]}"


# -- decks 000 and 001: Lagrange multipliers ------------------------------------------------------

def lagrange(tour) -> None:
    """The lecture's Lagrange examples: exact, augmented-Lagrangian descent and SLSQP."""
    tour.section("Lagrange multipliers", "The paraboloid on x = y, the coin, the flat "
                 "distribution over I states and the Boltzmann distribution, each solved "
                 "exactly, by gradient descent on the augmented Lagrangian, and by SLSQP "
                 "(decks 000 and 001).")
    from .. import tour as package            # looked up at call time: tests may narrow it

    for ex in package.lecture_examples():
        sol = ex.problem.solve()
        report = verify(ex.problem, sol, subs=ex.subs)
        run = optim.descend(ex.problem, subs=ex.subs or None, steps=20000, tol=1e-10)
        tour.heading(ex.title)
        tour.notes.text(f"From the lecture, {decks(ex.source.split(':')[0])}.")
        tour.notes.add(ex.problem)
        tour.notes.add(sol)
        found = {str(k): float(v) for k, v in run.point.items()}
        found.update({str(k): float(v) for k, v in getattr(run, "multipliers", {}).items()})
        found["f"] = float(run.fun)
        for r in report.rows:
            tour.row("lagrange", ex.name, r.quantity, exact=r.exact, scipy=r.numeric,
                     descent=found.get(r.quantity), tol=1e-6,
                     note=sol.status if r.quantity == "f" else "")
        if ex.name in ("paraboloid-on-line", "coin-normalised"):
            tour.figure(f"lagrange-{ex.name}", plot.lagrange(sol),
                        f"{ex.title}: grad f and grad g are parallel at the optimum.")


# -- deck 000: maximum entropy and the Boltzmann distribution --------------------------------------

def maxent(tour) -> None:
    """The lecture's derivation for a symbolic number of states, and the numbers: Jaynes' dice
    three ways, Z -> I as T -> oo, and the Boltzmann form as softmax(-beta eps)."""
    from .. import statmech

    tour.section("Maximum entropy and the Boltzmann distribution", "The entropy with the "
                 "normalisation alone gives the flat distribution p_i = 1/I; with a fixed mean "
                 "energy it gives the Boltzmann distribution with its partition function Z and "
                 "lambda_2 = 1/(k T), and Z -> I as T -> oo (deck 000).")
    I = sp.Symbol("I", integer=True, positive=True)
    tour.heading("Maximum entropy over I states")
    tour.notes.add(statmech.boltzmann(I, mean_energy=False).derivation)
    tour.heading("The Boltzmann distribution")
    tour.notes.add(statmech.boltzmann(I).derivation)
    _dice(tour, statmech)
    levels = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    system = statmech.Canonical(list(levels))
    tour.row("maxent", "T -> oo (5 levels)", "Z(beta = 1e-9)", exact=float(len(levels)),
             scipy=float(system.Z(1e-9)), tol=1e-7, note="Z -> I")
    beta = 0.7
    p = np.asarray(system.p(beta), dtype=float)
    tour.row("maxent", "softmax layer", "max |p - softmax(-beta eps)|", exact=0.0,
             scipy=float(np.abs(p - statmech.softmax(-beta * levels)).max()), tol=1e-15,
             note="the Boltzmann form is softmax(-beta eps)")
    tour.figure("boltzmann-temperatures", plot.boltzmann(levels),
                "The Boltzmann distribution across temperatures: the ground state when cold, "
                "flat (p_i -> 1/I) when hot.")


def _dice(tour, statmech) -> None:
    """Jaynes' Brandeis dice: faces 1..6 with mean 4.5. beta exactly (the mean equation is a
    polynomial in w = e^{-beta}), by gradient descent on the convex dual ln Z(beta) + beta m,
    and from SLSQP's maximum-entropy distribution (beta = -slope of ln p_i against x_i)."""
    x = np.arange(1.0, 7.0)
    mean = 4.5
    result = statmech.maxent(list(range(1, 7)), mean=sp.Rational(9, 2))
    exact_beta = _f(result.exact.beta)
    dual = lambda b: float(statmech.logsumexp(-b[0] * x) + b[0] * mean)  # noqa: E731
    dual_grad = lambda b: np.array([mean - statmech.softmax(-b[0] * x) @ x])  # noqa: E731
    run = optim.minimize(dual, [0.0], optim.GD(0.3), grad=dual_grad, steps=5000, tol=1e-13)
    neg_entropy = lambda p: float(np.sum(p * np.log(p)))  # noqa: E731
    cons = [{"type": "eq", "fun": lambda p: p.sum() - 1}, {"type": "eq", "fun": lambda p: p @ x - mean}]
    ref = so.minimize(neg_entropy, np.full(6, 1 / 6), jac=lambda p: np.log(p) + 1, method="SLSQP",
                      constraints=cons, bounds=[(1e-12, 1)] * 6, options={"ftol": 1e-15, "maxiter": 500})
    slope = np.polyfit(x, np.log(ref.x), 1)[0]
    tour.row("maxent", "Brandeis dice, mean 4.5", "beta", exact=exact_beta, descent=float(run.x[0]),
             scipy=float(-slope), tol=1e-6, note="beta = -ln w, w a root of a quintic")
    tour.row("maxent", "Brandeis dice, mean 4.5", "p_6", exact=_f(result.exact.p[-1]),
             descent=float(statmech.softmax(-run.x[0] * x)[-1]), scipy=float(ref.x[-1]), tol=1e-6)
    tour.row("maxent", "Brandeis dice, mean 4.5", "S", exact=_f(result.exact.entropy),
             descent=float(result.entropy), scipy=float(-ref.fun), tol=1e-6,
             note="descent column: maxent's Newton on the dual")


# -- decks 001 and 003: gradient descent ------------------------------------------------------------

def descent(tour) -> None:
    """Vanilla GD with central differences; GD, momentum, AdaGrad, RMSProp and Adam on
    Rosenbrock; mini-batch SGD on least squares."""
    tour.section("Gradient descent", "The step x(t+1) = x(t) - eps dy/dx with the lecture's "
                 "central differences, the learning-rate schedule eps0/(1 + kappa t), momentum, "
                 "AdaGrad, RMSProp and Adam, and stochastic mini-batch descent (decks 001 and "
                 "003).")
    x, y = sp.symbols("x y", real=True)
    # the lecture's first example: the paraboloid's maximum by descent on -f, central differences
    paraboloid = -(x - 2) ** 2 - (y - 1) ** 2 + 10
    from .examples import lecture_examples

    exact = lecture_examples()[0].problem.solve()
    loss = sp.lambdify([(x, y)], -paraboloid)          # a plain function: no exact gradient
    run = optim.minimize(loss, [0.0, 0.0], optim.GD(optim.InverseTimeDecay(0.4, 1e-3)),
                         steps=2000, grad="central", tol=1e-9)
    ref = so.minimize(loss, [0.0, 0.0], method="BFGS", tol=1e-12)
    for k, v in enumerate((x, y)):
        tour.row("descent", "paraboloid, central differences", str(v), exact=_f(exact.x[v]),
                 descent=float(run.x[k]), scipy=float(ref.x[k]), tol=1e-6,
                 note="GD with eps0/(1 + kappa t)")
    # Rosenbrock: the lecture's comparison picture
    rosen = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    minimum = sp.solve([sp.diff(rosen, x), sp.diff(rosen, y)], [x, y], dict=True)
    (at,) = [m for m in minimum if all(v.is_real for v in m.values())]
    f_np = sp.lambdify([(x, y)], rosen)
    g_np = sp.lambdify([(x, y)], [sp.diff(rosen, x), sp.diff(rosen, y)])
    ref = so.minimize(f_np, [-1.2, 1.0], jac=lambda z: np.array(g_np(z)), method="BFGS", tol=1e-12)
    runs = {}
    for name, make in ROSENBROCK_RUNS.items():
        runs[name] = optim.minimize(rosen, [-1.2, 1.0], make(), steps=40000, tol=1e-9, wrt=[x, y])
        for k, v in enumerate((x, y)):
            tour.row("descent", f"Rosenbrock, {name}", str(v), exact=_f(at[v]),
                     descent=float(runs[name].x[k]), scipy=float(ref.x[k]), tol=1e-5,
                     note=f"{runs[name].nit} steps")
    shown = {name: r.path[: min(len(r.path), 3000)] for name, r in runs.items()}
    tour.figure("descent-paths", plot.paths(rosen, shown, variables=[x, y]),
                "GD (orange, dashed), momentum (magenta), AdaGrad (black, dotted), RMSProp "
                "(green, dash-dotted) and Adam (blue) on "
                "Rosenbrock from (-1.2, 1), the first 3000 steps (the lecture's picture).")
    tour.figure("descent-losses", plot.losses({k: r.losses for k, r in runs.items()}),
                "Loss against the step for the same runs.")
    _minibatch(tour)


def _minibatch(tour) -> None:
    """Mini-batch SGD on least squares against the normal equations and scipy."""
    import lagropt
    from lagropt import losses

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y_data = X @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.normal(size=400)
    Xs, ys, beta = losses.regression_symbols()
    mse = lagropt.compile(losses.mse(ys, losses.linear(Xs, beta)), wrt=beta, data=[Xs, ys])
    closed = np.linalg.lstsq(X, y_data, rcond=None)[0]
    run = optim.minimize(mse, np.zeros(3), optim.SGD(optim.InverseTimeDecay(0.1, 0.05)),
                         data=(X, y_data), batch_size=20, epochs=60, seed=0)
    ref = so.minimize(lambda b: mse.value(b, X, y_data), np.zeros(3),
                      jac=lambda b: mse.grad(b, X, y_data), method="BFGS", tol=1e-12)
    for k in range(3):
        tour.row("descent", "least squares, mini-batch SGD", f"beta_{k + 1}", exact=float(closed[k]),
                 descent=float(run.x[k]), scipy=float(ref.x[k]), tol=1e-4,
                 note="batch 20, SGD with eps0/(1 + kappa t) (stochastic: tol 1e-4)")


# -- decks 000, 002, 004: regularization -----------------------------------------------------------

def regularization(tour) -> None:
    """Closed forms derived, ridge and lasso three ways, the rescaling, the soft threshold,
    penalty <=> constraint, and the paths."""
    from .. import regression as rg

    tour.section("Regularization", "Least squares and ridge derived from the gradient, L2 as a "
                 "Gaussian prior, ridge as rescaling along the Hessian's eigenvectors, L1 as a "
                 "soft threshold, and a penalty as a constraint in disguise (decks 000, 002 and "
                 "004).")
    for form in (rg.derive.least_squares(), rg.derive.ridge(), rg.derive.gaussian_prior(),
                 rg.derive.eigen_rescaling(), rg.derive.soft_threshold(), rg.derive.weight_decay(),
                 rg.derive.penalty_constraint()):
        tour.notes.add(form.derivation)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6))
    X -= X.mean(axis=0)
    y = X @ np.array([2.0, -1.0, 0.0, 0.5, 0.0, 0.0]) + 0.5 * rng.normal(size=200)
    y -= y.mean()
    _ridge_three_ways(tour, rg, X, y, lam=25.0)
    _lasso_three_ways(tour, rg, X, y, lam=150.0)
    _penalty_constraint(tour, rg)
    tour.figure("lasso-path", plot.coefficient_path(rg.lasso_path(X, y)),
                "The lasso path on scikit-learn's grid: from all zeros at alpha_max, coefficients "
                "enter one after another.")
    tour.figure("ridge-path", plot.coefficient_path(rg.ridge_path(X, y, np.geomspace(1e-1, 1e5, 60))),
                "The ridge path: every coefficient shrinks by sigma_i/(sigma_i + lambda), none "
                "reaches zero.")
    tour.figure("penalty-regions", plot.penalty_regions(),
                "L1 meets the loss at a corner (an exact zero), L2 does not (deck 004).")
    # more features than a small training set supports: the validation loss is U-shaped
    A = rng.normal(size=(140, 30))
    b = A[:, :3] @ np.array([3.0, -2.0, 1.0]) + 2.0 * rng.normal(size=140)
    curve = rg.validation_curve(rg.Ridge(), A[:40], b[:40], A[40:], b[40:], np.geomspace(1e-2, 1e4, 40))
    tour.figure("weight-decay", plot.loss_curve(curve),
                "Training and validation loss against the penalty: too little penalty overfits, "
                "too much underfits (the weight-decay picture of deck 004).")


def _ridge_three_ways(tour, rg, X, y, lam) -> None:
    """||y - X w||^2 + lam ||w||^2: Cholesky, descent with the L2 gradient in the step, BFGS."""
    closed = rg.Ridge(alpha=lam, fit_intercept=False).fit(X, y).coef_
    loss = lambda w: float(np.sum((y - X @ w) ** 2) + lam * w @ w)  # noqa: E731
    grad = lambda w: -2 * X.T @ (y - X @ w) + 2 * lam * w  # noqa: E731
    run = optim.minimize(loss, np.zeros(X.shape[1]), optim.Adam(0.05), grad=grad, steps=40000,
                         tol=1e-8)
    ref = so.minimize(loss, np.zeros(X.shape[1]), jac=grad, method="BFGS", tol=1e-12)
    for k in range(X.shape[1]):
        tour.row("regularization", f"ridge, lambda = {lam:g}", f"w_{k + 1}", exact=float(closed[k]),
                 descent=float(run.x[k]), scipy=float(ref.x[k]), tol=1e-6,
                 note="Cholesky / Adam / BFGS")
    # deck 004: the same coefficients from the eigen-rescaling sigma_i / (sigma_i + lambda)
    path = rg.ridge_path(X, y, [lam], fit_intercept=False)
    direct = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    tour.row("regularization", "ridge as eigen-rescaling", "max |w|", exact=float(np.abs(path.coefs[:, 0]).max()),
             scipy=float(np.abs(direct).max()), tol=1e-10,
             note="sigma_i/(sigma_i + lambda) on the OLS solution vs a direct solve")


def _lasso_three_ways(tour, rg, X, y, lam) -> None:
    """The lecture's ||y - X w||^2 + lam ||w||_1: the exact active-set solution, proximal
    descent (soft threshold in the step), and L-BFGS-B on w = u - v with u, v >= 0."""
    fit = rg.LectureElasticNet(lam=lam, alpha=1.0, fit_intercept=False).fit(X, y)
    smooth = lambda w: float(np.sum((y - X @ w) ** 2))  # noqa: E731
    smooth_grad = lambda w: -2 * X.T @ (y - X @ w)  # noqa: E731
    step = 1.0 / (2 * np.linalg.eigvalsh(X.T @ X).max())
    run = optim.minimize(smooth, np.zeros(X.shape[1]),
                         optim.regularize(optim.GD(step), l1=lam, proximal=True),
                         grad=smooth_grad, steps=20000)
    n = X.shape[1]
    split = lambda z: smooth(z[:n] - z[n:]) + lam * z.sum()  # noqa: E731
    split_grad = lambda z: np.concatenate([smooth_grad(z[:n] - z[n:]), -smooth_grad(z[:n] - z[n:])]) + lam  # noqa: E731
    ref = so.minimize(split, np.zeros(2 * n), jac=split_grad, method="L-BFGS-B",
                      bounds=[(0, None)] * (2 * n), options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 20000})
    w_ref = ref.x[:n] - ref.x[n:]
    for k in range(n):
        tour.row("regularization", f"lasso, lambda = {lam:g}", f"w_{k + 1}", exact=float(fit.coef_[k]),
                 descent=float(run.x[k]), scipy=float(w_ref[k]), tol=1e-5,
                 note="zero" if fit.coef_[k] == 0 else "")
    # deck 004: with a diagonal Hessian the lasso is the soft threshold of least squares
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    Z = X @ Vt.T
    H = 2 * np.diag(Z.T @ Z)
    theta = Z.T @ y / np.diag(Z.T @ Z)
    soft = np.sign(theta) * np.maximum(np.abs(theta) - lam / H, 0)
    on_z = rg.LectureElasticNet(lam=lam, alpha=1.0, fit_intercept=False).fit(Z, y).coef_
    tour.row("regularization", "soft threshold (diagonal Hessian)", "max |w - soft|",
             exact=0.0, scipy=float(np.abs(on_z - soft).max()), tol=1e-8,
             note="sign(theta) max(|theta| - lambda/H_ii, 0)")


def _penalty_constraint(tour, rg) -> None:
    """Ridge's penalty lambda is the KKT multiplier of ||w||^2 <= k (exactly, by the solver)."""
    X = sp.Matrix([[1, 2], [3, 1], [0, 1], [2, 2]])
    y = sp.Matrix([3, 1, 2, 4])
    lam = sp.Rational(1, 2)
    k = rg.ridge_radius(X, y, lam)
    sol = rg.ridge_constrained(X, y, k).solve()
    (point,) = sol.optimum
    (mu,) = point.multipliers.values()
    lam_back = rg.ridge_penalty(np.array(X, dtype=float), np.array(y, dtype=float).ravel(), float(k))
    tour.row("regularization", "penalty <=> constraint", "mu = lambda", exact=_f(mu),
             scipy=float(lam_back), tol=1e-9, note=f"exact mu = {mu}; k -> lambda numerically")
    tour.heading("Penalty and constraint")
    tour.notes.add(sol)


# -- deck 002: logistic regression -------------------------------------------------------------

def logistic(tour) -> None:
    """The gradient X^T (yhat - y), and the fit three ways."""
    import lagropt
    from lagropt import losses
    from .. import regression as rg

    tour.section("Logistic regression", "The cross-entropy of a sigmoid neuron, its gradient "
                 "X^T (yhat - y), and the maximum-likelihood fit (deck 002).")
    rng = np.random.default_rng(1)
    X = np.c_[np.ones(300), rng.normal(size=(300, 2))]
    p = 1 / (1 + np.exp(-(X @ np.array([0.3, 1.5, -2.0]))))
    y = (rng.random(300) < p).astype(float)
    Xs, ys, w = losses.regression_symbols()
    ce = lagropt.compile(losses.logistic_loss(Xs, ys, w, reduction="sum"), wrt=w, data=[Xs, ys])
    w0 = np.array([0.1, -0.2, 0.3])
    lecture = X.T @ (1 / (1 + np.exp(-X @ w0)) - y)
    tour.row("logistic", "gradient", "max |grad|", exact=float(np.abs(lecture).max()),
             scipy=float(np.abs(ce.grad(w0, X, y)).max()), tol=1e-12,
             note="X^T (yhat - y) vs the compiled SymPy gradient")
    fit = rg.LogisticRegression(C=np.inf, fit_intercept=False).fit(X, y)
    run = optim.minimize(ce, np.zeros(3), optim.Adam(0.05), data=(X, y), steps=20000, tol=1e-9)
    ref = so.minimize(lambda v: ce.value(v, X, y), np.zeros(3), jac=lambda v: ce.grad(v, X, y),
                      method="BFGS", tol=1e-12)
    for k in range(3):
        tour.row("logistic", "maximum likelihood", f"w_{k}", exact=float(fit.coef_.ravel()[k]),
                 descent=float(run.x[k]), scipy=float(ref.x[k]), tol=1e-6,
                 note="Newton (exact Hessian) / Adam / BFGS")
    tour.figure("logistic-loss", plot.losses({"adam": run.losses}),
                "Cross-entropy against the step (Adam).")


def _spiral(points: int, classes: int, seed: int):
    """The classic toy of a hidden layer's use: ``classes`` interleaved noisy spiral arms in the
    plane, ``points`` per arm (no straight line separates them)."""
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.05, 1.0, points), classes)
    labels = np.repeat(np.arange(classes), points)
    angle = 4.0 * radius + labels * 2 * np.pi / classes + 0.2 * rng.normal(size=radius.size)
    return np.c_[radius * np.sin(angle), radius * np.cos(angle)], labels


def backprop(tour) -> None:
    """Deck 002's modules: the messages derived, backpropagation checked three ways, softmax
    regression as modules, and a hidden ReLU layer with and without dropout."""
    from .. import nn
    from ..regression import SoftmaxRegression

    tour.section("Backpropagation", "Each module states its forward message; its backward and "
                 "parameter messages are derived by SymPy and compiled to NumPy, and the deltas "
                 "carry the loss's sensitivity back through the network (deck 002).")
    for module in (nn.Linear(2, 2), nn.ReLU(), nn.SoftmaxCrossEntropy()):
        tour.notes.add(nn.messages(module))
    tour.notes.add(nn.xavier_variance())
    X, labels = _spiral(100, 3, seed=0)
    Y = nn.one_hot(labels)
    net = nn.Network([nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3)], nn.SoftmaxCrossEntropy())
    theta = net.init(seed=0)
    tour.row("backprop", "2-16-3 relu network", "|dL/dtheta|",
             exact=float(np.linalg.norm(net.compiled().grad(theta, X, Y))),
             descent=float(np.linalg.norm(net.grad(theta, X, Y))),
             scipy=float(np.linalg.norm(so.approx_fprime(theta, lambda t: net.value(t, X, Y),
                                                         1e-7))),
             tol=1e-6, note="whole network as one SymPy expression / backprop / approx_fprime")
    _softmax_as_modules(tour, nn, SoftmaxRegression, X, labels)
    _dropout_curves(tour, nn, X, Y)


def _softmax_as_modules(tour, nn, SoftmaxRegression, X, labels) -> None:
    """Linear + SoftmaxCrossEntropy is softmax regression: C sum CE + ||W||^2 / 2 has the
    minimizer of mean CE + ||W||^2 / (2 C m)."""
    Y, m = nn.one_hot(labels), len(X)
    fit = SoftmaxRegression(C=1.0).fit(X, labels)
    net = nn.Network([nn.Linear(2, 3)], nn.SoftmaxCrossEntropy())
    l2, mask = 1 / (2 * m), net.weight_mask()
    rule = optim.regularize(optim.SGD(0.5, momentum=0.9, nesterov=True), l2=l2, mask=mask)
    run = nn.train(net, X, Y, rule, epochs=1500, batch_size=m, seed=0)

    def penalized(t):
        value, grad = net.value_and_grad(t, X, Y)
        return value + l2 * np.sum(t[mask] ** 2), grad + 2 * l2 * np.where(mask, t, 0.0)
    ref = so.minimize(penalized, np.zeros(net.size), jac=True, method="L-BFGS-B",
                      options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000})
    (W, _), = net.unpack(run.theta)
    (W_ref, _), = net.unpack(ref.x)
    for (j, c) in np.ndindex(*W.shape):
        tour.row("backprop", "softmax regression as modules", f"W[{j}, {c}]",
                 exact=float(fit.coef_[c, j]), descent=float(W[j, c]), scipy=float(W_ref[j, c]),
                 tol=1e-6, note="SoftmaxRegression (Newton) / modules, Nesterov / L-BFGS-B")


def _dropout_curves(tour, nn, X, Y) -> None:
    """A hidden ReLU layer on the spiral, with and without dropout: the loss curves."""
    Xtr, Ytr, Xv, Yv = nn.train_validation_split(X, Y, 0.25, seed=1)
    curves, accuracy = {}, {}
    for name, hidden in [("no dropout", []), ("dropout 0.2", [nn.Dropout(0.2)])]:
        net = nn.Network([nn.Linear(2, 64), nn.ReLU(), *hidden, nn.Linear(64, 3)],
                         nn.SoftmaxCrossEntropy())
        run = nn.train(net, Xtr, Ytr, optim.Adam(1e-2), epochs=150, batch_size=32,
                       validation=(Xv, Yv), seed=0)
        curves[f"{name}: training"], curves[f"{name}: validation"] = run.train_loss, run.val_loss
        accuracy[name] = net.accuracy(run.theta, Xv, np.argmax(Yv, axis=1))
    fig = plot.losses(curves)
    fig.axes[0].set_xlabel("epoch - 1")
    text = ", ".join(f"{k} {v:.0%}" for k, v in accuracy.items())
    tour.figure("backprop-spiral", fig, "A network with 64 hidden ReLU units on three spiral "
                "arms (Adam, mini-batches of 32): training and validation loss; validation "
                f"accuracy {text}.")


# -- what the multipliers mean: shadow prices, comparative statics, the dual --------------------

def multipliers(tour) -> None:
    """The envelope theorem for Cobb-Douglas utility (dV*/dm = lambda), the demand's price
    derivative, and the dual of the closest point on a line, each against scipy."""
    tour.section("What the multipliers mean", "Shadow prices (dV*/dc = lambda, the envelope "
                 "theorem), comparative statics by the implicit function theorem, and the "
                 "Lagrange dual, derived exactly and checked by central differences of scipy's "
                 "optimum.")
    from ..duality import dual
    from ..problem import maximize, minimize

    x, y, p, q, m, a = sp.symbols("x y p q m a", positive=True)
    sol = maximize(x**a * y**(1 - a), [sp.Eq(p * x + q * y, m)], variables=[x, y],
                   params=[p, q, m, a], assume=[a < 1]).solve()
    at = {p: 2, q: 3, m: 12, a: sp.Rational(1, 3)}
    tour.heading("Cobb-Douglas: the marginal utility of income")
    prices = sol.shadow_prices()
    tour.notes.add(prices.derivation)
    for check in prices.check(at):
        tour.row("multipliers", "cobb-douglas", "dV*/dm", exact=check.exact, scipy=check.numeric,
                 tol=1e-6, note="p, q, m, a = 2, 3, 12, 1/3")
    tour.heading("Marshallian demand: how x* moves with its price")
    by_p = sol.sensitivity(p)
    tour.notes.add(by_p.derivation)
    for check in by_p.check(at):
        tour.row("multipliers", "cobb-douglas", "dV*/dp", exact=check.exact, scipy=check.numeric,
                 tol=1e-6)
    tour.heading("The dual of the closest point on a line")
    u, v = sp.symbols("u v", real=True)
    D = dual(minimize(u**2 + v**2, [sp.Eq(u + v, 1)]))
    tour.notes.add(D.derivation)
    (lam,) = D.multipliers
    q_of = sp.lambdify(lam, D.function)
    best = so.minimize_scalar(lambda t: -q_of(t))
    tour.row("multipliers", "closest-point-dual", "d*", exact=_f(D.value), scipy=-best.fun,
             tol=1e-6, note=f"gap {D.gap}")


SECTIONS = {"lagrange": lagrange, "maxent": maxent, "descent": descent,
            "regularization": regularization, "logistic": logistic, "backprop": backprop,
            "multipliers": multipliers}
