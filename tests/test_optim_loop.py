"""The one loop: what it accepts, mini-batches and seeds, early stopping, divergence and
stalls, the result it returns."""

import io
import math
import os
import sys

import numpy as np
import pytest
import sympy as sp
from conftest import compiled_mse

import lagropt
from lagropt import optim
from lagropt.errors import OptimizerError

x, y = sp.symbols("x y")
BOWL = (x - 1) ** 2 + 3 * (y + 2) ** 2


def bowl(v):
    return float((v[0] - 1) ** 2 + 3 * (v[1] + 2) ** 2)


def bowl_grad(v):
    return np.array([2 * (v[0] - 1), 6 * (v[1] + 2)])


@pytest.fixture(scope="module")
def regression():
    f = compiled_mse()
    rng = np.random.default_rng(1)
    Xv = rng.normal(size=(40, 3))
    yv = Xv @ np.array([1.0, -2.0, 0.5]) + 0.05 * rng.normal(size=40)
    return f, Xv, yv


def test_expression_compiled_and_callable_give_the_same_iterates():
    """The SymPy expression runs on Python floats, the compiled loss with arrays and a callable
    with its gradient; GD on this bowl has the closed form x_k - 1 = (1 - 2 lr)^k (x0 - 1)."""
    a = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=20)
    b = optim.minimize(lagropt.compile(BOWL, [x, y]), [0.0, 0.0], optim.GD(0.1), steps=20)
    c = optim.minimize(bowl, [0.0, 0.0], optim.GD(0.1), steps=20, grad=bowl_grad)
    d = optim.minimize(lambda v: (bowl(v), bowl_grad(v)), [0.0, 0.0], optim.GD(0.1), steps=20,
                       grad=True)
    for r in (b, c, d):
        np.testing.assert_allclose(r.path, a.path, rtol=1e-15, atol=1e-15)
    k = np.arange(21)
    np.testing.assert_allclose(a.path[:, 0], 1 - 0.8 ** k, rtol=1e-13)
    np.testing.assert_allclose(a.path[:, 1], -2 + 2 * 0.4 ** k, rtol=1e-13, atol=1e-15)
    assert a.losses[0] == 13 and a.losses[-1] == pytest.approx(bowl(a.x), rel=1e-15)
    # 20 steps with no tol: no convergence test ran, so not a success (scipy's meaning)
    assert a.nit == 20 and not a.success and a.status == 1 and "completed 20 steps" in a.message
    assert "no convergence test" in a.message


def test_wrt_orders_the_variables_and_the_default_is_by_name():
    r = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=200, tol=1e-10, wrt=[y, x])
    assert r.x == pytest.approx([-2, 1])
    p2, p10 = sp.symbols("p2 p10")
    r = optim.minimize((p2 - 2) ** 2 + (p10 - 10) ** 2, [0.0, 0.0], optim.GD(0.25), steps=60)
    assert r.x == pytest.approx([2, 10])                            # p2 before p10


def test_central_differences_are_the_lectures_gradient():
    g = optim.central_difference(bowl, np.array([0.3, -1.0]))
    np.testing.assert_allclose(g, bowl_grad([0.3, -1.0]), rtol=1e-9)
    r = optim.minimize(bowl, [0.0, 0.0], optim.GD(0.1), steps=300, grad="central", tol=1e-7)
    assert r.success and r.x == pytest.approx([1, -2], abs=1e-7)


def test_tol_stops_at_the_first_small_gradient():
    r = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=10_000, tol=1e-6)
    assert r.success and r.status == 0 and np.abs(r.jac).max() <= 1e-6
    assert np.abs(bowl_grad(r.path[-2])).max() > 1e-6               # it did not stop late
    short = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=5, tol=1e-6)
    assert not short.success and short.status == 1 and "not converged" in short.message


def test_full_batch_equals_batch_size_m(regression):
    f, Xv, yv = regression
    full = optim.minimize(f, np.zeros(3), optim.SGD(0.1), steps=30, data=(Xv, yv))
    batch = optim.minimize(f, np.zeros(3), optim.SGD(0.1), steps=30, data=(Xv, yv),
                           batch_size=40, seed=0)
    np.testing.assert_allclose(batch.path, full.path, rtol=1e-14, atol=1e-15)


def test_minibatch_gradients_use_the_rows_of_a_seeded_permutation(regression):
    f, Xv, yv = regression
    r = optim.minimize(f, np.zeros(3), optim.SGD(0.05), steps=7, data=(Xv, yv), batch_size=16,
                       seed=3, shuffle=True)
    # the same by hand: each epoch a permutation from default_rng(3), batches 16, 16, 8
    rng, b, path = np.random.default_rng(3), np.zeros(3), [np.zeros(3)]
    for epoch in range(3):
        order = rng.permutation(40)
        for start in (0, 16, 32):
            if len(path) == 8:
                break
            rows = order[start:start + 16]
            Xb, yb = Xv[rows], yv[rows]
            b = b - 0.05 * (2 / len(rows)) * Xb.T @ (Xb @ b - yb)     # mean over the batch
            path.append(b)
    np.testing.assert_allclose(r.path, np.array(path), rtol=1e-12, atol=1e-15)
    assert r.epoch_losses.shape == (2,)                        # epochs end after steps 3 and 6


