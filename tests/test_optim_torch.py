"""Iterates against torch.optim itself (float64, single tensor), when torch is installed.

CI does not install torch: these tests then skip with the reason shown by ``pytest -ra``. The
same rules are pinned against hand-computed values in test_optim_rules.py, which need no torch.

Agreement is to rounding, not bitwise: torch's CPU kernels evaluate ``add(alpha=)``,
``addcmul`` and ``lerp`` with a fused multiply-add (one rounding where NumPy has two). On a
well-conditioned run that stays at 1e-15; where a rule subtracts nearly equal numbers (the
centered RMSProp denominator sqrt(v - gbar^2)) or the problem amplifies differences
(Rosenbrock's valley), the last-bit differences grow, and the tolerance says how far.
"""

import numpy as np
import pytest
import sympy as sp

import lagropt
from lagropt import optim

torch = pytest.importorskip("torch", reason="torch is not installed: the cross-check against "
                            "torch.optim is skipped (the hand-computed tests still run)")

# (lagropt optimizer, torch optimizer factory) with the same hyperparameters
CASES = {
    "SGD": (lambda: optim.SGD(0.01), lambda p: torch.optim.SGD(p, 0.01)),
    "SGD-momentum": (lambda: optim.SGD(0.01, momentum=0.9),
                     lambda p: torch.optim.SGD(p, 0.01, momentum=0.9)),
    "SGD-dampening-wd": (lambda: optim.SGD(0.01, momentum=0.8, dampening=0.3, weight_decay=0.1),
                         lambda p: torch.optim.SGD(p, 0.01, momentum=0.8, dampening=0.3,
                                                   weight_decay=0.1)),
    "SGD-nesterov": (lambda: optim.SGD(0.01, momentum=0.9, nesterov=True),
                     lambda p: torch.optim.SGD(p, 0.01, momentum=0.9, nesterov=True)),
    "SGD-maximize": (lambda: optim.SGD(0.01, momentum=0.5, maximize=True),
                     lambda p: torch.optim.SGD(p, 0.01, momentum=0.5, maximize=True)),
    "Adagrad": (lambda: optim.AdaGrad(0.1), lambda p: torch.optim.Adagrad(p, 0.1)),
    "Adagrad-decay-init-wd": (
        lambda: optim.AdaGrad(0.1, lr_decay=0.01, weight_decay=0.05,
                              initial_accumulator_value=0.3, eps=1e-6),
        lambda p: torch.optim.Adagrad(p, 0.1, lr_decay=0.01, weight_decay=0.05,
                                      initial_accumulator_value=0.3, eps=1e-6)),
    "RMSprop": (lambda: optim.RMSProp(0.01), lambda p: torch.optim.RMSprop(p, 0.01)),
    "RMSprop-centered-momentum-wd": (
        lambda: optim.RMSProp(0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5,
                              centered=True),
        lambda p: torch.optim.RMSprop(p, 0.01, alpha=0.9, eps=1e-6, weight_decay=0.01,
                                      momentum=0.5, centered=True)),
    "RMSprop-momentum": (lambda: optim.RMSProp(0.01, momentum=0.9),
                         lambda p: torch.optim.RMSprop(p, 0.01, momentum=0.9)),
    "Adam": (lambda: optim.Adam(0.05), lambda p: torch.optim.Adam(p, 0.05)),
    "Adam-betas-eps-wd": (lambda: optim.Adam(0.05, betas=(0.3, 0.9), eps=1e-4, weight_decay=0.1),
                          lambda p: torch.optim.Adam(p, 0.05, betas=(0.3, 0.9), eps=1e-4,
                                                     weight_decay=0.1)),
    "Adam-amsgrad": (lambda: optim.Adam(0.05, amsgrad=True),
                     lambda p: torch.optim.Adam(p, 0.05, amsgrad=True)),
    "Adam-maximize": (lambda: optim.Adam(0.05, maximize=True),
                      lambda p: torch.optim.Adam(p, 0.05, maximize=True)),
    "AdamW": (lambda: optim.AdamW(0.05), lambda p: torch.optim.AdamW(p, 0.05)),
    "AdamW-amsgrad-wd": (lambda: optim.AdamW(0.05, weight_decay=0.3, amsgrad=True),
                         lambda p: torch.optim.AdamW(p, 0.05, weight_decay=0.3, amsgrad=True)),
}


def _quadratic(seed=0, n=6):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n))
    H = A @ A.T / n + np.eye(n)
    b = rng.normal(size=n)
    return H, b, rng.normal(size=n)


def _torch_path(make, x0, grad, steps, scheduler=None):
    p = torch.tensor(np.array(x0, dtype=float), requires_grad=True)
    opt = make([p])
    sched = scheduler(opt) if scheduler else None
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = torch.tensor(grad(p.detach().numpy().copy()))
        opt.step()
        if sched is not None:
            sched.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("name", CASES)
def test_quadratic_iterates_match_torch(name):
    """60 steps on a random 6-D quadratic (the NumPy array path)."""
    ours, theirs = CASES[name]
    H, b, x0 = _quadratic()
    grad = lambda x: H @ x - b  # noqa: E731
    r = optim.minimize(lambda x: 0.5 * x @ H @ x - b @ x, x0, ours(), steps=60, grad=grad)
    expected = _torch_path(theirs, x0, grad, 60)
    rtol = 1e-10 if "centered" in name else 1e-12        # sqrt(v - gbar^2) cancels
    np.testing.assert_allclose(r.path, expected, rtol=rtol, atol=rtol / 10)


