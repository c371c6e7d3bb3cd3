"""The rule on arrays, in place: every optimizer's rule traced into NumPy calls with out= is
bit for bit the rule as written (NumPy temporaries), across chunk boundaries and threads."""

import types

import numpy as np
import pytest

from lagropt import optim
from lagropt.optim import inplace
from lagropt.optim.rules import CHUNK, Optimizer
from test_optim_fused import OPTIMIZERS, SignGD      # every optimizer, and a rule with a branch

@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("n", [5, CHUNK + 3])
@pytest.mark.parametrize("maximize", [False, True])
def test_the_in_place_update_is_the_rule_bit_for_bit(name, n, maximize):
    fast = OPTIMIZERS[name]()
    plain = OPTIMIZERS[name]()
    fast.maximize = plain.maximize = maximize
    assert inplace.in_place(fast) is not None
    plain.step_arrays = types.MethodType(Optimizer.step_arrays, plain)      # the rule as written
    rng = np.random.default_rng(n)
    xa = rng.normal(size=n)
    xb = xa.copy()
    sa, sb = fast.init(xa), plain.init(xb)
    for _ in range(4):
        g = rng.normal(size=n)
        kept = g.copy()
        fast.step(xa, g, sa)
        plain.step(xb, g, sb)
        assert np.array_equal(g, kept)                   # the caller's gradient is only read
    assert np.array_equal(xa, xb)
    for key in sa.buffers:
        assert np.array_equal(sa.buffers[key], sb.buffers[key]), key


def test_adam_in_place_needs_two_scratch_chunks_and_writes_x_m_v_where_they_are():
    source = inplace.in_place_source(optim.Adam(0.01))
    assert source.count("np.empty(") == 2 and "copyto" not in source
    assert "out=B0)" in source and "out=B1)" in source and source.rstrip().endswith("out=X)")


def test_a_hyperparameter_set_after_a_step_is_used_at_the_next():
    opt = optim.Adam(0.1)
    x = np.ones(3)
    state = opt.init(x)
    opt.step(x, np.ones(3), state)
    opt.eps = 1.0                                   # written into the compiled update as 1.0
    reference = optim.Adam(0.1, eps=1.0)
    y = x.copy()
    ref_state = state.copy()
    opt.step(x, np.ones(3), state)
    reference.step(y, np.ones(3), ref_state)
    assert np.array_equal(x, y)


def test_a_rule_that_branches_on_its_values_runs_as_written():
    opt = SignGD(0.5)
    assert inplace.in_place(opt) is None
    x = np.array([1.0, -1.0, 0.0])
    opt.step(x, np.array([2.0, -3.0, 0.0]), opt.init(x))
    assert x.tolist() == [0.5, -0.5, 0.0]
