"""lagropt.compile: the calling contract, the generated code, exact derivatives, clear errors."""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import losses, penalties

RNG = np.random.default_rng(11)
M, N = 30, 4
XV = RNG.normal(size=(M, N))
YV = RNG.normal(size=M)
BV = RNG.normal(size=N)
X, y, beta = losses.regression_symbols()
lam = sp.Symbol("lambda", positive=True)
PLS = losses.mse(y, losses.linear(X, beta)) + penalties.l1(beta, lam)


def pls_grad(b, X, y, lam):
    return -2 / len(y) * X.T @ (y - X @ b) + lam * np.sign(b)


@pytest.fixture(scope="module")
def pls():
    return lagropt.compile(PLS, wrt=beta, data=[X, y, lam])


# -- the contract -----------------------------------------------------------------------------

def test_parameters_first_then_data_in_order(pls):
    np.testing.assert_allclose(pls.grad(BV, XV, YV, 0.2), pls_grad(BV, XV, YV, 0.2), rtol=1e-12)
    assert pls.data == (X, y, lam) and pls.wrt == (beta,)
    assert pls.shapes(XV, YV, 0.2) == {"beta": (N,)}


def test_per_sample_data_and_mini_batches_normalise_by_the_rows_passed(pls):
    assert pls.per_sample == (True, True, False)
    assert pls.sample_dim == losses.m
    rows = slice(5, 15)
    np.testing.assert_allclose(pls.grad(BV, XV[rows], YV[rows], 0.2),
                               pls_grad(BV, XV[rows], YV[rows], 0.2), rtol=1e-12)
    batches = [pls.grad(BV, XV[k:k + 10], YV[k:k + 10], 0.0) for k in range(0, M, 10)]
    np.testing.assert_allclose(np.mean(batches, axis=0), pls.grad(BV, XV, YV, 0.0), rtol=1e-12)


def test_sum_type_losses_are_not_rescaled():
    f = lagropt.compile(losses.sse(y, losses.linear(X, beta)), wrt=beta, data=[X, y])
    r = YV[:10] - XV[:10] @ BV
    assert f.value(BV, XV[:10], YV[:10]) == pytest.approx(r @ r)


def test_samples_can_be_chosen_or_switched_off():
    f = lagropt.compile(PLS, wrt=beta, data=[X, y, lam], samples=False)
    assert f.sample_dim is None and f.per_sample == (False, False, False)
    with pytest.raises(lagropt.CompileError, match="no data array"):
        lagropt.compile(PLS, wrt=beta, data=[X, y, lam], samples=losses.n)
    # samples stored as columns cannot be sliced by rows: no sample axis is inferred, and
    # asking for one is an error
    Xt = sp.IndexedBase("Xt", shape=(losses.n, losses.m))
    i, j = losses.i, losses.j
    loss = sp.Sum((y[i] - sp.Sum(Xt[j, i] * beta[j], (j, 0, losses.n - 1))) ** 2, (i, 0, losses.m - 1))
    g = lagropt.compile(loss, wrt=beta, data=[Xt, y])
    assert g.sample_dim is None and g.per_sample == (False, False)
    np.testing.assert_allclose(g.grad(BV, XV.T, YV), -2 * XV.T @ (YV - XV @ BV), rtol=1e-12)
    with pytest.raises(lagropt.CompileError, match="axis 1 of Xt"):
        lagropt.compile(loss, wrt=beta, data=[Xt, y], samples=losses.m)


def test_several_parameters_are_laid_out_in_order():
    b0 = sp.Symbol("b0", real=True)
    expr = losses.mse(y, b0 + losses.linear(X, beta))
    f = lagropt.compile(expr, wrt=[b0, beta], data=[X, y])
    r = YV - 0.5 - XV @ BV
    np.testing.assert_allclose(f.grad(np.r_[0.5, BV], XV, YV),
                               np.r_[-2 * r.mean(), -2 / M * XV.T @ r], rtol=1e-12)
    assert f.coordinates(np.r_[0.5, BV], XV, YV) == ["b0", "beta[0]", "beta[1]", "beta[2]", "beta[3]"]
    A = np.c_[np.ones(M), XV]
    np.testing.assert_allclose(f.hess(np.r_[0.5, BV], XV, YV), 2 / M * A.T @ A, rtol=1e-12)


def test_the_exact_gradient_is_the_lecture_formula(pls):
    (grad, (k,)), = pls.gradient
    # on a concrete 3 x 2 problem the index form must equal SymPy's scalar derivative
    m, n = losses.m, losses.n
    Xs, ys, bs = sp.Matrix(3, 2, sp.symbols("x0:6")), sp.symbols("y0:3"), sp.symbols("b0:2", real=True)
    concrete = {m: 3, n: 2}

    def explicit(e):
        e = e.xreplace(concrete).doit()
        e = e.replace(lambda t: isinstance(t, sp.Indexed), lambda t: {
            "X": lambda i, j: Xs[i, j], "y": lambda i: ys[i], "beta": lambda j: bs[j]}[
            str(t.base.label)](*t.indices))
        return e
    loss = sum((ys[i] - Xs[i, 0] * bs[0] - Xs[i, 1] * bs[1]) ** 2 for i in range(3)) / 3 \
        + lam * (sp.Abs(bs[0]) + sp.Abs(bs[1]))
    for j in range(2):
        assert sp.simplify(explicit(grad.xreplace({k: j})) - sp.diff(loss, bs[j])) == 0