@pytest.mark.parametrize("name", [n for n in CASES if not n.startswith("SGD")])
def test_rosenbrock_iterates_match_torch(name):
    """200 steps on Rosenbrock from a SymPy expression (the Python-float path), torch fed the
    same compiled gradient. (SGD at these rates diverges on Rosenbrock; its float path is
    checked on the quadratic below.)"""
    ours, theirs = CASES[name]
    x, y = sp.symbols("x y")
    rosenbrock = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    r = optim.minimize(rosenbrock, [-1.2, 1.0], ours(), steps=200)
    assert r.nit == 200
    expected = _torch_path(theirs, [-1.2, 1.0], lagropt.compile(rosenbrock, [x, y]).grad, 200)
    np.testing.assert_allclose(r.path, expected, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith("SGD")])
def test_sgd_float_path_matches_torch(name):
    ours, theirs = CASES[name]
    x, y = sp.symbols("x y")
    bowl = (x - 1) ** 2 + 3 * (y + 2) ** 2 + x * y
    bowl = -bowl if "maximize" in name else bowl
    r = optim.minimize(bowl, [0.5, 0.5], ours(), steps=100)
    assert r.nit == 100
    expected = _torch_path(theirs, [0.5, 0.5], lagropt.compile(bowl, [x, y]).grad, 100)
    np.testing.assert_allclose(r.path, expected, rtol=1e-12, atol=1e-14)


SCHEDULES = {
    "exponential": (optim.ExponentialDecay(0.1, 0.97),
                    lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.97)),
    "step": (optim.StepDecay(0.1, 7, 0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 7, 0.5)),
    "inverse-time": (optim.InverseTimeDecay(0.1, 0.2),
                     lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda k: 1 / (1 + 0.2 * k))),
}


@pytest.mark.parametrize("name", SCHEDULES)
@pytest.mark.parametrize("rule", ["SGD-momentum", "Adam", "RMSprop", "Adagrad"])
def test_schedules_match_torch_schedulers(name, rule):
    """A schedule's index 0 is the first update, as a torch scheduler stepped after each one."""
    ours, theirs = SCHEDULES[name]
    H, b, x0 = _quadratic(1)
    grad = lambda x: H @ x - b  # noqa: E731
    kinds = {"SGD-momentum": (lambda: optim.SGD(ours, momentum=0.9),
                              lambda p: torch.optim.SGD(p, 0.1, momentum=0.9)),
             "Adam": (lambda: optim.Adam(ours), lambda p: torch.optim.Adam(p, 0.1)),
             "RMSprop": (lambda: optim.RMSProp(ours), lambda p: torch.optim.RMSprop(p, 0.1)),
             "Adagrad": (lambda: optim.AdaGrad(ours), lambda p: torch.optim.Adagrad(p, 0.1))}
    make_ours, make_theirs = kinds[rule]
    r = optim.minimize(lambda x: 0.5 * x @ H @ x - b @ x, x0, make_ours(), steps=40, grad=grad)
    expected = _torch_path(make_theirs, x0, grad, 40, theirs)
    np.testing.assert_allclose(r.path, expected, rtol=1e-12, atol=1e-13)


def test_lecture_momentum_is_torch_sgd_for_a_constant_rate_only():
    H, b, x0 = _quadratic(2)
    grad = lambda x: H @ x - b  # noqa: E731
    loss = lambda x: 0.5 * x @ H @ x - b @ x  # noqa: E731
    constant = optim.minimize(loss, x0, optim.Momentum(0.05, 0.9), steps=30, grad=grad)
    expected = _torch_path(lambda p: torch.optim.SGD(p, 0.05, momentum=0.9), x0, grad, 30)
    np.testing.assert_allclose(constant.path, expected, rtol=1e-12, atol=1e-13)
    decayed = optim.minimize(loss, x0, optim.Momentum(optim.ExponentialDecay(0.05, 0.8), 0.9),
                             steps=30, grad=grad)
    torch_decayed = _torch_path(lambda p: torch.optim.SGD(p, 0.05, momentum=0.9), x0, grad, 30,
                                lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.8))
    assert np.abs(decayed.path - torch_decayed).max() > 1e-3


def test_step_on_a_large_vector_matches_torch_adam_foreach():
    """The chunked NumPy path (more than one chunk) against torch's foreach Adam."""
    rng = np.random.default_rng(3)
    n = 200_003
    x = rng.normal(size=n)
    opt, state = optim.Adam(1e-2, weight_decay=0.01), None
    state = opt.init(x)
    p = torch.tensor(x.copy(), requires_grad=True)
    topt = torch.optim.Adam([p], 1e-2, weight_decay=0.01, foreach=True)
    for _ in range(3):
        g = rng.normal(size=n)
        opt.step(x, g, state)
        p.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(state.exp_avg_sq, topt.state[p]["exp_avg_sq"].numpy(), rtol=1e-12)
