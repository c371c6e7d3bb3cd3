"""Backpropagation against torch.autograd for the same weights, float64, when torch is installed.

CI does not install torch: these tests then skip with the reason shown by ``pytest -ra``; the
gradients are checked without torch in test_nn.py (central differences and the compiled
whole-network gradient). lagropt itself never imports torch.
"""

import numpy as np
import pytest

from lagropt import nn

torch = pytest.importorskip("torch", reason="torch is not installed: the cross-check of "
                            "backpropagation against torch.autograd is skipped (test_nn.py "
                            "checks the same gradients without it)")
F = torch.nn.functional

# each lagropt module and what torch computes for it; W is n_in x n_out (z W + b)
ACTIVATIONS = {
    nn.ReLU: F.relu,
    nn.Sigmoid: torch.sigmoid,
    nn.Tanh: torch.tanh,
}


def _torch_layer(mod, z, params):
    if isinstance(mod, nn.Linear):
        W, b = params
        return z @ W + b
    if isinstance(mod, nn.LeakyReLU):
        return F.leaky_relu(z, mod.alpha)
    if isinstance(mod, nn.Softmax):
        return torch.softmax(z, dim=1)
    return ACTIVATIONS[type(mod)](z)


def _torch_loss(loss, z, Y):
    if isinstance(loss, nn.SoftmaxCrossEntropy):
        return F.cross_entropy(z, Y.argmax(dim=1))          # mean over the batch
    if isinstance(loss, nn.CrossEntropy):
        return -(Y * torch.log(z)).sum(dim=1).mean()
    return ((z - Y) ** 2).sum(dim=1).mean()


def torch_gradient(net, theta, X, Y):
    """The same network in torch (float64), its loss and dL/dtheta by autograd, laid out as theta."""
    leaves = [tuple(torch.tensor(np.array(p), dtype=torch.float64, requires_grad=True)
                    for p in params) for params in net.unpack(theta)]
    z = torch.tensor(X, dtype=torch.float64)
    for mod, params in zip(net.modules, leaves):
        z = _torch_layer(mod, z, params)
    loss = _torch_loss(net.loss_module, z, torch.tensor(Y, dtype=torch.float64))
    loss.backward()
    grads = [p.grad.numpy().ravel() for params in leaves for p in params]
    return float(loss.detach()), np.concatenate(grads)


NETWORKS = [
    [nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 4)],
    [nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 6), nn.LeakyReLU(0.05), nn.Linear(6, 4)],
    [nn.Linear(5, 8), nn.Sigmoid(), nn.Linear(8, 4)],
]
LOSSES = [nn.SoftmaxCrossEntropy(), nn.SquaredError()]


@pytest.mark.parametrize("loss", LOSSES, ids=repr)
@pytest.mark.parametrize("k", range(len(NETWORKS)))
def test_backprop_equals_torch_autograd(k, loss):
    net = nn.Network(NETWORKS[k], loss)
    rng = np.random.default_rng(k)
    X = rng.normal(size=(32, 5))
    Y = np.eye(4)[rng.integers(0, 4, 32)]
    theta = net.init(seed=k, scheme="glorot")
    value, grad = net.value_and_grad(theta, X, Y)
    t_value, t_grad = torch_gradient(net, theta, X, Y)
    assert abs(value - t_value) <= 1e-12 * abs(t_value)
    assert np.max(np.abs(grad - t_grad)) <= 1e-12 * np.max(np.abs(t_grad))


def test_softmax_module_with_cross_entropy_equals_torch():
    net = nn.Network([nn.Linear(5, 6), nn.Tanh(), nn.Linear(6, 4), nn.Softmax()],
                     nn.CrossEntropy())
    rng = np.random.default_rng(11)
    X, Y = rng.normal(size=(16, 5)), np.eye(4)[rng.integers(0, 4, 16)]
    theta = net.init(seed=3)
    value, grad = net.value_and_grad(theta, X, Y)
    t_value, t_grad = torch_gradient(net, theta, X, Y)
    assert abs(value - t_value) <= 1e-12 * abs(t_value)
    assert np.max(np.abs(grad - t_grad)) <= 1e-12 * np.max(np.abs(t_grad))
