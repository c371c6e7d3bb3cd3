"""lagropt.regression.derive: the lecture's closed forms, each checked against an independent
computation (scalar equations solved by SymPy, brute-force minimization, NumPy linear algebra)."""

import numpy as np
import pytest
import scipy.optimize
import sympy as sp

from lagropt.latex import Notes
from lagropt.regression import derive

from conftest import same


def _scalar_least_squares(X, y, lam=0):
    """Solve d/db_j [sum_i (y_i - sum_j X_ij b_j)^2 + lam sum_j b_j^2] = 0 entry by entry."""
    b = sp.symbols(f"b0:{X.shape[1]}", real=True)
    loss = sum((y[i] - sum(X[i, j] * b[j] for j in range(X.shape[1]))) ** 2 for i in range(X.shape[0]))
    loss += lam * sum(bj ** 2 for bj in b)
    solution = sp.solve([sp.diff(loss, bj) for bj in b], b, dict=True)[0]
    return sp.Matrix([solution[bj] for bj in b])


X_EX = sp.Matrix([[1, 2], [3, -1], [0, 1], [2, 5]])
Y_EX = sp.Matrix([3, 1, 2, -4])


def _evaluate(expr, form, X, y):
    """A matrix expression of a derivation at explicit X, y (n = number of columns)."""
    s = form.symbols
    return sp.Matrix(expr.subs({s["X"]: X, s["y"]: y}).subs(derive.n, X.shape[1]).doit())


def test_normal_equations_give_the_least_squares_solution():
    form = derive.least_squares()
    X, y, w = (form.symbols[k] for k in "Xyw")
    assert form.result == sp.Eq(w, sp.Inverse(X.T * X) * X.T * y, evaluate=False)
    assert _evaluate(form.result.rhs, form, X_EX, Y_EX) == _scalar_least_squares(X_EX, Y_EX)
    assert form.derivation.kinds == ["objective", "gradient", "normal-equations", "second-order",
                                     "closed-form"]
    gradient = form.derivation.find("gradient")[0].equations[0].rhs
    w0 = sp.Matrix([1, -2])
    assert _evaluate(gradient.subs(w, w0), form, X_EX, Y_EX) == -2 * X_EX.T * (Y_EX - X_EX * w0)


def test_ridge_closed_form_for_symbolic_lambda():
    form = derive.ridge()
    lam = form.symbols["lambda"]
    ours = _evaluate(form.result.rhs, form, X_EX, Y_EX)
    expected = _scalar_least_squares(X_EX, Y_EX, lam)
    assert all(same(a, b) for a, b in zip(ours, expected))
    normal = form.derivation.find("normal-equations")[0].equations[0]
    w0 = sp.Matrix([3, 1])
    lhs = _evaluate(normal.lhs.subs(form.symbols["w"], w0), form, X_EX, Y_EX)
    assert all(same(a, b) for a, b in zip(lhs, (X_EX.T * X_EX + lam * sp.eye(2)) * w0))
    assert _evaluate(normal.rhs, form, X_EX, Y_EX) == X_EX.T * Y_EX


def test_gaussian_prior_is_ridge_with_lambda_sigma2_over_sigma02():
    form = derive.gaussian_prior()
    sigma, sigma0 = form.symbols["sigma"], form.symbols["sigma_0"]
    assert same(form.result.rhs, sigma ** 2 / sigma0 ** 2)
    assert form.result.lhs == form.symbols["lambda"]


def test_eigen_rescaling_factor_and_numbers():
    form = derive.eigen_rescaling()
    s, lam = form.symbols["sigma_i"], form.symbols["lambda"]
    assert same(form.symbols["factor"], s / (s + lam))
    rng = np.random.default_rng(3)
    A = rng.normal(size=(5, 5))
    H, theta_hat, lam_v = A @ A.T, rng.normal(size=5), 0.7
    sig, Q = np.linalg.eigh(H)
    rescaled = Q @ (sig / (sig + lam_v) * (Q.T @ theta_hat))
    assert np.allclose(rescaled, np.linalg.solve(H + lam_v * np.eye(5), H @ theta_hat), atol=1e-12)


