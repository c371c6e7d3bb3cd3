"""Learning-rate schedules give the documented sequences, index 0 on the first update; the
lecture's Optimizer(learning_rate, decay, momentum) is Momentum with InverseTimeDecay."""

import numpy as np
import pytest

from lagropt import optim


def test_documented_sequences():
    assert optim.InverseTimeDecay(0.1, 0.5).sequence(4) == \
        pytest.approx([0.1, 0.1 / 1.5, 0.1 / 2, 0.1 / 2.5], rel=1e-15)
    assert optim.ExponentialDecay(1.0, 0.5).sequence(4).tolist() == [1, 0.5, 0.25, 0.125]
    assert optim.StepDecay(1.0, 2, 0.1).sequence(5) == pytest.approx([1, 1, 0.1, 0.1, 0.01])
    assert optim.Constant(0.3).sequence(3).tolist() == [0.3] * 3
    assert optim.Schedule(lambda k: 1 / (k + 1)).sequence(3) == pytest.approx([1, 1 / 2, 1 / 3])


def test_a_learning_rate_is_a_number_a_schedule_or_a_callable_everywhere():
    for rate in (0.1, optim.Constant(0.1), lambda k: 0.1):
        for make in (optim.GD, optim.SGD, optim.Momentum, optim.AdaGrad, optim.RMSProp,
                     optim.Adam, optim.AdamW):
            assert make(rate).lr(7) == 0.1


def test_index_zero_is_the_first_update():
    rates = optim.ExponentialDecay(1.0, 0.5)
    r = optim.minimize(lambda x: 0.5 * x @ x, [1.0], optim.GD(rates), steps=3, grad=lambda x: x)
    # on x^2 / 2, x_{k+1} = x_k (1 - lr(k)): lr(0) = 1 lands on 0 in one update
    assert r.path[:, 0].tolist() == [1.0, 0.0, 0.0, 0.0]
    r = optim.minimize(lambda x: 0.5 * x @ x, [1.0], optim.GD(optim.StepDecay(0.5, 1, 0.5)),
                       steps=2, grad=lambda x: x)
    assert r.path[:, 0].tolist() == [1.0, 0.5, 0.375]        # factors 1 - 0.5, 1 - 0.25


class LectureOptimizer:
    """The lecture's class (deck 001), written out: current rate learning_rate / (1 + decay
    iterations) with iterations from 0, velocity update momentum * v - rate * grad."""

    def __init__(self, learning_rate=0.1, decay=0.0, momentum=0.0):
        self.learning_rate, self.decay, self.momentum = learning_rate, decay, momentum
        self.iterations, self.velocity = 0, 0.0

    def update(self, x, grad):
        rate = self.learning_rate / (1 + self.decay * self.iterations)
        self.velocity = self.momentum * self.velocity - rate * grad
        self.iterations += 1
        return x + self.velocity


def test_the_lecture_optimizer_class_is_momentum_with_inverse_time_decay():
    grad = lambda x: 4 * x ** 3 - 3 * x  # noqa: E731   (a double well)
    lecture, x, path = LectureOptimizer(0.05, decay=0.1, momentum=0.8), np.array([1.7]), []
    for _ in range(25):
        x = lecture.update(x, grad(x))
        path.append(x[0])
    r = optim.minimize(lambda x: float(x[0] ** 4 - 1.5 * x[0] ** 2), [1.7],
                       optim.Momentum(optim.InverseTimeDecay(0.05, 0.1), 0.8), steps=25, grad=grad)
    np.testing.assert_allclose(r.path[1:, 0], path, rtol=1e-13)
