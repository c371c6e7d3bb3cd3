"""Large updates split across threads: the same bits as one pass, errors raised, and a
forked child (the solver's workers) gets a pool of its own."""

import multiprocessing
import threading

import numpy as np
import pytest

from lagropt import optim
from lagropt.optim import threads
from lagropt.optim.rules import Optimizer

N = threads.PARALLEL_MIN + 12_345            # split into parts, and parts into chunks


@pytest.fixture
def thread_count():
    before = optim.get_num_threads()
    yield optim.set_num_threads
    optim.set_num_threads(before)


@pytest.mark.parametrize("make", [
    lambda: optim.Adam(1e-2),                                   # the in-place Adam path
    lambda: optim.Adam(1e-2, amsgrad=True, maximize=True),      # the chunked rule
    lambda: optim.RMSProp(1e-2, centered=True, momentum=0.5),
    lambda: optim.SGD(1e-2, momentum=0.9, nesterov=True),
])
def test_a_split_update_is_the_single_pass_bit_for_bit(make, thread_count):
    rng = np.random.default_rng(7)
    x0 = rng.normal(size=N)
    grads = [rng.normal(size=N) for _ in range(3)]
    results = []
    for count in (1, 3):
        thread_count(count)
        opt, x = make(), x0.copy()
        state = opt.init(x)
        for g in grads:
            opt.step(x, g, state)
        results.append((x, state))
    (x1, s1), (x3, s3) = results
    assert np.array_equal(x1, x3)
    for key in s1.buffers:
        assert np.array_equal(s1.buffers[key], s3.buffers[key]), key


def test_the_parts_cover_the_range_once(thread_count):
    thread_count(3)
    seen = np.zeros(N, dtype=int)
    workers = set()

    def mark(part):
        seen[part] += 1
        workers.add(threading.get_ident())
    threads.for_parts(N, mark)
    assert (seen == 1).all()
    assert len(workers) == 2          # N < 3 * PARALLEL_MIN / 2: two parts, on two threads
    small = []
    threads.for_parts(10, small.append)
    assert small == [slice(None)]                # below PARALLEL_MIN: one call, this thread


def test_an_error_in_a_worker_part_is_raised(thread_count):
    thread_count(2)

    class Broken(optim.GD):
        def step_arrays(self, c, x, g, bufs):
            if x[0] == 1.0:                     # only the second part starts at a 1
                raise ValueError("worker part failed")
            return Optimizer.step_arrays(self, c, x, g, bufs)

    x = np.zeros(N)
    x[N // 2:] = 1.0                            # the second part (a worker's) fails
    opt = Broken(0.1)
    with pytest.raises(ValueError, match="worker part failed"):
        opt.step(x, np.ones(N), opt.init(x))


def test_set_num_threads_refuses_nonsense():
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="integer >= 1"):
            optim.set_num_threads(bad)


def _step_in_child(queue):
    x = np.zeros(N)
    opt = optim.Adam(0.1)
    opt.step(x, np.ones(N), opt.init(x))
    queue.put(float(x.sum()))


def test_a_forked_child_steps_on_its_own_pool(thread_count):
    thread_count(2)
    x = np.zeros(N)
    opt = optim.Adam(0.1)
    opt.step(x, np.ones(N), opt.init(x))         # the parent's pool exists now
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_step_in_child, args=(queue,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == pytest.approx(-0.1 * N)

