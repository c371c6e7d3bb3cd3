"""Each update rule's first steps against values worked out by hand from the published
equations (no torch needed), the state, the defaults, and bad hyperparameters."""

import math
import types

import numpy as np
import pytest

from lagropt import optim
from lagropt.errors import LagroptError, OptimizerError


def run(opt, grads, x0=0.0):
    """Iterates of one coordinate fed the gradients ``grads`` (the array path) -- and the
    same through the Python-float path, which must agree exactly."""
    x = np.array([x0])
    state = opt.init(x)
    out = []
    xs, fstate = [x0], opt.init([x0])
    for g in grads:
        opt.step(x, np.array([g]), state)
        opt.step(xs, [g], fstate)
        out.append(x[0])
        assert xs[0] == x[0]
    return out


def test_gd():
    assert run(optim.GD(0.1), [0.5, 1.0], x0=1.0) == [0.95, 0.85]


def test_sgd_buffer_starts_at_the_first_gradient_without_dampening():
    # b1 = g1 = 1 (dampening not applied), b2 = 0.9 * 1 + (1 - 0.5) * 1 = 1.4
    assert run(optim.SGD(0.1, momentum=0.9, dampening=0.5), [1.0, 1.0]) == \
        pytest.approx([-0.1, -0.1 - 0.14], abs=1e-15)


def test_sgd_nesterov():
    # b1 = 1, step g + mu b = 1.9; b2 = 0.9 + 1 = 1.9, step 1 + 0.9 * 1.9 = 2.71
    assert run(optim.SGD(0.1, momentum=0.9, nesterov=True), [1.0, 1.0]) == \
        pytest.approx([-0.19, -0.19 - 0.271], abs=1e-15)


def test_sgd_weight_decay_is_added_to_the_gradient():
    # g' = 1 + 0.5 * 2 = 2 -> x = 2 - 0.1 * 2 = 1.8
    assert run(optim.SGD(0.1, weight_decay=0.5), [1.0], x0=2.0) == pytest.approx([1.8])


def test_lecture_momentum_equals_torch_sgd_for_a_constant_rate():
    # nu1 = 0.1, nu2 = 0.9 * 0.1 + 0.1 = 0.19; torch: b2 = 1.9, lr b2 = 0.19
    assert run(optim.Momentum(0.1, 0.9), [1.0, 1.0]) == pytest.approx([-0.1, -0.29])
    assert run(optim.SGD(0.1, momentum=0.9), [1.0, 1.0]) == pytest.approx([-0.1, -0.29])


def test_lecture_momentum_differs_from_torch_under_a_schedule():
    rates = optim.Schedule(lambda k: [0.1, 0.05][k])
    # lecture: nu2 = 0.9 * 0.1 + 0.05 * 1 = 0.14 (each gradient keeps its rate)
    assert run(optim.Momentum(rates, 0.9), [1.0, 1.0]) == pytest.approx([-0.1, -0.24])
    # torch: x2 = x1 - 0.05 * (0.9 * 1 + 1) (the current rate rescales the whole buffer)
    assert run(optim.SGD(rates, momentum=0.9), [1.0, 1.0]) == pytest.approx([-0.1, -0.195])


def test_adagrad_eps_outside_the_root_lr_decay_and_initial_accumulator():
    eps = 1e-10
    x1 = -0.1 * 1 / (math.sqrt(0.25 + 1) + eps)                # clr = 0.1, S = 1.25
    x2 = x1 - 0.1 / 1.5 * 2 / (math.sqrt(1.25 + 4) + eps)      # clr = 0.1 / (1 + 0.5), S = 5.25
    got = run(optim.AdaGrad(0.1, lr_decay=0.5, initial_accumulator_value=0.25), [1.0, 2.0])
    assert got == pytest.approx([x1, x2], rel=1e-15)