def test_generated_code_uses_matrix_products_and_shares_work(pls):
    source = pls.source("value_and_grad")
    assert source.count("X @ beta") == 1          # the residual is computed once for both
    assert "@ X" in source                       # X^T r as one matrix product
    assert "for " not in source and "sum(" not in source.replace("numpy.sum(", "")
    assert "numpy.sign(beta)" in source


def test_a_matrix_symbol_expression_compiles_to_the_same_gradient():
    Xm = sp.MatrixSymbol("X", losses.m, losses.n)
    ym = sp.MatrixSymbol("y", losses.m, 1)
    bm = sp.MatrixSymbol("b", losses.n, 1)
    residual = ym - Xm * bm
    f = lagropt.compile(residual.T * residual, wrt=bm, data=[Xm, ym])
    np.testing.assert_allclose(f.grad(BV, XV, YV), -2 * XV.T @ (YV - XV @ BV), rtol=1e-12)
    np.testing.assert_allclose(f.grad(BV, XV, YV[:, None]), -2 * XV.T @ (YV - XV @ BV), rtol=1e-12)
    assert f.source("grad").count("X @ b") == 1


def test_scalar_expressions_and_the_old_calling_style():
    x, z = sp.symbols("x z", real=True)
    f = lagropt.compile(sp.exp(x) * z ** 2 + sp.Max(0, -x), [x, z])
    assert f.value([0.0, 2.0]) == pytest.approx(4.0)
    np.testing.assert_allclose(f.grad([0.0, 2.0]), [4.0, 4.0])      # Heaviside(0) = 0
    np.testing.assert_allclose(f.grad([-1.0, 2.0]), [4 * np.exp(-1) - 1, 4 * np.exp(-1)])
    np.testing.assert_allclose(f.hess([1.0, 2.0]), [[4 * np.e, 4 * np.e], [4 * np.e, 2 * np.e]])


def test_a_problem_compiles_with_its_constraints():
    x, z = sp.symbols("x z", real=True)
    problem = lagropt.maximize(-(x - 2) ** 2 - (z - 1) ** 2 + 10, subject_to=[sp.Eq(x, z), x + z <= 4])
    cp = lagropt.compile(problem)
    assert isinstance(cp, lagropt.compile_problem.__globals__["CompiledProblem"])
    assert cp.objective.value([1.5, 1.5]) == pytest.approx(9.5)
    np.testing.assert_allclose(cp.equalities([1.5, 1.0]), [0.5])
    np.testing.assert_allclose(cp.equalities.jac([1.5, 1.0]), [[1.0, -1.0]])
    np.testing.assert_allclose(cp.inequalities([1.0, 1.0]), [2.0])      # 4 - x - z >= 0
    np.testing.assert_allclose(cp.inequalities.jac([1.0, 1.0]), [[-1.0, -1.0]])


# -- errors -------------------------------------------------------------------------------------

def test_unknown_symbols_are_named():
    with pytest.raises(lagropt.CompileError, match="neither parameters nor data: lambda"):
        lagropt.compile(PLS, wrt=beta, data=[X, y])


def test_free_and_partial_indices_are_refused():
    with pytest.raises(lagropt.CompileError, match="index i in y\\[i\\] is not summed"):
        lagropt.compile(y[losses.i] ** 2, wrt=y)
    with pytest.raises(lagropt.CompileError, match="starts at 1"):
        lagropt.compile(sp.Sum(beta[losses.j], (losses.j, 1, losses.n - 1)), wrt=beta)
    with pytest.raises(lagropt.CompileError, match="wrt"):
        lagropt.compile(PLS)


def test_wrong_data_shapes_name_the_array_axis_and_dimension(pls):
    with pytest.raises(lagropt.DataError,
                       match=r"data y: axis 0 has length 29, but m = 30 from X \(axis 0\)"):
        pls.grad(BV, XV, YV[:-1], 0.1)
    with pytest.raises(lagropt.DataError, match=r"expected 3 parameters .*n = 3 from X axis 1.*got 4"):
        pls.grad(BV, XV[:, :3], YV, 0.1)
    with pytest.raises(lagropt.DataError, match=r"data X must be shape \(m, n\)"):
        pls.grad(BV, XV[0], YV, 0.1)
    with pytest.raises(lagropt.DataError, match=r"expected 3 data argument\(s\).*\(X, y, lambda\), got 2"):
        pls.grad(BV, XV, YV)