def test_a_seeded_sgd_run_is_reproducible(regression):
    f, Xv, yv = regression
    runs = [optim.minimize(f, np.zeros(3), optim.SGD(0.01, momentum=0.5), epochs=3,
                           data=(Xv, yv), batch_size=1, seed=seed) for seed in (7, 7, 8)]
    assert runs[0].nit == 120                                   # 3 epochs of 40 rows
    assert np.array_equal(runs[0].path, runs[1].path)
    assert not np.array_equal(runs[0].path, runs[2].path)
    assert np.abs(runs[0].x - [1, -2, 0.5]).max() < 0.2         # stochastic, but near


def test_early_stopping_returns_the_best_validation_iterate(regression):
    f, Xv, yv = regression
    rng = np.random.default_rng(5)
    Xval = rng.normal(size=(20, 3))
    yval = Xval @ np.array([0.0, 0.0, 3.0])                     # a different truth: overfit
    r = optim.minimize(f, np.zeros(3), optim.GD(0.05), steps=500, data=(Xv, yv),
                       validation=(Xval, yval), patience=5)
    assert r.status == 4 and r.success and "early stopping" in r.message
    best = int(np.argmin(r.val_losses))
    assert r.best_nit == best + 1 and np.array_equal(r.x, r.path[best + 1])
    assert len(r.val_losses) == best + 1 + 5 and r.nit == len(r.val_losses)


def test_divergence_stops_at_the_last_finite_iterate_and_names_the_learning_rate():
    r = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.5), steps=1000)  # |1 - 6 lr| = 2
    assert not r.success and r.status == 2
    assert "learning rate is likely too large: try lr = 0.05" in r.message
    assert np.isfinite(r.x).all() and np.isfinite(r.losses).all()
    assert r.losses[-1] <= 13 + 1e6 * 13 and len(r.path) == r.nit + 1


def test_nan_from_the_users_function_is_a_divergence():
    def loss(v):
        return float(np.log(v[0]) ** 2)                   # nan once x leaves x > 0

    r = optim.minimize(loss, [2.0], optim.GD(5.0), steps=100, grad=lambda v: 2 * np.log(v) / v)
    assert not r.success and "not finite" in r.message and np.isfinite(r.x).all()
    assert r.x[0] > 0


def test_a_rate_decayed_to_zero_stalls():
    r = optim.minimize(BOWL, [0.0, 0.0], optim.GD(optim.ExponentialDecay(0.1, 0.0)), steps=100)
    assert r.status == 3 and not r.success and "stalled" in r.message
    assert r.nit == 100 and "since step 1 of 100" in r.message   # one real step, then still
    assert np.array_equal(r.path[1], r.path[-1])


def test_a_stationary_start_is_reported_as_such():
    r = optim.minimize(x ** 2 * y ** 2, [0.0, 0.0], optim.Adam(0.1), steps=100)
    assert r.status == 0 and r.success and "exactly zero" in r.message


def test_callback_sees_every_step_and_can_stop():
    seen = []

    def callback(result):
        seen.append((result.nit, result.fun))
        return result.nit == 3

    r = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=100, callback=callback)
    assert [n for n, _ in seen] == [1, 2, 3] and r.status == 99 and r.nit == 3
    assert not r.success and "callback" in r.message          # scipy: status 99, no success


class Terminal(io.StringIO):
    """A buffer that says it is a terminal, as stderr in an interactive shell."""

    def isatty(self):
        return True


def test_progress_bar(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=50, progress=True)
    err = sys.stderr.getvalue()
    assert "descent: 100%|" in err and "50/50" in err and "it/s" in err and "loss=" in err
    assert err.endswith("\n")                         # tqdm leaves the finished bar on its line
    monkeypatch.setattr(sys, "stderr", Terminal())
    optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=50, progress="gd, rate 0.1")
    assert sys.stderr.getvalue().startswith("\rgd, rate 0.1:")     # a string names the bar


def test_progress_bar_is_tqdms_with_the_loss_in_its_postfix():
    from tqdm.auto import tqdm

    stream = Terminal()
    bar = optim.progress.ProgressBar(10, stream=stream)
    assert isinstance(bar.bar, tqdm) and not bar.silent
    bar.update(5, 1.5, force=True)
    drawn = stream.getvalue().split("\r")[-1]        # the last redraw
    assert " 50%|" in drawn and "5/10" in drawn and "loss=1.5]" in drawn
    bar.detail = "chunk 2/4"
    bar.update(7, 0.25, force=True)
    assert "7/10" in stream.getvalue() and "loss=0.25, chunk 2/4]" in stream.getvalue()
    bar.close(10, 0.125)
    assert "10/10" in stream.getvalue() and "loss=0.125, chunk 2/4]" in stream.getvalue()


