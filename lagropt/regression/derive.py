"""The lecture's closed forms, derived by SymPy and recorded as derivations.

Each function states a problem the way the lecture does, lets SymPy do the calculus and the
algebra, and returns a :class:`ClosedForm`: the result as a SymPy equation and the
:class:`~lagropt.Derivation` that produced it (``print`` it, or ``.latex()`` for the notes).

* :func:`least_squares` -- deck 002: dL/dw = 0 gives X^T X w = X^T y, w* = (X^T X)^{-1} X^T y;
* :func:`ridge` -- deck 002: (X^T X + lambda I) w = X^T y;
* :func:`gaussian_prior` -- deck 002: the MAP estimate under a N(0, sigma_0^2) prior is ridge with
  lambda = sigma^2 / sigma_0^2;
* :func:`eigen_rescaling` -- deck 004: along the i-th eigenvector of H, ridge rescales by
  sigma_i / (sigma_i + lambda);
* :func:`soft_threshold` -- deck 004: under a diagonal Hessian the L1 solution is
  sign(theta_i) max(|theta_i| - lambda/H_ii, 0);
* :func:`coordinate_update` -- the same one-dimensional problem with different slopes on either
  side of 0 (L1, elastic net, the max(0, -beta) penalty, a bound beta >= 0): the update that
  coordinate descent and proximal gradient apply, compiled to NumPy by :func:`coordinate_update_numpy`;
* :func:`weight_decay` -- deck 004: theta - alpha (grad R + lambda theta) = theta (1 - alpha lambda) - alpha grad R;
* :func:`penalty_constraint` -- deck 004: min R + lambda J and min R subject to J <= k have the
  same stationarity equations when the KKT multiplier mu equals lambda.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import sympy as sp

from ..derivation import Derivation
from .. import penalties

__all__ = ["ClosedForm", "least_squares", "ridge", "gaussian_prior", "eigen_rescaling",
           "soft_threshold", "coordinate_update", "coordinate_update_numpy", "weight_decay",
           "penalty_constraint"]

m, n = sp.symbols("m n", integer=True, positive=True)


@dataclass(frozen=True)
class ClosedForm:
    """A derived formula.

    Attributes
    ----------
    result : sympy.Eq
        What was derived (``w = (X^T X + lambda I)^{-1} X^T y``, ``lambda = sigma^2/sigma_0^2``, ...).
    derivation : Derivation
        The steps, as data; ``str()`` is plain text, ``.latex()`` the lecture's LaTeX.
    symbols : dict
        The symbols the result is stated in, by name.
    """

    result: sp.Eq
    derivation: Derivation
    symbols: dict = field(default_factory=dict)

    def latex(self, linewidth=None) -> str:
        """The derivation as a LaTeX fragment (see :mod:`lagropt.latex`)."""
        return self.derivation.latex(linewidth=linewidth)

    def __str__(self) -> str:
        return str(self.derivation)

    def _repr_latex_(self) -> str:
        return self.derivation._repr_latex_()


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def _matrix_symbols():
    return (sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("y", m, 1), sp.MatrixSymbol("w", n, 1))


def _common_factor(expr):
    """The numeric (or symbolic) factor shared by every term of a matrix expression."""
    coefficients = [t.as_coeff_mmul()[0] for t in sp.MatAdd.make_args(expr)]
    return functools.reduce(sp.gcd, coefficients)


def _normal_equations(loss, w, derivation: Derivation):
    """Set the gradient of a quadratic ``loss`` in ``w`` to zero and solve: the steps
    gradient -> A w = b -> w = A^{-1} b, with A and b read off the gradient by SymPy
    (A = d(grad)/dw, b = -grad at w = 0), their common factor cancelled."""
    L = sp.Function("L")(w)
    gradient = sp.diff(loss, w)
    zero = sp.ZeroMatrix(*w.shape)
    derivation.add("gradient", "Setting the gradient to zero:",
                   [_eq(sp.Derivative(L, w), gradient), _eq(gradient, zero)], chain=True)
    hessian = sp.diff(gradient, w)
    rhs = (-gradient.subs(w, zero)).doit()
    factor = _common_factor(hessian)
    A, b = (hessian / factor).doit(), (rhs / factor).doit()
    derivation.add("normal-equations", "The normal equations (divided by %s):" % factor,
                   [_eq(A * w, b)])
    derivation.add("second-order", "The Hessian is positive semidefinite (a sum of Gram matrices "
                   "and multiples of I), so the stationary point is a minimum:",
                   [_eq(sp.Derivative(L, w, 2), hessian)])
    solution = _eq(w, sp.Inverse(A) * b)
    return A, b, solution


def least_squares() -> ClosedForm:
    """Ordinary least squares: minimize L(w) = (y - X w)^T (y - X w) (deck 002).

    Returns
    -------
    ClosedForm
        ``w = (X^T X)^{-1} X^T y``, derived from dL/dw = -2 X^T (y - X w) = 0.
    """
    X, y, w = _matrix_symbols()
    loss = (y - X * w).T * (y - X * w)
    d = Derivation(title="Least squares: the normal equations")
    d.add("objective", "Minimize the squared error:", [_eq(sp.Function("L")(w), loss)])
    A, b, solution = _normal_equations(loss, w, d)
    d.add("closed-form", "When X has full column rank, X^T X is invertible:", [solution])
    return ClosedForm(solution, d, {"X": X, "y": y, "w": w})


def ridge() -> ClosedForm:
    """Ridge: minimize L(w) = (y - X w)^T (y - X w) + lambda w^T w (deck 002, scikit-learn's Ridge).

    Returns
    -------
    ClosedForm
        ``w = (X^T X + lambda I)^{-1} X^T y``, which exists for every lambda > 0.
    """
    X, y, w = _matrix_symbols()
    lam = sp.Symbol("lambda", positive=True)
    loss = (y - X * w).T * (y - X * w) + lam * w.T * w
    d = Derivation(title="Ridge regression: the penalized normal equations")
    d.add("objective", "Minimize the squared error plus the L2 penalty:",
          [_eq(sp.Function("L")(w), loss)])
    A, b, solution = _normal_equations(loss, w, d)
    d.add("closed-form", "For lambda > 0, X^T X + lambda I is positive definite, hence invertible:",
          [solution])
    return ClosedForm(solution, d, {"X": X, "y": y, "w": w, "lambda": lam})


def gaussian_prior() -> ClosedForm:
    """The MAP estimate of linear regression under the prior w ~ N(0, sigma_0^2 I) (deck 002).

    -log p(w | y, X) = (y - X w)^T (y - X w) / (2 sigma^2) + w^T w / (2 sigma_0^2) + C;
    multiplied by 2 sigma^2 it is the ridge loss with lambda = sigma^2 / sigma_0^2.

    Returns
    -------
    ClosedForm
        ``lambda = sigma**2/sigma_0**2``.
    """
    from .. import losses

    X, y, _ = losses.regression_symbols(features=n, samples=m)
    w = sp.IndexedBase("w", shape=(n,), real=True)
    sigma, sigma0, lam = sp.symbols("sigma sigma_0 lambda", positive=True)
    fit = losses.linear(X, w)
    likelihood = losses.gaussian_nll(y, fit, sigma)                    # -log p(y | w, X)
    prior = losses.gaussian_nll(w[losses.j], 0, sigma0)                # -log p(w)
    posterior = likelihood + prior
    data_terms = sp.Add(*[t for t in sp.Add.make_args(posterior) if t.has(w)])
    scaled = sp.Add(*[_constants_out_of_sums(2 * sigma ** 2 * t) for t in sp.Add.make_args(data_terms)])
    sse, norm = losses.sse(y, fit), penalties.l2(w, 1)
    coefficient = sp.simplify(sp.expand(scaled - sse).coeff(norm))
    d = Derivation(title="L2 regularization as a Gaussian prior")
    nll = sp.Function("L")(w)
    d.add("posterior", "The negative logarithm of the posterior, Gaussian likelihood times "
          "Gaussian prior (up to a constant that does not depend on w):",
          [_eq(sp.Function("P")(w), posterior)])
    d.add("drop-constant", "Drop the terms without w and multiply by 2 sigma^2:", [_eq(nll, scaled)])
    result = _eq(lam, coefficient)
    d.add("identify", "This is the ridge loss, sum of squared errors plus lambda times the "
          "squared norm of w, with", [_eq(nll, sse + lam * norm), result])
    return ClosedForm(result, d, {"sigma": sigma, "sigma_0": sigma0, "lambda": lam})


def _constants_out_of_sums(expr):
    """Sum(c f(i), i) -> c Sum(f(i), i) for factors c free of the summation index."""
    def pull(term):
        if isinstance(term, sp.Sum):
            indices = {limit[0] for limit in term.limits}
            const, body = term.function.as_independent(*indices, as_Add=False)
            return const * sp.Sum(body, *term.limits)
        return term
    return expr.replace(lambda e: isinstance(e, sp.Sum), pull)


def eigen_rescaling() -> ClosedForm:
    """Weight decay near the minimizer theta_hat of R_emp, along the eigenvectors of H (deck 004).

    With the quadratic approximation R_emp(theta_hat) + (theta - theta_hat)^T H (theta - theta_hat)/2
    and the penalty lambda/2 ||theta||^2, stationarity gives (H + lambda I) theta = H theta_hat;
    in the eigenbasis H = Q Sigma Q^T each component is scaled by sigma_i / (sigma_i + lambda).

    Returns
    -------
    ClosedForm
        ``theta_i = sigma_i theta_hat_i / (sigma_i + lambda)`` (components in the eigenbasis).
    """
    k = sp.Symbol("k", integer=True, positive=True)
    theta, theta_hat = sp.MatrixSymbol("theta", k, 1), sp.MatrixSymbol("thetahat", k, 1)
    H = sp.MatrixSymbol("H", k, k)
    lam = sp.Symbol("lambda", positive=True)
    R = sp.Function("R")
    approx = (theta - theta_hat).T * H * (theta - theta_hat) / 2 + lam * theta.T * theta / 2
    d = Derivation(title="Weight decay rescales along the eigenvectors of the Hessian")
    d.add("objective", "Quadratic approximation of R_emp at its minimizer (the gradient there is 0), "
          "plus the weight decay penalty (the constant R_emp(thetahat) dropped):",
          [_eq(R(theta), approx)])
    gradient = sp.diff(approx, theta)
    zero = sp.ZeroMatrix(k, 1)
    gradient = gradient.subs(H.T, H).doit()
    A = sp.diff(gradient, theta).doit().subs(H.T, H)
    b = (-gradient.subs(theta, zero)).doit()
    d.add("gradient", "Stationarity (H is symmetric):",
          [_eq(gradient, zero), _eq(A * theta, b), _eq(theta, sp.Inverse(A) * b)],
          chain=True)
    Qm, Sigma = sp.MatrixSymbol("Q", k, k), sp.MatrixSymbol("Sigma", k, k)
    d.add("eigen", "With H = Q Sigma Q^T (Q orthonormal, Sigma = diag(sigma_i)), "
          "Q^T (H + lambda I) Q = Sigma + lambda I, so in the eigenbasis:",
          [_eq(H, Qm * Sigma * Qm.T),
           _eq(theta, Qm * sp.Inverse(Sigma + lam * sp.Identity(k)) * Sigma * Qm.T * theta_hat)],
          chain=True)
    s, t, t_hat = sp.symbols("sigma_i theta_i thetahat_i", real=True)
    component = s * (t - t_hat) ** 2 / 2 + lam * t ** 2 / 2
    (value,) = sp.solve(sp.diff(component, t), t)
    factor = sp.factor(value / t_hat)
    d.add("component", "Component i decouples: minimize sigma_i (theta_i - thetahat_i)^2/2 + "
          "lambda theta_i^2/2:",
          [_eq(sp.expand(sp.diff(component, t)), 0), _eq(t, value)], chain=True)
    result = _eq(t, factor * t_hat)
    d.add("rescaling", "Each component is rescaled by sigma_i/(sigma_i + lambda): hardly where "
          "sigma_i is much larger than lambda, to nearly 0 where it is much smaller.", [result])
    return ClosedForm(result, d, {"sigma_i": s, "theta_i": t, "thetahat_i": t_hat, "lambda": lam,
                                  "factor": factor})


def _cases(objective, t):
    """Minimize a convex, piecewise-quadratic ``objective`` in t with its kink at t = 0, by
    cases: [(stationarity equation, t there)] for t > 0 and for t < 0."""
    out = []
    for side in (1, -1):
        branch = sp.Dummy("t", positive=True)
        smooth = objective.subs(t, side * branch).subs(branch, side * t)   # Abs, Max resolved
        equation = _eq(sp.expand(sp.diff(smooth, t)), 0)
        (value,) = sp.solve(equation, t)
        out.append((equation, value))
    return out


def coordinate_update() -> ClosedForm:
    """The minimizer of h t^2/2 - v t + r max(t, 0) + l max(-t, 0) (h > 0, r, l >= 0).

    This one-dimensional problem is what coordinate descent solves for each coefficient and what
    the proximal step of FISTA solves for each entry: L1 is r = l = lambda, the lecture's
    lambda max(0, -beta) is r = 0, l = lambda, a bound beta >= 0 is l -> oo.

    Returns
    -------
    ClosedForm
        ``t = (max(v - r, 0) - max(-v - l, 0)) / h``.
    """
    h = sp.Symbol("h", positive=True)
    v = sp.Symbol("v", real=True)
    r, l = sp.symbols("r l", nonnegative=True)
    t = sp.Symbol("t", real=True)
    objective = h * t ** 2 / 2 - v * t + r * sp.Max(t, 0) + l * sp.Max(-t, 0)
    d = Derivation(title="One coordinate of a piecewise-linear penalty")
    d.add("objective", "Minimize over t (h > 0; slope r right of 0, l left of 0):",
          [_eq(sp.Function("F")(t), objective)])
    (pos_eq, pos), (neg_eq, neg) = _cases(objective, t)
    pos_cond, neg_cond = sp.solve(pos > 0, v), sp.solve(neg < 0, v)
    d.add("case", "Case t > 0: the derivative vanishes where", [pos_eq, _eq(t, pos), pos_cond],
          chain=True)
    d.add("case", "Case t < 0:", [neg_eq, _eq(t, neg), neg_cond], chain=True)
    d.add("case", "Otherwise t = 0: the subgradient of F at 0, the interval from -v - l to "
          "-v + r, contains 0 exactly when", [sp.And(-l <= v, v <= r)])
    piecewise = sp.Piecewise((pos, pos_cond), (neg, neg_cond), (0, True))
    compact = (sp.Max(v - r, 0) - sp.Max(-v - l, 0)) / h
    _check_equal(piecewise, compact, v, (r, l, h), [(1, 2, 3), (0, 1, 2), (2, 0, 1), (1, 1, 1)])
    result = _eq(t, compact)
    d.add("closed-form", "The three cases in one formula:", [_eq(t, piecewise), result], chain=True)
    return ClosedForm(result, d, {"t": t, "v": v, "h": h, "r": r, "l": l})


def soft_threshold() -> ClosedForm:
    """The lecture's L1 solution under a diagonal Hessian (deck 004).

    Minimize H_ii (theta_i - thetahat_i)^2 / 2 + lambda |theta_i|; the answer is
    sign(thetahat_i) max(|thetahat_i| - lambda/H_ii, 0): zero when the L1 penalty overwhelms
    the data term, otherwise shifted toward 0 by lambda/H_ii.

    Returns
    -------
    ClosedForm
        ``theta_i = sign(thetahat_i) Max(|thetahat_i| - lambda/H_ii, 0)``.
    """
    Hii = sp.Symbol("H_ii", positive=True)
    lam = sp.Symbol("lambda", positive=True)
    t, t_hat = sp.symbols("theta_i thetahat_i", real=True)
    objective = Hii * (t - t_hat) ** 2 / 2 + lam * sp.Abs(t)
    d = Derivation(title="L1 regularization: soft thresholding")
    d.add("objective", "With a diagonal Hessian the quadratic approximation decouples; for "
          "each i minimize", [_eq(sp.Function("R")(t), objective)])
    (pos_eq, pos), (neg_eq, neg) = _cases(objective, t)
    pos_cond, neg_cond = sp.solve(pos > 0, t_hat), sp.solve(neg < 0, t_hat)
    d.add("case", "Case theta_i > 0: the derivative vanishes where", [pos_eq, _eq(t, pos), pos_cond],
          chain=True)
    d.add("case", "Case theta_i < 0:", [neg_eq, _eq(t, neg), neg_cond], chain=True)
    d.add("case", "Otherwise theta_i = 0: the L1 penalty overwhelms the data term when",
          [sp.Le(sp.Abs(t_hat), lam / Hii)])
    lecture = sp.sign(t_hat) * sp.Max(sp.Abs(t_hat) - lam / Hii, 0)
    piecewise = sp.Piecewise((pos, pos_cond), (neg, neg_cond), (0, True))
    _check_equal(piecewise, lecture, t_hat, (lam, Hii), [(1, 2), (3, 1), (sp.Rational(1, 2), 3)])
    result = _eq(t, lecture)
    d.add("closed-form", "Together, the soft threshold:", [result])
    return ClosedForm(result, d, {"theta_i": t, "thetahat_i": t_hat, "H_ii": Hii, "lambda": lam})


def _check_equal(a, b, x, params, value_sets) -> None:
    """Assert two piecewise expressions in x agree at exact points in every region and on the
    boundaries, for a few exact parameter values (a derivation that fails this is a bug)."""
    for values in value_sets:
        sub = dict(zip(params, values))
        for point in [-5, -2, -sp.Rational(3, 2), -1, -sp.Rational(1, 3), 0,
                      sp.Rational(1, 4), sp.Rational(1, 2), 1, 2, 7]:
            sub[x] = point
            if sp.simplify(a.subs(sub) - b.subs(sub)) != 0:
                raise AssertionError(f"derived forms differ at {sub}: {a.subs(sub)} vs {b.subs(sub)}")


@functools.lru_cache(maxsize=None)
def coordinate_update_numpy():
    """``update(v, h, r, l)`` = (max(v - r, 0) - max(-v - l, 0)) / h as vectorized NumPy,
    generated from :func:`coordinate_update` (l = inf encodes the bound t >= 0)."""
    form = coordinate_update()
    s = form.symbols
    return sp.lambdify((s["v"], s["h"], s["r"], s["l"]), form.result.rhs, "numpy")


def weight_decay() -> ClosedForm:
    """Gradient descent on R_emp + lambda/2 ||theta||^2 decays the weights (deck 004).

    Returns
    -------
    ClosedForm
        ``theta_new = theta (1 - alpha lambda) - alpha dR/dtheta``.
    """
    theta = sp.Symbol("theta", real=True)
    alpha, lam = sp.symbols("alpha lambda", positive=True)
    R = sp.Function("R_emp")(theta)
    regularized = R + penalties.weight_decay([theta], lam)
    gradient = sp.diff(regularized, theta)
    step = theta - alpha * gradient
    collected = sp.collect(sp.expand(step), theta)
    new = sp.Symbol("theta_new", real=True)
    d = Derivation(title="Weight decay")
    d.add("objective", "The L2-regularized risk:", [_eq(sp.Function("R_reg")(theta), regularized)])
    d.add("gradient", "Its gradient:", [_eq(sp.Derivative(sp.Function("R_reg")(theta), theta), gradient)])
    result = _eq(new, collected)
    d.add("update", "A gradient step with step size alpha shrinks theta by the factor 1 - alpha lambda:",
          [_eq(new, step), result], chain=True)
    return ClosedForm(result, d, {"theta": theta, "alpha": alpha, "lambda": lam})


def penalty_constraint() -> ClosedForm:
    """Penalty <=> constraint (deck 004): the KKT system of min R(theta) subject to J(theta) <= k
    is the stationarity of R + mu J, so the penalized and constrained problems share their
    minimizer when mu = lambda and k = J(theta_lambda).

    The Lagrangian is the solver's own (:class:`lagropt.Problem`), in the lecture's convention
    L = R - mu (k - J), mu >= 0.

    Returns
    -------
    ClosedForm
        ``mu = lambda``.
    """
    from ..problem import minimize

    theta = sp.Symbol("theta", real=True)
    k, lam = sp.symbols("k lambda", positive=True)
    R, J = sp.Function("R_emp")(theta), sp.Function("J")(theta)
    problem = minimize(R, subject_to=[J <= k], variables=[theta], params=[k])
    (mu,) = problem.multipliers
    L = problem.lagrangian
    kkt = sp.diff(L, theta)
    penalized = sp.diff(R + lam * J, theta)
    if sp.simplify(kkt.subs(mu, lam) - penalized) != 0:
        raise AssertionError("the KKT stationarity is not that of the penalized risk")
    d = Derivation(title="A penalty is a constraint in disguise")
    d.add("objective", "Minimize R_emp subject to J(theta) <= k. The Lagrangian, with mu >= 0:",
          [_eq(sp.Function("L")(theta, mu), L)])
    d.add("gradient", "Stationarity of L and, beside it, of the penalized risk R_emp + lambda J:",
          [_eq(kkt, 0), _eq(penalized, 0)])
    result = _eq(mu, lam)
    d.add("identify", "The equations coincide when mu = lambda; complementary slackness "
          "mu (k - J) = 0 then fixes k = J(theta_lambda) whenever lambda > 0:",
          [result, _eq(k, J.subs(theta, sp.Symbol("theta_lambda", real=True)))])
    return ClosedForm(result, d, {"theta": theta, "k": k, "lambda": lam, "mu": mu})
