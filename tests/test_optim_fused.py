"""The fused float loop of small problems: every optimizer's traced rule gives bit for bit the
iterates of its array step, and the loop keeps the checked loop's verdicts."""

import io
import math
import sys

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import optim
from lagropt.optim import fused

x, y, z = sp.symbols("x y z")
# a coupled, non-quadratic loss: exp and a quartic make each coordinate's gradient differ
BOWL = (x - 1) ** 2 + 2 * (y + x * z) ** 2 + (z - 0.5) ** 4 + sp.exp(x / 4)
LOSS, CAP = lagropt.compile(BOWL, [x, y, z]), lagropt.compile(-BOWL, [x, y, z])  # CAP: ascend
X0 = [0.3, -1.2, 2.0]

OPTIMIZERS = {
    "gd": lambda: optim.GD(0.05),
    "sgd": lambda: optim.SGD(0.01),
    "sgd-momentum": lambda: optim.SGD(0.01, momentum=0.9),
    "sgd-dampening-wd": lambda: optim.SGD(0.01, momentum=0.8, dampening=0.3, weight_decay=0.1),
    "sgd-nesterov": lambda: optim.SGD(0.01, momentum=0.9, nesterov=True),
    "momentum": lambda: optim.Momentum(0.01, 0.9),
    "adagrad": lambda: optim.AdaGrad(0.1, lr_decay=0.01, weight_decay=0.05,
                                     initial_accumulator_value=0.1),
    "rmsprop": lambda: optim.RMSProp(0.01),
    "rmsprop-centered-momentum": lambda: optim.RMSProp(0.01, centered=True, momentum=0.5,
                                                       weight_decay=0.01),
    "adam": lambda: optim.Adam(0.01),
    "adam-small-beta1": lambda: optim.Adam(0.01, betas=(0.3, 0.9)),   # the other lerp branch
    "adam-amsgrad-wd": lambda: optim.Adam(0.01, amsgrad=True, weight_decay=0.1),
    "adamw": lambda: optim.AdamW(0.01),
    "adam-inverse-time": lambda: optim.Adam(optim.InverseTimeDecay(0.05, 0.1)),
    "gd-callable-schedule": lambda: optim.GD(lambda k: 0.05 / (1 + k) ** 0.5),
    "sgd-momentum-step-decay": lambda: optim.SGD(optim.StepDecay(0.02, 10, 0.5), momentum=0.9),
}


class SignGD(optim.GD):
    """x <- x - lr sign(g), written with a branch: a rule that cannot be traced."""

    def rule(self, xp, c, x, g):
        if isinstance(g, np.ndarray):
            return (x - c[0] * np.sign(g),)
        return (x - c[0] * (1.0 if g > 0 else -1.0 if g < 0 else 0.0),)


def _array_steps(make, steps, maximize=False):
    """The reference: the optimizer's array step on the kernel's gradient, as NumPy arrays."""
    opt = make()
    opt.maximize = maximize
    kernel = (CAP if maximize else LOSS).raw("value_and_grad")
    xs = np.array(X0)
    state = opt.init(xs)
    path = [xs.copy()]
    for _ in range(steps):
        out = kernel(*xs)
        opt.step(xs, np.array(out[1:], dtype=float), state)
        path.append(xs.copy())
    return np.array(path), state


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("maximize", [False, True])
def test_the_fused_loop_is_the_array_step_bit_for_bit(name, maximize):
    make = OPTIMIZERS[name]
    opt = make()
    opt.maximize = maximize
    assert fused.fused_loop(opt, 3, keep_path=True, tol=False, extras=False) is not None
    steps = 60
    reference, ref_state = _array_steps(make, steps, maximize)
    r = optim.minimize(CAP if maximize else LOSS, X0, opt, steps=steps)
    assert r.nit == steps and r.status == 1, r.message
    assert np.array_equal(r.path, reference), np.abs(r.path - reference).max()
    assert r.state.step == ref_state.step == steps
    for key, buffer in ref_state.buffers.items():
        assert np.array_equal(r.state.buffers[key], buffer), key
    # without a path the run ends at the same point
    short = optim.minimize(CAP if maximize else LOSS, X0, opt, steps=steps, keep_path=False)
    assert np.array_equal(short.x, reference[-1]) and short.path.shape == (2, 3)


def test_the_losses_are_the_kernels_values_along_the_path():
    r = optim.minimize(LOSS, X0, optim.Adam(0.01), steps=25)
    kernel = LOSS.raw("value_and_grad")
    assert r.losses.tolist()[:-1] == [kernel(*row)[0] for row in r.path[:-1]]


def test_a_rule_that_branches_on_its_values_runs_on_arrays():
    opt = SignGD(0.01)
    assert fused.fused_loop(opt, 3, keep_path=True, tol=False, extras=False) is None
    r = optim.minimize(LOSS, X0, opt, steps=30)
    reference, _ = _array_steps(lambda: SignGD(0.01), 30)
    assert np.array_equal(r.path, reference)


