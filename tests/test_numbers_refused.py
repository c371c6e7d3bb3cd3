"""Numbers that are right or refused (issue 15, item 4): each numeric path either gives an
answer checked against an independent computation, or stops with a one-line error naming the
problem."""

import subprocess
import sys

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import compiled_mse

import lagropt
from lagropt import optim
from lagropt.errors import OptimizerError, ProblemError, StatMechError
from lagropt.solver.result import Solution
from lagropt.statmech import maxent
from lagropt.statmech.discrete import RESOLUTION

x, y = sp.symbols("x y", real=True)


def run_cli(*args):
    """``python -m lagropt ARGS``: (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "lagropt", *args], capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def assert_one_line(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr


# -- subject_to=None -----------------------------------------------------------------------

def test_subject_to_none_means_no_constraints():
    p = lagropt.minimize((x - 1) ** 2 + (y + 2) ** 2, subject_to=None)
    assert p.constraints == ()
    sol = p.solve()
    assert sol.status == "optimal"
    assert sp.simplify(sol.value) == 0
    assert sol.x[x] == 1 and sol.x[y] == -2
    assert lagropt.Problem(x ** 2, "min", None).constraints == ()


@pytest.mark.parametrize("bad", [5, 1.5, "x >= 1", {x: 1}])
def test_subject_to_that_is_no_constraint_list_is_refused_in_one_line(bad):
    with pytest.raises(ProblemError, match="subject_to must be a constraint or a list") as e:
        lagropt.minimize(x ** 2, subject_to=bad)
    assert "\n" not in str(e.value)


# -- optim.minimize: data it cannot fit, and what a NaN means -------------------------------



@pytest.mark.parametrize("batch_size", [None, 2])
def test_minimize_on_zero_size_data_is_refused_in_one_line(batch_size):
    with pytest.raises(OptimizerError, match=r"data\[0\] is empty \(shape \(0, 3\)\)") as e:
        optim.minimize(compiled_mse(), np.zeros(3), optim.GD(0.1), steps=5,
                       data=(np.zeros((0, 3)), np.zeros(0)), batch_size=batch_size)
    assert "\n" not in str(e.value)


def test_minimize_of_a_python_loss_on_empty_data_or_validation_is_refused():
    def loss(v, a):
        return float(np.mean((v[0] - a) ** 2))

    def grad(v, a):
        return np.array([np.mean(2 * (v[0] - a))])

    with pytest.raises(OptimizerError, match="data is empty"):
        optim.minimize(loss, [0.0], optim.GD(0.1), grad=grad, data=(np.zeros(0),), steps=3)
    with pytest.raises(OptimizerError, match="validation is empty"):
        optim.minimize(loss, [0.0], optim.GD(0.1), grad=grad, data=(np.ones(3),), steps=3,
                       validation=(np.zeros(0),))


@pytest.mark.parametrize("bad, kind", [(np.nan, "NaN"), (np.inf, "an infinity")])
def test_minimize_names_a_nan_in_the_data(bad, kind):
    X = np.ones((4, 3))
    yv = np.array([1.0, 2.0, bad, 3.0])
    with pytest.raises(OptimizerError, match=rf"data\[1\] contains {kind} at index 2"):
        optim.minimize(compiled_mse(), np.zeros(3), optim.GD(0.1), steps=5, data=(X, yv))
    X[1, 2] = bad
    with pytest.raises(OptimizerError, match=rf"data\[0\] contains {kind} at index \(1, 2\)"):
        optim.minimize(compiled_mse(), np.zeros(3), optim.GD(0.1), steps=5, data=(X, np.ones(4)))


def _losses_fell_until_the_stop(r) -> bool:
    """The loss fell at every update the run kept: the rate was not too large."""
    kept = r.losses[:r.nit + 1]
    return bool(np.all(np.diff(kept) < 0))


@pytest.mark.parametrize("loss, x0, lr", [
    (sp.sqrt(sp.Symbol("x")), 1.0, 0.01),      # min at the domain's edge x = 0
    (sp.log(sp.Symbol("x")), 1.0, 0.1),        # unbounded below as x -> 0+
])
def test_a_step_out_of_the_domain_is_named_not_blamed_on_the_rate(loss, x0, lr):
    for opt in (optim.GD(lr), optim.Momentum(lr, 0.5)):
        r = optim.minimize(loss, [x0], opt, steps=2000)
        assert r.status == 2 and not r.success
        assert "NaN) at the finite point" in r.message and "left the loss's domain" in r.message
        assert "learning rate is likely too large" not in r.message
        assert _losses_fell_until_the_stop(r)            # the rate was fine
        assert np.isfinite(r.x).all() and r.x[0] > 0     # the last point inside the domain


def test_a_nan_from_a_python_loss_outside_its_domain_names_the_domain():
    # array path (a Python function has no fused kernel)
    r = optim.minimize(lambda v: float(np.sqrt(v[0])), [1.0], optim.GD(0.01), steps=2000,
                       grad=lambda v: 0.5 / np.sqrt(v))
    assert r.status == 2 and "left the loss's domain" in r.message
    assert "learning rate" not in r.message and r.x[0] > 0 and _losses_fell_until_the_stop(r)


@pytest.mark.parametrize("python_function", [False, True])
def test_a_gradient_that_is_not_finite_at_a_finite_loss_is_named(python_function):
    # sqrt(x) from 1/4 with rate 1/4 lands exactly on x = 0: loss 0, gradient 1/(2 sqrt 0)
    xs = sp.Symbol("x")
    if python_function:
        r = optim.minimize(lambda v: float(np.sqrt(v[0])), [0.25], optim.GD(0.25), steps=10,
                           grad=lambda v: 0.5 / np.sqrt(v))
    else:
        r = optim.minimize(sp.sqrt(xs), [0.25], optim.GD(0.25), steps=10)
    assert r.status == 2
    assert "the gradient is not finite at x = [0]" in r.message
    assert "where the loss is finite (0)" in r.message and "learning rate" not in r.message
    assert r.x[0] == 0.25


def test_a_nan_after_the_loss_grew_is_a_divergence_of_the_rate():
    # x^2 + log(x + 100) with rate 1.5: x = 1, -2, 4, ... grows until x + 100 < 0
    xs = sp.Symbol("x")
    r = optim.minimize(xs ** 2 + sp.log(xs + 100), [1.0], optim.GD(1.5), steps=100)
    assert r.status == 2
    assert r.message.startswith("diverged at step") and "not finite" in r.message
    assert "learning rate is likely too large" in r.message
    assert r.losses[r.nit] > r.losses[0]                  # it grew before the NaN


# -- verify(): "no critical point" and "unbounded" checked against scipy's best point ------

def _claim(problem, status, value=None):
    """A Solution that claims ``status`` (a wrong verdict made by hand)."""
    return Solution(status, [], [], value, problem.solve().derivation, problem)


@pytest.mark.parametrize("status, value", [("no_critical_point", None),
                                           ("no_critical_point", sp.Integer(0)),
                                           ("unbounded", -sp.oo), ("unbounded", None)])
def test_verify_refutes_a_wrong_no_optimum_verdict_with_scipys_minimum(status, value):
    p = lagropt.minimize((x - 3) ** 2 + (y + 1) ** 2)      # minimum 0 at (3, -1)
    report = lagropt.verify(p, _claim(p, status, value))
    assert not report.ok and "MISMATCH" in str(report)
    assert "scipy finds a local minimum" in report.message
    assert np.allclose(report.scipy_result.x, [3, -1], atol=1e-6)


def test_verify_refutes_a_wrong_no_critical_point_when_maximizing_under_a_constraint():
    # max -(x - 1)^2 - (y - 2)^2 on x + y = 1: the maximum is at (0, 1), f = -2
    p = lagropt.maximize(-(x - 1) ** 2 - (y - 2) ** 2, subject_to=[sp.Eq(x + y, 1)])
    report = lagropt.verify(p, _claim(p, "no_critical_point"))
    assert not report.ok and "local maximum" in report.message
    assert np.allclose(report.scipy_result.x, [0, 1], atol=1e-6)


@pytest.mark.parametrize("problem, status", [
    (lagropt.minimize(sp.exp(x) + y ** 2), "no_critical_point"),          # inf 0 at x -> -oo
    (lagropt.maximize(-sp.exp(-x) - y ** 2), "no_critical_point"),
    (lagropt.minimize(x ** 3 - 3 * x + y ** 2), "unbounded"),   # a local minimum, beaten
    (lagropt.minimize(x + y, subject_to=[sp.Eq(x * y, 1)]), "unbounded"),
])
def test_verify_accepts_a_right_no_optimum_verdict(problem, status):
    sol = problem.solve()
    assert sol.status == status
    report = lagropt.verify(problem, sol)
    assert report.ok, str(report)


# -- maxent: values of any range give the right answer or a refusal -------------------------

def mean_multiplier(values, mean, dps=700):
    """beta and p of p_i ∝ e^{-beta x_i} with E_p[x] = mean, independently: bisection of
    sum_i (x_i - m) e^{-beta (x_i - m)} = 0 (it falls with beta) at ``dps`` digits, enough
    for the e^{+-beta x} of values 1e300 apart to be told from 1."""
    with mp.workdps(dps):
        xs = [mp.mpf(float(v)) for v in values]
        m = mp.mpf(float(mean))
        h = (max(xs) - min(xs)) / 2

        def g(t):                                  # t = beta h, of order 1 to 1000
            return mp.fsum((x - m) * mp.exp(-t / h * (x - m)) for x in xs)

        lo, hi = mp.mpf(-3000), mp.mpf(3000)
        assert g(lo) > 0 > g(hi)
        for _ in range(300):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
        beta = (lo + hi) / 2 / h
        w = [mp.exp(-beta * (x - m)) for x in xs]
        return beta, [wi / mp.fsum(w) for wi in w]


@pytest.mark.parametrize("values, mean", [
    ([0, 1, 1e300], 3e299),                 # the values, a mean they resolve
    ([-1e200, 0, 3e199, 1e200], 1e199),
    ([0, 1, 1e6], 0.5),                     # 1e6 carries ~1e-11 of the probability
    ([0, 1], 1e-10),                        # a mean close to one end
])
def test_maxent_over_a_wide_range_matches_mpmath(values, mean):
    r = maxent(values, mean=mean)
    assert r.success
    beta, p = mean_multiplier(values, mean)
    x = np.array(values, dtype=float)
    # the promise: beta to RESOLUTION of its size; then p_i ∝ e^{-beta x_i} to
    # RESOLUTION |beta| (max x - min x), and the mean as well
    assert abs(r.beta - float(beta)) <= RESOLUTION * abs(float(beta))
    rtol = 2 * RESOLUTION * max(1.0, abs(float(beta)) * float(np.ptp(x)))
    for got, want in zip(r.p, p):
        assert abs(got - float(want)) <= rtol * float(want) + 1e-300
    assert abs(float(r.p @ x) - mean) <= rtol * abs(mean)
    assert abs(r.mean - mean) <= rtol * abs(mean)


@pytest.mark.parametrize("values, mean", [([0, 1, 1e300], 0.5), ([0, 1, 1e20], 0.5)])
def test_maxent_refuses_a_mean_float64_cannot_resolve(values, mean):
    with pytest.raises(StatMechError, match="float64 cannot resolve the multiplier beta") as e:
        maxent(values, mean=mean)
    assert "\n" not in str(e.value)
    # why no float64 answer can be right: the mean's last bit moves the exact beta by more
    # than RESOLUTION (for 1e300, beta = 1.375e-297 with p_3 ~ 1e-597, below the float range)
    beta, _ = mean_multiplier(values, mean)
    beta_next, _ = mean_multiplier(values, np.nextafter(mean, 1.0))
    assert abs(beta_next - beta) > RESOLUTION * abs(beta)


def test_maxent_close_to_an_end_needs_its_iterations_or_is_refused():
    # [0, 1] with mean 1e-300: beta = ln((1 - m)/m), reached by the dual in ~560 iterations
    with pytest.raises(StatMechError, match=r"max_iter reached"):
        maxent([0, 1], mean=1e-300)
    r = maxent([0, 1], mean=1e-300, max_iter=2000)
    assert r.success and abs(r.beta - 300 * np.log(10)) <= RESOLUTION * r.beta


def test_the_cli_refuses_an_unresolvable_mean_in_one_line():
    code, out, err = run_cli("maxent", "--values", "0,1,1e300", "--mean", "0.5")
    assert code == 2 and out == ""
    assert_one_line(err)
    assert "float64 cannot resolve the multiplier beta" in err


@pytest.mark.parametrize("kwargs, says", [
    (dict(values=[0, 1, 2 + 1j], mean=0.5), r"values must be real, got the complex number "
                                            r"\(2\+1j\) at index 2"),
    (dict(values=np.array([0, 1, 2 + 3j]), mean=0.5), r"\(2\+3j\) at index 2"),
    (dict(values=[0, 1, 2], mean=0.5 + 1j), r"mean must be real, got the complex number"),
    (dict(values=[0, 1, 2], mean=np.complex128(0.5 + 1j)), r"mean must be real"),
    (dict(values=[0, 1, 2], mean=0.5, degeneracy=[1, 1j, 1]), r"degeneracies must be real"),
    (dict(values=[0, 1, 2], moments={2: 1 + 1j}), r"target must be real"),
    (dict(values=[0, 1, 2], moments={(lambda v: v + 1j): 0.5}), r"constraint 1 must be real"),
])
def test_maxent_refuses_complex_input_naming_the_number(kwargs, says):
    with pytest.raises(StatMechError, match=says) as e:
        maxent(**kwargs)
    assert "\n" not in str(e.value)


def test_maxent_accepts_complex_numbers_that_are_real():
    a = maxent(np.array([0, 1, 2], dtype=complex), mean=0.5)
    b = maxent([0, 1, 2], mean=0.5)
    assert np.array_equal(a.p, b.p) and a.beta == b.beta


def test_the_cli_refuses_complex_values_in_one_line():
    code, out, err = run_cli("maxent", "--values", "0,1,2+1j", "--mean", "0.5")
    assert code == 2 and out == ""
    assert_one_line(err)
    assert "'2+1j' is not a number" in err


@pytest.mark.parametrize("python_function", [False, True])
def test_an_iterate_that_overflows_is_a_divergence_of_the_rate(python_function):
    xs = sp.Symbol("x")
    if python_function:
        r = optim.minimize(lambda v: float(v[0] ** 2), [1e100], optim.GD(1e300),
                           grad=lambda v: 2 * v, steps=10)
    else:
        r = optim.minimize(xs ** 2, [1e100], optim.GD(1e300), steps=10)
    assert r.status == 2 and "the iterate overflowed to x = [-inf]" in r.message
    assert "learning rate is likely too large" in r.message and r.x[0] == 1e100