def _brute_force(objective, start=0.0):
    """Minimize a convex 1-D function to high accuracy (Brent on a wide bracket)."""
    return scipy.optimize.minimize_scalar(objective, bounds=(-60, 60), method="bounded",
                                          options={"xatol": 1e-12}).x


def test_soft_threshold_is_the_lectures_formula_and_the_minimizer():
    form = derive.soft_threshold()
    t_hat, H, lam = form.symbols["thetahat_i"], form.symbols["H_ii"], form.symbols["lambda"]
    assert form.result.rhs == sp.sign(t_hat) * sp.Max(sp.Abs(t_hat) - lam / H, 0)
    f = sp.lambdify((t_hat, H, lam), form.result.rhs, "numpy")
    for th, h, lv in [(3.0, 2.0, 1.0), (0.4, 2.0, 1.0), (-0.4, 2.0, 1.0), (-3.0, 0.5, 1.0), (0.0, 1.0, 0.3)]:
        best = _brute_force(lambda t: h * (t - th) ** 2 / 2 + lv * abs(t))
        assert abs(f(th, h, lv) - best) < 1e-7


@pytest.mark.parametrize("v,h,r,l", [(3.0, 2.0, 1.0, 1.0), (-3.0, 2.0, 1.0, 0.5), (0.2, 1.0, 0.5, 0.5),
                                     (-2.0, 1.0, 0.0, np.inf), (2.0, 3.0, 0.0, np.inf),
                                     (-2.0, 1.0, 0.0, 1.0), (-0.5, 1.0, 0.0, 1.0)])
def test_coordinate_update_minimizes_each_piecewise_linear_penalty(v, h, r, l):
    update = derive.coordinate_update_numpy()
    penalty = (lambda t: r * max(t, 0) + (l * max(-t, 0) if np.isfinite(l) else (0 if t >= 0 else 1e12)))
    best = _brute_force(lambda t: h * t * t / 2 - v * t + penalty(t))
    assert abs(update(v, h, r, l) - best) < 1e-6


def test_weight_decay_step_shrinks_theta():
    form = derive.weight_decay()
    theta, alpha, lam = form.symbols["theta"], form.symbols["alpha"], form.symbols["lambda"]
    grad_r = sp.Derivative(sp.Function("R_emp")(theta), theta)
    assert same(form.result.rhs, theta * (1 - alpha * lam) - alpha * grad_r)


def test_penalty_constraint_multiplier_is_lambda():
    form = derive.penalty_constraint()
    assert form.result.lhs.name == "mu_1" and form.result.rhs == form.symbols["lambda"]


def test_derivations_render_and_compile(tmp_path, latex_required):
    notes = Notes("Regularized regression")
    for make in (derive.least_squares, derive.ridge, derive.gaussian_prior, derive.eigen_rescaling,
                 derive.soft_threshold, derive.coordinate_update, derive.weight_decay,
                 derive.penalty_constraint):
        form = make()
        text = form.latex()
        assert r"\begin{align" in text and "\n\n\\end" not in text
        notes.section(form.derivation.title)
        notes.add(form.derivation)
    path = notes.to_tex(tmp_path / "regression.tex")
    from lagropt.latex import compile as compile_tex
    pdf = compile_tex(path)
    assert pdf.exists() and pdf.stat().st_size > 1000


def test_ridge_latex_reads_like_the_lecture():
    text = derive.ridge().latex()
    assert r"\left(y - X w\right)^{T} \left(y - X w\right) + \lambda w^{T} w" in text
    assert r"\left(X^{T} X + \lambda I\right) w &= X^{T} y" in text
    assert r"w &= \left(X^{T} X + \lambda I\right)^{-1} X^{T} y" in text