def test_traced_values_refuse_what_is_not_arithmetic():
    tape = fused.Tape()
    v = fused.Traced(tape, "v")
    for use in (bool, abs, float, lambda a: a < 1, lambda a: a == 1, math.sqrt):
        with pytest.raises(fused.Untraceable):
            use(v)
    w = 2 * v - 1 / (v + 0.5) ** 2
    assert tape.lines == ["_0 = 2 * v", "_1 = v + 0.5", "_2 = _1 ** 2", "_3 = 1 / _2",
                          "_4 = _0 - _3"] and w.name == "_4"
    with pytest.raises(fused.Untraceable):
        v + math.inf                        # repr(inf) is not Python


def test_coefficients_that_branch_on_t_are_called_each_step():
    lines = fused.trace_step(optim.SGD(0.01, momentum=0.9), 1, 0.01)
    assert lines[0] == "c_0, c_1, c_2, = coefficients(t, 0.01)"
    adam = fused.trace_step(optim.Adam(0.01), 1, 0.01)
    assert "_0 = 0.9 ** t" in adam and not any("coefficients" in line for line in adam)


def test_a_zero_denominator_in_the_update_is_reported_at_its_step():
    # AdaGrad with eps = 0 divides 0 by sqrt(0) + 0 in the coordinate whose gradient is 0
    r = optim.minimize(x ** 2 + y ** 2, [2.0, 0.0], optim.AdaGrad(1.0, eps=0.0), steps=10)
    assert r.status == 2 and not r.success and r.nit == 0
    assert "step 0 divided by zero" in r.message and "eps = 0" in r.message
    assert r.x.tolist() == [2.0, 0.0]                  # not half updated


def test_divergence_and_stalls_in_the_fused_loop_match_the_array_loop():
    from lagropt.optim.regularization import Regularized

    grow = optim.minimize((x - 1) ** 2 + 3 * (y + 2) ** 2, [0.0, 0.0], optim.GD(0.5),
                          steps=1000)
    # the same run on arrays: a regularized optimizer with nothing added steps on arrays
    on_arrays = optim.minimize((x - 1) ** 2 + 3 * (y + 2) ** 2, [0.0, 0.0],
                               Regularized(optim.GD(0.5)), steps=1000)
    assert grow.status == on_arrays.status == 2 and grow.nit == on_arrays.nit
    assert grow.message == on_arrays.message
    assert np.array_equal(grow.path, on_arrays.path) and np.array_equal(grow.x, on_arrays.x)
    for keep_path in (True, False):
        stall = optim.minimize((x - 1) ** 2 + y ** 2, [0.0, 0.0],
                               optim.GD(optim.ExponentialDecay(0.1, 0.0)), steps=100,
                               keep_path=keep_path)
        assert stall.status == 3 and "since step 1 of 100" in stall.message


@pytest.mark.parametrize("tol", [None, 1e-6])
@pytest.mark.parametrize("keep_path", [True, False])
@pytest.mark.parametrize("with_callback", [False, True])
@pytest.mark.parametrize("case", ["1-d", "2-d"])
def test_every_run_option_gives_the_array_loops_result(tol, keep_path, with_callback, case,
                                                       monkeypatch):
    from lagropt.optim import loop

    class Terminal(io.StringIO):             # the progress bars draw on a terminal only
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    f, x0 = {"1-d": ((x - 3) ** 2 + sp.cos(x), [0.5]),
             "2-d": ((x - 1) ** 2 + 3 * (y + 2) ** 2, [0.0, 0.0])}[case]

    def run():
        seen = []
        callback = (lambda r: seen.append(r.nit) or r.nit == 150) if with_callback else None
        r = optim.minimize(f, x0, optim.SGD(0.05, momentum=0.9, nesterov=True), steps=300,
                           tol=tol, keep_path=keep_path, callback=callback, progress=True)
        return r, seen

    fast, fast_seen = run()
    monkeypatch.setattr(loop, "SCALAR_MAX", 0)          # the same run on arrays
    slow, slow_seen = run()
    assert fast.status == slow.status and fast.message == slow.message
    assert fast.nit == slow.nit and fast_seen == slow_seen
    assert np.array_equal(fast.x, slow.x) and np.array_equal(fast.path, slow.path)
    assert np.array_equal(fast.losses, slow.losses)
    assert sys.stderr.getvalue().count(f"{fast.nit}/300") >= 2      # both bars end there


def _on_both_paths(monkeypatch, run):
    """``run()`` on the fused float loop, then on arrays (the same loop, the other engine)."""
    from lagropt.optim import loop

    fast = run()
    with monkeypatch.context() as patch:
        patch.setattr(loop, "SCALAR_MAX", 0)
        slow = run()
    return fast, slow