def test_rmsprop_plain_centered_and_momentum():
    eps = 1e-8
    # v = 0.1 g^2 with alpha = 0.9
    assert run(optim.RMSProp(0.01, alpha=0.9), [2.0]) == \
        pytest.approx([-0.01 * 2 / (math.sqrt(0.4) + eps)], rel=1e-15)
    # centered: gbar = 0.1 * 2 = 0.2, a = sqrt(0.4 - 0.04) + eps
    assert run(optim.RMSProp(0.01, alpha=0.9, centered=True), [2.0]) == \
        pytest.approx([-0.01 * 2 / (math.sqrt(0.36) + eps)], rel=1e-15)
    # momentum 0.5: b1 = g1 / a1 (buffer starts at 0), b2 = 0.5 b1 + g2 / a2
    a1 = math.sqrt(0.1 * 4) + eps
    a2 = math.sqrt(0.9 * 0.4 + 0.1 * 1) + eps
    b1, b2 = 2 / a1, 0.5 * (2 / a1) + 1 / a2
    assert run(optim.RMSProp(0.01, alpha=0.9, momentum=0.5), [2.0, 1.0]) == \
        pytest.approx([-0.01 * b1, -0.01 * b1 - 0.01 * b2], rel=1e-14)


def adam_by_hand(grads, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, amsgrad=False, x=0.0):
    m = v = vmax = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = max(vmax, v)
        vhat = (vmax if amsgrad else v) / (1 - b2 ** t)
        x -= lr * (m / (1 - b1 ** t)) / (math.sqrt(vhat) + eps)
        out.append(x)
    return out


def test_adam_bias_correction_from_the_first_step():
    # the first step is lr g / (|g| + eps): m and v are corrected by 1 - beta^1
    assert run(optim.Adam(0.1), [3.0])[0] == pytest.approx(-0.1 * 3 / (3 + 1e-8), rel=1e-15)
    assert run(optim.Adam(0.1), [3.0, -1.0, 0.5]) == \
        pytest.approx(adam_by_hand([3.0, -1.0, 0.5]), rel=1e-13)


def test_amsgrad_uses_the_running_maximum_of_the_raw_v():
    grads = [10.0, 1.0, 1.0]              # with beta2 = 0.5, v falls: 50, 25.5, 13.25
    got = run(optim.Adam(0.1, betas=(0.9, 0.5), amsgrad=True), grads)
    assert got == pytest.approx(adam_by_hand(grads, b2=0.5, amsgrad=True), rel=1e-13)
    assert got != pytest.approx(adam_by_hand(grads, b2=0.5), rel=1e-6)


def test_adamw_decays_first_then_steps_and_adam_l2_goes_through_the_gradient():
    # AdamW: x = 2 (1 - 0.1 * 0.1) = 1.98, then the Adam step with g = 3: 1.98 - 0.1 * 3 / (3 + eps)
    assert run(optim.AdamW(0.1, weight_decay=0.1), [3.0], x0=2.0) == \
        pytest.approx([1.98 - 0.1 * 3 / (3 + 1e-8)], rel=1e-15)
    # Adam with L2: g = 3 + 0.1 * 2 = 3.2, and the first step is still ~ lr
    assert run(optim.Adam(0.1, weight_decay=0.1), [3.0], x0=2.0) == \
        pytest.approx([2 - 0.1 * 3.2 / (3.2 + 1e-8)], rel=1e-15)


def test_maximize_negates_the_gradient():
    for make in (lambda m: optim.SGD(0.1, momentum=0.9, maximize=m),
                 lambda m: optim.Adam(0.1, maximize=m), lambda m: optim.RMSProp(0.1, maximize=m)):
        assert run(make(True), [1.0, 2.0]) == run(make(False), [-1.0, -2.0])


def test_torch_defaults():
    assert optim.SGD().lr(0) == 1e-3
    a = optim.AdaGrad()
    assert (a.lr(0), a.lr_decay, a.initial_accumulator_value, a.eps) == (1e-2, 0, 0, 1e-10)
    r = optim.RMSProp()
    assert (r.lr(0), r.alpha, r.eps, r.momentum, r.centered) == (1e-2, 0.99, 1e-8, 0, False)
    d = optim.Adam()
    assert (d.lr(0), d.betas, d.eps, d.weight_decay, d.amsgrad) == \
        (1e-3, (0.9, 0.999), 1e-8, 0, False)
    w = optim.AdamW()
    assert (w.lr(0), w.weight_decay, w.decoupled_weight_decay) == (1e-3, 1e-2, True)
    assert optim.Adagrad is optim.AdaGrad and optim.RMSprop is optim.RMSProp