def test_nan_and_inf_in_data_or_parameters_are_errors(pls):
    bad = XV.copy()
    bad[7, 2] = np.nan
    with pytest.raises(lagropt.DataError, match="data X contains nan at index 7, 2"):
        pls.value_and_grad(BV, bad, YV, 0.1)
    b = BV.copy()
    b[1] = np.inf
    with pytest.raises(lagropt.DataError, match=r"parameter beta\[1\] is inf"):
        pls.value(b, XV, YV, 0.1)
    with pytest.raises(lagropt.DataError, match="data lambda contains inf"):
        pls.grad(BV, XV, YV, np.inf)
    with pytest.raises(lagropt.DataError, match="complex"):
        pls.grad(BV, XV + 1j, YV, 0.1)


def test_non_finite_results_are_errors_unless_switched_off():
    p = sp.IndexedBase("p", shape=(losses.n,))
    expr = sp.Sum(sp.log(p[losses.j]), (losses.j, 0, losses.n - 1))
    with pytest.raises(lagropt.EvaluationError, match="value is not finite"):
        lagropt.compile(expr, wrt=p).value(np.array([1.0, 0.0]))
    quiet = lagropt.compile(expr, wrt=p, check_finite=False)
    assert quiet.value(np.array([1.0, 0.0])) == -np.inf


def test_hessian_can_be_left_out(pls):
    f = lagropt.compile(PLS, wrt=beta, data=[X, y, lam], hessian=False)
    with pytest.raises(lagropt.CompileError, match="hessian=False"):
        f.hess(BV, XV, YV, 0.1)


# -- gradient checks ------------------------------------------------------------------------------

def test_check_grad_catches_a_wrong_gradient(pls):
    class Wrong:
        def value(self, b, *data):
            return pls.value(b, *data)

        def grad(self, b, *data):
            g = pls.grad(b, *data)
            g[2] *= 1.001
            return g
    report = lagropt.check_grad(Wrong(), BV, (XV, YV, 0.1))
    assert not report.ok and report.worst == "x[2]"
    assert report.max_rel_error == pytest.approx(1e-3, rel=0.05)
    good = lagropt.check_grad(pls, BV, (XV, YV, 0.1))
    assert good.ok and good.max_rel_error < 1e-7
    assert "ok" in str(good) and "MISMATCH" in str(report)
    # h_i = eps^(1/3) max(1, |x_i|), up to the rounding of x_i +- h_i
    np.testing.assert_allclose(good.steps, np.cbrt(np.finfo(float).eps) * np.maximum(1, np.abs(BV)),
                               rtol=1e-9)


def test_a_two_layer_network_with_its_hidden_width_fixed_by_the_parameter_count():
    # deck 002's modules: linear layer, tanh, linear layer, softmax cross-entropy
    Xc, Y, _ = losses.classification_symbols()
    width, h = sp.Symbol("h", integer=True, positive=True), sp.Symbol("h_", integer=True)
    W1 = sp.IndexedBase("W1", shape=(losses.n, width))
    W2 = sp.IndexedBase("W2", shape=(width, losses.K))
    hidden = sp.tanh(losses.linear(Xc, W1, losses.i, h))
    logits = sp.Sum(hidden * W2[h, losses.c], (h, 0, width - 1))
    f = lagropt.compile(losses.softmax_cross_entropy(Y, logits), wrt=[W1, W2], data=[Xc, Y])
    Yv = np.eye(3)[RNG.integers(0, 3, M)]
    p = RNG.normal(size=N * 6 + 6 * 3)
    assert f.coordinates(p, XV, Yv)[-1] == "W2[5, 2]"
    A1, A2 = p[:N * 6].reshape(N, 6), p[N * 6:].reshape(6, 3)
    Hv = np.tanh(XV @ A1)
    S = Hv @ A2
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    D = (P - Yv) / M                                 # backpropagation by hand
    np.testing.assert_allclose(f.grad(p, XV, Yv),
                               np.r_[(XV.T @ ((D @ A2.T) * (1 - Hv ** 2))).ravel(), (Hv.T @ D).ravel()],
                               rtol=1e-10, atol=1e-14)
    assert lagropt.check_grad(f, p, (XV, Yv)).ok


def test_piecewise_losses_compile_elementwise():
    x = sp.IndexedBase("x", shape=(losses.m,))
    a = sp.Symbol("a", real=True)
    r = x[losses.i] - a
    huber = sp.Sum(sp.Piecewise((r ** 2 / 2, sp.Abs(r) <= 1), (sp.Abs(r) - sp.Rational(1, 2), True)),
                   (losses.i, 0, losses.m - 1))
    f = lagropt.compile(huber, wrt=a, data=[x])
    xv = 3 * RNG.normal(size=50)
    rv = xv - 0.3
    expected = np.sum(np.where(np.abs(rv) <= 1, rv ** 2 / 2, np.abs(rv) - 0.5))
    assert f.value([0.3], xv) == pytest.approx(expected)
    np.testing.assert_allclose(f.grad([0.3], xv), [-np.sum(np.clip(rv, -1, 1))])
