"""lagropt.nn: every module's messages against central differences and against the compiled
gradient of the whole network written as one SymPy expression; the derivations read as deck 002
writes them."""

import numpy as np
import pytest
import sympy as sp

from lagropt import nn
from lagropt.compiler import check_grad
from lagropt.errors import DataError, ProblemError
from lagropt.nn.derive import Notation


def five_point(f, x, h=1e-4):
    """Central differences of fourth order, (-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / (12h):
    truncation error h^4 f^(5) / 30 ~ 1e-17 and rounding ~ eps |f| / h ~ 1e-12 for the O(1)
    functions here, so agreement to 1e-10 is a real test (the second-order quotient's error,
    ~ eps^(2/3) ~ 4e-11 times the third derivative, is too close to 1e-10 to assert it)."""
    g = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (-f(x + 2 * e) + 8 * f(x + e) - 8 * f(x - e) + f(x - 2 * e)) / (12 * h)
    return g


def relative(a, b) -> float:
    """max |a - b| / max |b|: the error relative to the gradient's scale."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


MODULES = [nn.Linear(4, 3), nn.ReLU(), nn.LeakyReLU(0.1), nn.Sigmoid(), nn.Tanh(), nn.Softmax(),
           nn.Dropout(0.4)]


@pytest.mark.parametrize("module", MODULES, ids=repr)
def test_module_messages_match_central_differences(module):
    # V(Z, w) = sum_sj D_sj f_j(Z_s; w): dV/dZ is the backward message, dV/dw the parameter one
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(6, 4))
    out = module.out_width(4)
    params = tuple(rng.normal(size=module.param_shape(p, 4, out)) for p in module.params)
    masks = module.draw_masks((6, out), rng)
    D = rng.normal(size=(6, out))
    sizes = [Z.size] + [p.size for p in params]
    cuts = np.cumsum(sizes)[:-1]

    def V(x):
        parts = np.split(x, cuts)
        P = tuple(q.reshape(p.shape) for q, p in zip(parts[1:], params))
        return float(np.sum(D * module.forward(parts[0].reshape(Z.shape), P, masks)))

    x = np.concatenate([Z.ravel()] + [p.ravel() for p in params])
    dZ, grads = module.backward(Z, params, D, masks)
    analytic = np.concatenate([dZ.ravel()] + [g.ravel() for g in grads])
    assert relative(analytic, five_point(V, x)) < 1e-10


@pytest.mark.parametrize("loss", [nn.SquaredError(), nn.CrossEntropy(), nn.SoftmaxCrossEntropy()],
                         ids=repr)
def test_loss_module_delta_matches_central_differences(loss):
    rng = np.random.default_rng(4)
    Z = rng.uniform(0.2, 0.9, size=(5, 3))            # probabilities-like, for log z
    Y = np.eye(3)[rng.integers(0, 3, 5)]
    value, delta = loss.value_and_delta(Z, Y)
    f = lambda x: loss.value(x.reshape(Z.shape), Y)  # noqa: E731
    assert relative(delta.ravel(), five_point(f, Z.ravel())) < 1e-10


def test_loss_modules_are_the_lecture_formulas():
    # independent NumPy: L = (1/m) sum (z - y)^2, delta = 2 (z - y) / m;
    # softmax CE: delta = (softmax(z) - y) / m (deck 002's yhat - y)
    rng = np.random.default_rng(5)
    Z, Y = rng.normal(size=(4, 3)), np.eye(3)[[0, 2, 1, 1]]
    L, d = nn.SquaredError().value_and_delta(Z, Y)
    assert L == pytest.approx(np.sum((Z - Y) ** 2) / 4, rel=1e-14)
    assert np.allclose(d, 2 * (Z - Y) / 4, rtol=0, atol=1e-15)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    L, d = nn.SoftmaxCrossEntropy().value_and_delta(Z, Y)
    assert L == pytest.approx(-np.sum(Y * np.log(P)) / 4, rel=1e-14)
    assert np.allclose(d, (P - Y) / 4, rtol=0, atol=1e-15)
    # stable for large logits (log-sum-exp): no overflow, still yhat - y
    L, d = nn.SoftmaxCrossEntropy().value_and_delta(1000 * Z, Y)
    assert np.isfinite(L) and np.all(np.isfinite(d))


NETWORKS = {
    "linear-tanh-linear, squared error": lambda: nn.Network(
        [nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2)], nn.SquaredError()),
    "3 layers relu/leaky, softmax CE": lambda: nn.Network(
        [nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 5), nn.LeakyReLU(0.2), nn.Linear(5, 3)],
        nn.SoftmaxCrossEntropy()),
    "sigmoid + softmax + cross-entropy": lambda: nn.Network(
        [nn.Linear(4, 5), nn.Sigmoid(), nn.Linear(5, 3), nn.Softmax()], nn.CrossEntropy()),
}


def _data(net, seed=7, rows=9):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, net.n_in))
    Y = np.eye(net.widths[-1])[rng.integers(0, net.widths[-1], rows)]
    return X, Y


@pytest.mark.parametrize("name", list(NETWORKS))
def test_network_gradient_three_ways(name):
    net = NETWORKS[name]()
    theta = net.init(seed=1, scheme="glorot")
    X, Y = _data(net)
    g = net.grad(theta, X, Y)
    # the stencil moves a pre-activation by at most 2h sum_i |z_i| < 1e-3: away from the kinks
    zs, _ = net.forward(theta, X)
    for mod, z in zip(net.modules, zs):
        if isinstance(mod, (nn.ReLU, nn.LeakyReLU)):
            assert np.abs(z).min() > 2e-3
    # 1. central differences: lagropt's check_grad (second order, per coordinate) ...
    assert check_grad(net, theta, (X, Y), tol=1e-6).ok
    # ... and the fourth-order stencil to 1e-10 relative
    assert relative(g, five_point(lambda t: net.value(t, X, Y), theta)) < 1e-10
    # 2. the whole network as one SymPy expression, differentiated and compiled
    compiled = net.compiled()
    assert compiled.value(theta, X, Y) == pytest.approx(net.value(theta, X, Y), rel=1e-13)
    assert relative(g, compiled.grad(theta, X, Y)) < 1e-10


def test_dropout_network_is_checked_with_its_mask_and_is_the_identity_at_evaluation():
    net = nn.Network([nn.Linear(4, 6), nn.Tanh(), nn.Dropout(0.5), nn.Linear(6, 3)],
                     nn.SoftmaxCrossEntropy())
    theta = net.init(seed=2)
    X, Y = _data(net)
    # the same seed gives the same masks: the training loss is a fixed function of theta
    f = lambda t: net.value_and_grad(t, X, Y, rng=np.random.default_rng(9))[0]  # noqa: E731
    g = net.value_and_grad(theta, X, Y, rng=np.random.default_rng(9))[1]
    assert relative(g, five_point(f, theta)) < 1e-10
    # evaluation: dropout off, the same as the network without the Dropout module
    plain = nn.Network([nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)], nn.SoftmaxCrossEntropy())
    assert net.value(theta, X, Y) == pytest.approx(plain.value(theta, X, Y), rel=1e-15)
    # training: each unit is kept with probability 1 - p and scaled by 1 / (1 - p)
    Z = np.ones((2000, 50))
    drop = nn.Dropout(0.5)
    out = drop.forward(Z, (), drop.draw_masks(Z.shape, np.random.default_rng(0)))
    assert set(np.unique(out)) == {0.0, 2.0}
    assert abs(out.mean() - 1.0) < 0.01          # E = 1; sd of the mean = 1/sqrt(1e5) ~ 3e-3


def test_backprop_records_every_delta():
    net = NETWORKS["linear-tanh-linear, squared error"]()
    theta = net.init(seed=0)
    X, Y = _data(net)
    run = net.backprop(theta, X, Y)
    (W0, b0), (), (W1, b1) = net.unpack(theta)
    # deck 002 by hand: delta^3 = 2(z^3 - y)/m, delta^2 = delta^3 W1^T, delta^1 = delta^2 (1 - tanh^2)
    z1 = X @ W0 + b0
    z3 = np.tanh(z1) @ W1 + b1
    d3 = 2 * (z3 - Y) / len(X)
    d2 = d3 @ W1.T
    d1 = d2 * (1 - np.tanh(z1) ** 2)
    for got, want in zip(run.deltas, [d1 @ W0.T, d1, d2, d3]):
        assert np.allclose(got, want, rtol=1e-13, atol=1e-15)


def _plain(e):
    """``e`` with every array a plain IndexedBase of its name (the modules give theirs a shape)."""
    return e.replace(lambda x: isinstance(x, sp.IndexedBase),
                     lambda x: sp.IndexedBase(x.name, real=True))


def test_messages_are_the_lecture_formulas():
    N = Notation
    i, j, c, a = sp.symbols("i j c a", integer=True)
    w = sp.IndexedBase("w", real=True)
    lin = nn.messages(nn.Linear(2, 2))
    backward = _plain(lin.find("backward")[0].equations[0])
    assert backward.lhs == sp.Derivative(N.z_out[j], N.z_in[i]) and backward.rhs == w[i, j]
    parameter = _plain(lin.find("parameter")[0].equations[0])     # [j = k] z_i^l
    assert sp.simplify(parameter.rhs - sp.KroneckerDelta(c, j) * N.z_in[i]) == 0
    delta = _plain(lin.find("delta")[0].equations[-1].rhs)       # sum_j delta_j^{l+1} w_ij
    assert delta == sp.Sum(N.delta_out[j] * w[i, j], (j, 0, sp.Symbol("K", integer=True, positive=True) - 1))
    se = nn.messages(nn.SquaredError()).find("backward")[0].equations[-1].rhs
    assert sp.simplify(se - 2 * (N.z_in[i] - N.y[i])) == 0
    sce = nn.messages(nn.SoftmaxCrossEntropy()).find("backward")[0].equations[-1].rhs
    assert sp.simplify(sce - (N.yhat[i] - N.y[i])) == 0
    relu = nn.messages(nn.ReLU()).find("delta")[0].equations[-1].rhs
    assert sp.simplify(relu - sp.Heaviside(N.z_in[i]) * N.delta_out[i]) == 0
    soft = nn.messages(nn.Softmax()).find("backward")[0].equations[0].rhs
    assert sp.simplify(soft - N.yhat[j] * (sp.KroneckerDelta(i, j) - N.yhat[i])) == 0
    tanh = nn.messages(nn.Tanh()).find("backward")[0].equations[0].rhs
    assert sp.simplify(tanh - (1 - sp.tanh(N.z_in[j]) ** 2) * sp.KroneckerDelta(i, j)) == 0


def test_xavier_variance_is_one_over_n_in():
    d = nn.xavier_variance()
    n_in = sp.Symbol("n_in", positive=True)
    assert sp.simplify(d.find("choice")[0].data["result"] - 1 / n_in) == 0
    # and the sampled weights have it: Var(w) = 1/n_in within sampling error
    W = nn.init_weights(400, 300, np.random.default_rng(0))
    assert abs(W.var() * 400 - 1) < 0.02          # sd of the estimate ~ sqrt(2/120000) ~ 4e-3
    # a linear neuron keeps the input variance: Var(s) = n_in Var(x) Var(w) = Var(x)
    x = np.random.default_rng(1).normal(0, 3.0, size=(2000, 400))
    assert abs((x @ W).var() / 9.0 - 1) < 0.05


def test_initialization_is_seeded():
    net = NETWORKS["3 layers relu/leaky, softmax CE"]()
    assert np.array_equal(net.init(seed=4), net.init(seed=4))
    assert not np.array_equal(net.init(seed=4), net.init(seed=5))
    assert net.weight_mask().sum() == 4 * 6 + 6 * 5 + 5 * 3


def test_bad_input_is_refused_in_one_line():
    net = NETWORKS["linear-tanh-linear, squared error"]()
    theta = net.init()
    with pytest.raises(DataError, match="columns"):
        net.value(theta, np.ones((3, 5)), np.ones((3, 2)))
    with pytest.raises(DataError, match="NaN"):
        net.value(theta, np.full((3, 4), np.nan), np.ones((3, 2)))
    with pytest.raises(DataError, match="parameters"):
        net.value(theta[:-1], np.ones((3, 4)), np.ones((3, 2)))
    with pytest.raises(ProblemError, match="width"):
        nn.Network([nn.Linear(4, 5), nn.Linear(4, 2)], nn.SquaredError())
    with pytest.raises(ProblemError):
        nn.Dropout(1.0)
    with pytest.raises(ProblemError):
        nn.LeakyReLU(0.0)


ALL_MODULES = MODULES + [nn.SquaredError(), nn.CrossEntropy(), nn.SoftmaxCrossEntropy()]


def test_message_derivations_compile_in_latex(tmp_path, latex_required):
    from lagropt.derivation import Derivation
    from lagropt.latex import compile as compile_tex

    notes = Derivation(title="The modules' messages")
    for module in ALL_MODULES:
        d = nn.messages(module)
        notes.add("module", d.title)
        notes.extend(d)
        tex = d.latex()
        # the lecture's notation: z^l in, z^{l+1} out, partial derivatives, no SymPy names left
        assert r"\partial" in tex and "Derivative" not in tex and "KroneckerDelta" not in tex
    notes.extend(nn.xavier_variance())
    pdf = compile_tex(notes.to_tex(tmp_path / "messages.tex"))
    assert pdf.is_file() and pdf.stat().st_size > 1000