def _same_run(fast, slow):
    assert fast.status == slow.status and fast.message == slow.message, (fast.message,
                                                                          slow.message)
    assert fast.nit == slow.nit and np.array_equal(fast.x, slow.x)
    assert np.array_equal(fast.path, slow.path) and np.array_equal(fast.losses, slow.losses)


@pytest.mark.parametrize("keep_path", [True, False])
@pytest.mark.parametrize("case, says", [
    # GD(1) from 1 lands on x = 0, where 1/x is infinite: the raw kernel raises there
    ("pole", "the loss is not finite (inf) at the finite point x = [0]"),
    # sqrt(x) from 1/4 with GD(1/4) lands on 0: loss 0, gradient 1/(2 sqrt 0)
    ("edge", "the gradient is not finite at x = [0] (the step from [0.25]), where the loss is"),
    ("grow", "diverged at step"),                      # GD(1.2) on x^2: |x| grows 1.4x a step
    ("stall", "stalled: the updates have not changed x since step 1 of 50"),
    ("zero-rate", "the update at step 2 divided by zero"),    # a schedule 1/(2 - k)
])
def test_every_ending_is_the_same_on_both_engines(case, says, keep_path, monkeypatch):
    """Where the raw float kernel raises (1/0, 0/0), the fused loop reads the point as the
    array path does; growth, stalls and an update that raises end alike too."""
    loss, x0, lr = {
        "pole": (1 / x + x ** 2, 1.0, 1.0), "edge": (sp.sqrt(x), 0.25, 0.25),
        "grow": (x ** 2, 1.0, 1.2), "stall": ((x - 1) ** 2, 0.0, optim.ExponentialDecay(0.1, 0)),
        "zero-rate": ((x - 3) ** 2, 1.0, lambda k: 0.1 / (2 - k))}[case]
    fast, slow = _on_both_paths(monkeypatch, lambda: optim.minimize(
        loss, [x0], optim.GD(lr), steps=50, keep_path=keep_path))
    _same_run(fast, slow)
    assert fast.status in (2, 3) and says in fast.message, fast.message
    if case in ("pole", "edge"):
        assert fast.nit == 0 and fast.x.tolist() == [x0]       # the last finite point


def test_an_error_in_the_callback_reaches_the_caller_on_both_engines(monkeypatch):
    def callback(r):
        if r.nit == 3:
            raise ValueError("the callback's own error")

    def run():
        with pytest.raises(ValueError, match="the callback's own error"):
            optim.minimize(x ** 2, [1.0], optim.GD(0.1), steps=10, callback=callback)
        return None

    _on_both_paths(monkeypatch, run)


def test_the_loop_is_one_source_for_both_engines():
    """The checks appear once, in the same order, in the source of either engine's loop."""
    from lagropt.optim import template

    floats = fused.floats(tuple(fused.trace_step(optim.GD(0.1), 1, 0.1)), 1, 0, False)
    order = ["EVALUATION_ERRORS", "NOT_FINITE", "GREW", "append_loss", "CONVERGED",
             "UPDATE_ERRORS", "STOPPED", "DONE"]
    for engine in (floats, template.arrays(False), template.arrays(True)):
        source = template.loop_source(engine, maximize=False, keep_path=True, tol=True,
                                      extras=True).split("\n", 1)[1]     # below the def line
        where = [source.index(word) for word in order]
        assert where == sorted(where) and all(source.count(w) == 1 for w in order[1:]), source


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("maximize", [False, True])
def test_a_step_on_a_list_of_floats_is_the_array_step_bit_for_bit(name, maximize):
    """step() on a list runs the rule traced into straight-line float code."""
    on_list, on_array = OPTIMIZERS[name](), OPTIMIZERS[name]()
    on_list.maximize = on_array.maximize = maximize
    assert fused.float_step(on_list, 3) is not None
    xs, xa = list(X0), np.array(X0)
    ls, sa = on_list.init(xs), on_array.init(xa)
    rng = np.random.default_rng(3)
    for _ in range(12):
        g = rng.normal(size=3)
        on_list.step(xs, g.tolist(), ls)
        on_array.step(xa, g, sa)
        assert xs == xa.tolist()
    assert ls.step == sa.step == 12
    for key, buffer in sa.buffers.items():
        assert ls.buffers[key] == buffer.tolist(), key


def test_a_rule_that_branches_steps_a_list_through_the_array_step():
    opt = SignGD(0.5)
    assert fused.float_step(opt, 2) is None
    xs = [1.0, -1.0]
    state = opt.init(xs)
    opt.step(xs, [2.0, 0.0], state)
    assert xs == [0.5, -1.0] and state.step == 1 and isinstance(xs, list)