def test_progress_bar_writes_nothing_off_a_terminal(capsys, tmp_path):
    optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=50, progress=True)
    assert capsys.readouterr().err == ""                   # captured: not a terminal
    buffer = io.StringIO()                                 # a buffer, as a pipe: not a terminal
    bar = optim.progress.ProgressBar(10, stream=buffer)
    assert bar.silent
    bar.update(5, 1.5, force=True)
    bar.close(10, 1.0)
    assert buffer.getvalue() == ""
    with open(tmp_path / "log.txt", "w") as log:           # a log file
        bar = optim.progress.ProgressBar(10, stream=log)
        bar.update(5, 1.5, force=True)
        bar.close(10, 1.0)
    assert (tmp_path / "log.txt").read_text() == ""
    read, write = os.pipe()                                # a real pipe
    with os.fdopen(write, "w") as pipe:
        bar = optim.progress.ProgressBar(10, stream=pipe)
        bar.update(5, 1.5, force=True)
        bar.close(10, 1.0)
    with os.fdopen(read) as end:
        assert end.read() == ""


def test_keep_path_false_keeps_the_ends():
    r = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=20, keep_path=False)
    full = optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=20)
    assert r.path.shape == (2, 2) and np.array_equal(r.path[-1], full.x)


@pytest.mark.parametrize("call, message", [
    (lambda: optim.minimize(bowl, [0.0, 0.0], optim.GD(0.1)), "needs its gradient"),
    (lambda: optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), grad=bowl_grad), "drop grad"),
    (lambda: optim.minimize(BOWL, [0.0, 0.0], "adam"), "optimizer"),
    (lambda: optim.minimize(BOWL, [0.0, math.nan], optim.GD(0.1)), "x0"),
    (lambda: optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), batch_size=2), "per-sample"),
    (lambda: optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), patience=3), "validation"),
    (lambda: optim.minimize(BOWL, [0.0, 0.0], optim.GD(0.1), steps=-1), "steps"),
    (lambda: optim.minimize(lambda v: math.log(v[0]), [-1.0], optim.GD(0.1), grad="central"),
     None),
])
def test_clear_errors(call, message):
    with pytest.raises((OptimizerError, ValueError)) as info:
        call()
    if message:
        assert message in str(info.value)


def test_data_count_is_checked(regression):
    f, Xv, yv = regression
    with pytest.raises(OptimizerError, match="2 data argument"):
        optim.minimize(f, np.zeros(3), optim.GD(0.1), data=(Xv,))


def test_compiled_bound_is_value_and_grad_without_checks(regression):
    f, Xv, yv = regression
    vg = f.bound(np.zeros(3), Xv, yv)
    p = np.array([0.3, -1.0, 2.0])
    value, grad = vg(p)
    expected = f.value_and_grad(p, Xv, yv)
    assert value == expected[0] and np.array_equal(grad, expected[1])
    value, grad = vg(np.array([np.nan, 0.0, 0.0]))               # returned, not raised
    assert math.isnan(value) and np.isnan(grad).all()
    with pytest.raises(lagropt.DataError):
        f.bound(np.zeros(3), Xv[:, :2], yv)                       # shapes checked once


def test_updates_vanishing_at_the_minimum_are_convergence_to_rounding():
    f = sp.exp(x) - 2 * x + (y - 0.7) ** 2                      # minimum at (ln 2, 0.7)
    r = optim.minimize(f, [0.0, 0.0], optim.GD(0.1), steps=2000)
    assert r.status == 0 and r.success and "zero to rounding" in r.message
    assert r.nit == 2000 and len(r.path) == 2001          # the run is never cut short by it
    assert np.abs(r.x - [np.log(2), 0.7]).max() < 1e-15
    strict = optim.minimize(f, [0.0, 0.0], optim.GD(0.1), steps=2000, tol=1e-300)
    assert strict.status == 3 and not strict.success and "below what float64" in strict.message


def test_the_small_problem_fast_path_is_kept_for_every_plain_rule():
    """minimize runs small problems on Python floats through float_stepper when step is the
    rule itself: Adam's in-place array step must not switch that off (a 10x slower loop)."""
    from lagropt.optim.regularization import Regularized

    for opt in (optim.GD(0.1), optim.SGD(0.1, momentum=0.9), optim.Momentum(0.1, 0.9),
                optim.AdaGrad(0.1), optim.RMSProp(0.01), optim.Adam(0.01), optim.AdamW(0.01)):
        assert opt.steps_by_rule, opt
    assert not Regularized(optim.GD(0.1), l1=0.1).steps_by_rule