def test_state_is_explicit_and_named_as_in_torch():
    opt = optim.Adam(0.1, amsgrad=True)
    x = np.array([1.0, 2.0])
    state = opt.init(x)
    assert state.step == 0 and set(state.buffers) == {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    opt.step(x, np.array([1.0, -1.0]), state)
    assert state.step == 1 and state.exp_avg == pytest.approx([0.1, -0.1])
    assert optim.AdaGrad(initial_accumulator_value=0.5).init(x).sum.tolist() == [0.5, 0.5]
    assert set(optim.SGD(momentum=0.9).init(x).buffers) == {"momentum_buffer"}
    assert set(optim.RMSProp(momentum=0.9, centered=True).init(x).buffers) == \
        {"square_avg", "grad_avg", "momentum_buffer"}
    with pytest.raises(AttributeError, match="no buffer"):
        state.momentum_buffer


def test_update_is_optax_style_and_pure():
    opt = optim.Adam(0.1)
    x = np.array([1.0, -2.0])
    state = opt.init(x)
    updates, new_state = opt.update(np.array([0.5, 0.5]), state, x)
    assert state.step == 0 and x.tolist() == [1.0, -2.0]          # nothing changed in place
    assert new_state.step == 1
    stepped = opt.step(x.copy(), np.array([0.5, 0.5]), opt.init(x))
    assert np.array_equal(x + updates, stepped)


def test_chunked_steps_equal_a_whole_array_step():
    rng = np.random.default_rng(0)
    n = optim.rules.CHUNK * 2 + 7
    x, g = rng.normal(size=n), rng.normal(size=n)
    opt = optim.RMSProp(0.01, momentum=0.9, centered=True)
    state = opt.init(x)
    y = x.copy()
    opt.step(x, g, state)
    expected = np.concatenate([opt.step(y[:5].copy(), g[:5], opt.init(y[:5])),
                               opt.step(y[5:].copy(), g[5:], opt.init(y[5:]))])
    assert np.array_equal(x, expected)


@pytest.mark.parametrize("make, message", [
    (lambda: optim.SGD(0.1, nesterov=True), "Nesterov"),
    (lambda: optim.SGD(0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
    (lambda: optim.Adam(betas=(0.9, 1.0)), "beta2"),
    (lambda: optim.Adam(betas=0.9), "pair"),
    (lambda: optim.Adam(-1e-3), "lr"),
    (lambda: optim.GD(float("nan")), "lr"),
    (lambda: optim.Momentum(0.1, beta=1.5), "beta"),
    (lambda: optim.AdaGrad(eps=-1), "eps"),
    (lambda: optim.RMSProp(alpha="a"), "alpha"),
    (lambda: optim.StepDecay(0.1, 0), "step_size"),
])
def test_bad_hyperparameters(make, message):
    with pytest.raises(OptimizerError, match=message) as info:
        make()
    assert isinstance(info.value, LagroptError) and "\n" not in str(info.value)


def test_a_schedule_returning_a_negative_rate_is_refused_at_that_step():
    opt = optim.GD(lambda k: 0.1 - 0.06 * k)
    x = np.array([1.0])
    state = opt.init(x)
    opt.step(x, np.array([1.0]), state)
    opt.step(x, np.array([1.0]), state)
    with pytest.raises(OptimizerError, match="update 2"):
        opt.step(x, np.array([1.0]), state)


@pytest.mark.parametrize("n", [5, 70_000, 200_001])
@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.3, 0.9)])
@pytest.mark.parametrize("maximize", [False, True])
def test_adam_in_place_path_is_the_rule_bit_for_bit(n, betas, maximize):
    from lagropt.optim.rules import Optimizer

    rng = np.random.default_rng(n)
    x0 = rng.normal(size=n)
    fast = optim.Adam(1e-2, betas=betas, maximize=maximize)
    generic = optim.Adam(1e-2, betas=betas, maximize=maximize)
    generic.step_arrays = types.MethodType(Optimizer.step_arrays, generic)   # the plain rule
    xa, xb = x0.copy(), x0.copy()
    sa, sb = fast.init(xa), generic.init(xb)
    for _ in range(5):
        g = rng.normal(size=n)
        fast.step(xa, g, sa)
        generic.step(xb, g, sb)                 # the rule, chunk by chunk, out of place
    assert np.array_equal(xa, xb)
    for key in ("exp_avg", "exp_avg_sq"):
        assert np.array_equal(sa.buffers[key], sb.buffers[key])
