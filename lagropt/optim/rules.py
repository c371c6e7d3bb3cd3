"""The update rules: each optimizer is a small published rule with an explicit state.

An optimizer holds only its hyperparameters. Its state -- the number of updates taken and
the buffers, named as torch names them -- lives in a :class:`State` that the caller keeps::

    opt = Adam(lr=1e-3)
    state = opt.init(x)                          # step 0, zero buffers
    opt.step(x, g, state)                        # x and state updated in place (fast)
    updates, state2 = opt.update(g, state, x)    # optax style: pure, x + updates is the step

Notation: x the parameters, g the gradient, t = 1, 2, ... the update count (torch's ``step``
after it is incremented), lr = lr(t - 1) the rate of this update (a number or a schedule,
index 0 on the first update). Every rule follows torch.optim's single-tensor implementation
(float64): the order of operations is torch's, so iterates agree with torch to rounding.

Each rule is written once, as elementwise arithmetic (:meth:`Optimizer.rule`), and traced
(each operation recorded in order) into the code that runs it: on an array, NumPy calls
writing in place on cache-sized chunks (:mod:`lagropt.optim.inplace`; a large vector split
across threads, :mod:`lagropt.optim.threads`), and for small problems
(:func:`lagropt.optim.minimize`) a fused loop on Python floats (:mod:`lagropt.optim.fused`),
and on a list of floats straight-line float code; all bit for bit the rule on NumPy arrays.
A rule that cannot be traced (it branches on its values) runs as written on arrays.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import OptimizerError
from .fused import float_step
from . import jit
from .inplace import in_place
from .schedules import as_schedule, check_number
from .template import CHUNK
from .threads import for_parts

__all__ = ["State", "Optimizer", "GD", "SGD", "Momentum", "AdaGrad", "Adagrad", "RMSProp",
           "RMSprop", "Adam", "AdamW"]



def _lerp(start, end, weight):
    """start + weight (end - start), evaluated as torch's ``lerp`` does on either side of 1/2."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


class State:
    """An optimizer's state: ``step``, the number of updates taken, and its buffers (arrays,
    or lists of floats on the small-problem path), reachable as attributes by torch's names
    (``state.exp_avg``, ``state.momentum_buffer``, ...)."""

    __slots__ = ("step", "buffers")

    def __init__(self, step: int, buffers: dict):
        self.step = step
        self.buffers = buffers

    def __getattr__(self, name):
        try:
            return self.buffers[name]
        except KeyError:
            raise AttributeError(f"the state has no buffer {name!r}; it has "
                                 f"{', '.join(self.buffers) or 'none'}") from None

    def copy(self) -> "State":
        return State(self.step, {k: v.copy() for k, v in self.buffers.items()})

    def __repr__(self) -> str:
        return f"State(step={self.step}, buffers: {', '.join(self.buffers) or 'none'})"


class Optimizer:
    """Base class: a learning rate (number or schedule), buffers, and one elementwise rule.

    Subclasses set ``buffers`` (name -> initial value) and define :meth:`coefficients` (the
    per-update scalars) and :meth:`rule` (the elementwise update).
    """

    buffers: dict = {}

    def __init__(self, lr, maximize: bool = False):
        self.lr = as_schedule(lr)
        self.maximize = bool(maximize)

    # -- the rule ----------------------------------------------------------------------------

    def coefficients(self, t: int, lr: float, xp=math) -> tuple:
        """The scalars of update ``t`` (t = 1 on the first) at rate ``lr``; ``xp`` provides
        sqrt (math, or the tracer of :mod:`lagropt.optim.fused`)."""
        return (lr,)

    def rule(self, xp, c, x, g, *buffers):
        """One elementwise update: ``(new x, *new buffers)`` from x, g and the buffers; ``xp``
        provides sqrt and maximum (NumPy, or math for floats), ``c`` is from coefficients."""
        raise NotImplementedError

    # -- driving it --------------------------------------------------------------------------

    def init(self, params) -> State:
        """The state before the first update: step 0 and the buffers at their initial values,
        shaped like ``params`` (a 1-D float array, or a list of floats)."""
        if isinstance(params, list):
            return State(0, {k: [float(v)] * len(params) for k, v in self.buffers.items()})
        x = np.asarray(params, dtype=float)
        return State(0, {k: np.full(x.shape, float(v)) for k, v in self.buffers.items()})

    @property
    def steps_by_rule(self) -> bool:
        """Whether ``step`` is the rule applied coordinate by coordinate (so that the loop may
        run the rule traced into its fused float loop, :mod:`lagropt.optim.fused`): true
        unless a subclass changed ``step`` itself."""
        return type(self).step is Optimizer.step

    def step(self, params, grads, state: State):
        """Apply one update to ``params`` and ``state`` in place; return ``params``.

        ``params`` is a 1-D float64 array (or a list of floats), ``grads`` the gradient at
        ``params`` laid out the same way.
        """
        if isinstance(params, list):
            return self.float_stepper(state)(params, grads)
        state.step += 1
        t = state.step
        c = self.coefficients(t, self.lr(t - 1))
        bufs = [state.buffers[k] for k in self.buffers]
        g = -grads if self.maximize else grads
        update = self._array_update([params, g, *bufs])
        for_parts(params.shape[0], lambda s: update(c, params[s], g[s], [b[s] for b in bufs]))
        return params

    def __setattr__(self, name, value):
        # a hyperparameter set anew is written into the in-place update at the next step
        object.__setattr__(self, name, value)
        self.__dict__.pop("_in_place", None)
        self.__dict__.pop("_jit", None)
        self.__dict__.pop("_float_steps", None)

    def _array_update(self, arrays=()):
        """``step_arrays`` when a subclass or the instance replaced it, else the rule traced
        into one compiled loop for large float64 ``arrays`` (x, g, buffers) when numba is
        installed (:mod:`lagropt.optim.jit`), else into in-place NumPy calls
        (:mod:`lagropt.optim.inplace`; compiled at the first step and whenever a
        hyperparameter was set), or the rule as written if it cannot be. All of them compute
        the same float64 operations in the same order: the same iterates bit for bit."""
        hook = self.step_arrays
        if "step_arrays" in self.__dict__ or type(self).step_arrays is not Optimizer.step_arrays:
            return hook
        if arrays and arrays[0].shape[0] >= jit.MIN_SIZE and all(
                a.dtype == np.float64 and a.flags.c_contiguous for a in arrays):
            if "_jit" not in self.__dict__:
                self.__dict__["_jit"] = jit.jit_update(self)
            if self.__dict__["_jit"] is not None:
                return self.__dict__["_jit"]
        if "_in_place" not in self.__dict__:
            self.__dict__["_in_place"] = in_place(self) or hook
        return self.__dict__["_in_place"]

    def step_arrays(self, c, x, g, bufs) -> None:
        """The rule on arrays as written, chunk by chunk (the temporaries stay in cache);
        ``c`` the step's coefficients, ``bufs`` the state's buffers in order. A subclass may
        replace it with a hand-written update (``step`` then calls it)."""
        n = x.shape[0]
        for lo in range(0, n, CHUNK):
            s = slice(lo, lo + CHUNK) if n > CHUNK else slice(None)
            out = self.rule(np, c, x[s], g[s], *[b[s] for b in bufs])
            x[s] = out[0]
            for b, v in zip(bufs, out[1:]):
                b[s] = v

    def float_stepper(self, state: State):
        """``step`` for a list of floats x and a sequence of floats g: ``stepper(x, g)``
        updates x and ``state`` in place. The rule runs traced into straight-line code for
        len(x) coordinates (:func:`lagropt.optim.fused.float_step`, compiled once per length
        and whenever a hyperparameter was set), bit for bit the array step; a rule that
        cannot be traced takes the array step on a copy."""
        bufs = [state.buffers[k] for k in self.buffers]

        def stepper(x, g):
            steps = self.__dict__.setdefault("_float_steps", {})
            if len(x) not in steps:
                steps[len(x)] = float_step(self, len(x))
            if steps[len(x)] is None:
                return self._floats_on_arrays(x, g, state)
            steps[len(x)](x, g, bufs, state, self.coefficients, self.lr)
            return x
        return stepper

    def _floats_on_arrays(self, x, g, state: State):
        """The array step on copies of the list ``x`` and the buffer lists, written back."""
        arrays = State(state.step, {k: np.array(v, dtype=float) for k, v in state.buffers.items()})
        xa = np.array(x, dtype=float)
        self.step(xa, np.asarray(g, dtype=float), arrays)
        x[:] = xa.tolist()
        for k, v in arrays.buffers.items():
            state.buffers[k][:] = v.tolist()
        state.step = arrays.step
        return x

    def update(self, grads, state: State, params) -> tuple:
        """optax style: ``(updates, new_state)`` with ``params + updates`` the updated
        parameters; ``state`` and ``params`` are left as they were."""
        x0 = np.asarray(params, dtype=float)
        new_state = state.copy()
        x = self.step(x0.copy(), np.asarray(grads, dtype=float), new_state)
        return x - x0, new_state

    def rate(self, k: int) -> float:
        """The learning rate of update ``k`` (k = 0 on the first)."""
        return self.lr(k)

    def _hyper(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra = self._hyper()
        flag = ", maximize=True" if self.maximize else ""
        return f"{type(self).__name__}(lr={self.lr!r}{', ' + extra if extra else ''}{flag})"


class GD(Optimizer):
    """Vanilla gradient descent, the lecture's x(t+1) = x(t) - eps dy/dx:

        x <- x - lr g

    Parameters
    ----------
    lr : float or schedule
        The learning rate eps (default 0.1, the lecture's ``Optimizer`` default).
    """

    def __init__(self, lr=0.1, *, maximize: bool = False):
        super().__init__(lr, maximize)

    def rule(self, xp, c, x, g):
        return (x - c[0] * g,)


class SGD(Optimizer):
    """torch.optim.SGD: gradient descent with momentum, dampening, Nesterov and L2.

        g <- g + wd x                          (weight_decay wd)
        b <- g                                 (first update: the buffer starts at g)
        b <- mu b + (1 - d) g                  (later updates; momentum mu, dampening d)
        g <- g + mu b   (nesterov)   or   g <- b
        x <- x - lr g

    The rate multiplies the buffer, not the gradient inside it: under a schedule this differs
    from the lecture's momentum (see :class:`Momentum`).

    Parameters
    ----------
    lr : float or schedule
        Default 1e-3 (torch's).
    momentum, dampening, weight_decay : float
        Default 0.
    nesterov : bool
        Nesterov momentum; requires momentum > 0 and dampening 0.
    maximize : bool
        Ascend instead (g -> -g).
    """

    def __init__(self, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov: bool = False, *, maximize: bool = False):
        super().__init__(lr, maximize)
        self.momentum = check_number("momentum", momentum)
        self.dampening = check_number("dampening", dampening)
        self.weight_decay = check_number("weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise OptimizerError("Nesterov momentum requires a momentum > 0 and zero dampening")
        self.buffers = {"momentum_buffer": 0.0} if self.momentum else {}

    def coefficients(self, t, lr, xp=math):
        # on the first update b = 0 * 0 + 1 * g = g exactly: torch's clone of the gradient
        first = t == 1
        return lr, 0.0 if first else self.momentum, 1.0 if first else 1.0 - self.dampening

    def rule(self, xp, c, x, g, *buf):
        lr, mu_t, keep = c
        if self.weight_decay:
            g = g + self.weight_decay * x
        if not buf:
            return (x - lr * g,)
        b = mu_t * buf[0] + keep * g
        g = g + self.momentum * b if self.nesterov else b
        return x - lr * g, b

    def _hyper(self):
        return (f"momentum={self.momentum!r}, dampening={self.dampening!r}, "
                f"weight_decay={self.weight_decay!r}, nesterov={self.nesterov}")


class Momentum(Optimizer):
    """The lecture's momentum (deck 003; Keras and the lecture's ``Optimizer`` class):

        nu <- beta nu + lr g,    x <- x - nu          (nu starts at 0)

    The rate sits inside the velocity nu. For a constant rate this is torch's SGD with
    ``momentum=beta`` (nu = lr b); under a schedule the two differ: here each past gradient
    keeps the rate it was taken with, in torch the current rate rescales the whole buffer.

    Parameters
    ----------
    lr : float or schedule
        The rate eta (default 0.1).
    beta : float
        Momentum coefficient in [0, 1) (default 0.9, the lecture's).
    """

    buffers = {"velocity": 0.0}

    def __init__(self, lr=0.1, beta=0.9, *, maximize: bool = False):
        super().__init__(lr, maximize)
        self.beta = check_number("beta", beta, 0.0, 1.0)

    def rule(self, xp, c, x, g, nu):
        nu = self.beta * nu + c[0] * g
        return x - nu, nu

    def _hyper(self):
        return f"beta={self.beta!r}"


class AdaGrad(Optimizer):
    """torch.optim.Adagrad (Duchi et al. 2011):

        g <- g + wd x
        clr = lr / (1 + (t - 1) lr_decay)
        S <- S + g^2                               (S starts at initial_accumulator_value)
        x <- x - clr g / (sqrt(S) + eps)           (eps outside the root)

    (optax puts eps inside the root and starts S at 0.1; lagropt follows torch.)

    Parameters
    ----------
    lr : float or schedule
        Default 1e-2.
    lr_decay, weight_decay, initial_accumulator_value : float
        Default 0.
    eps : float
        Default 1e-10.
    """

    def __init__(self, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10, *, maximize: bool = False):
        super().__init__(lr, maximize)
        self.lr_decay = check_number("lr_decay", lr_decay)
        self.weight_decay = check_number("weight_decay", weight_decay)
        self.initial_accumulator_value = check_number("initial_accumulator_value",
                                                initial_accumulator_value)
        self.eps = check_number("eps", eps)
        self.buffers = {"sum": self.initial_accumulator_value}

    def coefficients(self, t, lr, xp=math):
        return (lr / (1 + (t - 1) * self.lr_decay),)

    def rule(self, xp, c, x, g, s):
        if self.weight_decay:
            g = g + self.weight_decay * x
        s = s + g * g
        return x - c[0] * g / (xp.sqrt(s) + self.eps), s

    def _hyper(self):
        return (f"lr_decay={self.lr_decay!r}, weight_decay={self.weight_decay!r}, "
                f"initial_accumulator_value={self.initial_accumulator_value!r}, eps={self.eps!r}")


class RMSProp(Optimizer):
    """torch.optim.RMSprop (Hinton's lecture 6e):

        g <- g + wd x
        v <- alpha v + (1 - alpha) g^2
        centered:  gbar <- gbar + (1 - alpha)(g - gbar),  a = sqrt(v - gbar^2) + eps
        else:      a = sqrt(v) + eps
        momentum mu > 0:  b <- mu b + g / a,  x <- x - lr b      (b starts at 0)
        else:             x <- x - lr g / a

    (optax's default decay is 0.9 with eps inside the root; lagropt follows torch.)

    Parameters
    ----------
    lr : float or schedule
        Default 1e-2.
    alpha : float
        Smoothing constant, default 0.99.
    eps : float
        Default 1e-8.
    weight_decay, momentum : float
        Default 0.
    centered : bool
        Normalize by the estimated variance instead of the second moment.
    """

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered: bool = False, *, maximize: bool = False):
        super().__init__(lr, maximize)
        self.alpha = check_number("alpha", alpha)
        self.eps = check_number("eps", eps)
        self.weight_decay = check_number("weight_decay", weight_decay)
        self.momentum = check_number("momentum", momentum)
        self.centered = bool(centered)
        self.buffers = {"square_avg": 0.0}
        if self.centered:
            self.buffers["grad_avg"] = 0.0
        if self.momentum > 0:
            self.buffers["momentum_buffer"] = 0.0

    def rule(self, xp, c, x, g, v, *rest):
        lr, alpha = c[0], self.alpha
        if self.weight_decay:
            g = g + self.weight_decay * x
        v = v * alpha + (1 - alpha) * g * g
        out = [v]
        if self.centered:
            gbar = _lerp(rest[0], g, 1 - alpha)
            a = xp.sqrt(v - gbar * gbar) + self.eps
            out.append(gbar)
        else:
            a = xp.sqrt(v) + self.eps
        if self.momentum > 0:
            b = rest[-1] * self.momentum + g / a
            return (x - lr * b, *out, b)
        return (x - lr * g / a, *out)

    def _hyper(self):
        return (f"alpha={self.alpha!r}, eps={self.eps!r}, weight_decay={self.weight_decay!r}, "
                f"momentum={self.momentum!r}, centered={self.centered}")


class Adam(Optimizer):
    """torch.optim.Adam (Kingma & Ba 2015), bias-corrected from the first update:

        g <- g + wd x                       (coupled L2; decoupled_weight_decay: x <- x (1 - lr wd))
        m <- m + (1 - beta1)(g - m)
        v <- beta2 v + (1 - beta2) g^2
        vhat = max(vhat, v) (amsgrad, of the raw v) else v
        x <- x - (lr / (1 - beta1^t)) m / (sqrt(vhat) / sqrt(1 - beta2^t) + eps)

    (optax's AMSGrad takes the maximum of the bias-corrected v; lagropt follows torch.)

    Parameters
    ----------
    lr : float or schedule
        Default 1e-3.
    betas : (float, float)
        Default (0.9, 0.999), each in [0, 1).
    eps : float
        Default 1e-8, added after the root and the bias correction.
    weight_decay : float
        Default 0 (L2 added to the gradient; see :class:`AdamW` for decoupled decay).
    amsgrad : bool
        Normalize by the running maximum of v.
    decoupled_weight_decay : bool
        torch's switch that makes Adam into AdamW.
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False):
        super().__init__(lr, maximize)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise OptimizerError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (check_number("beta1", beta1, 0.0, 1.0),
                      check_number("beta2", beta2, 0.0, 1.0))
        self.eps = check_number("eps", eps)
        self.weight_decay = check_number("weight_decay", weight_decay)
        self.amsgrad = bool(amsgrad)
        self.decoupled_weight_decay = bool(decoupled_weight_decay)
        self.buffers = {"exp_avg": 0.0, "exp_avg_sq": 0.0}
        if self.amsgrad:
            self.buffers["max_exp_avg_sq"] = 0.0

    def coefficients(self, t, lr, xp=math):
        beta1, beta2 = self.betas
        return lr, lr / (1 - beta1 ** t), xp.sqrt(1 - beta2 ** t)

    def rule(self, xp, c, x, g, m, v, *vmax):
        lr, step_size, bc2_sqrt = c
        beta1, beta2 = self.betas
        if self.weight_decay:
            if self.decoupled_weight_decay:
                x = x * (1 - lr * self.weight_decay)
            else:
                g = g + self.weight_decay * x
        w = 1 - beta1                         # torch's lerp, inlined: this is the hot path
        m = m + w * (g - m) if w < 0.5 else g - (g - m) * (1 - w)
        v = v * beta2 + (1 - beta2) * g * g
        if vmax:
            vhat = xp.maximum(vmax[0], v)
            return x - step_size * m / (xp.sqrt(vhat) / bc2_sqrt + self.eps), m, v, vhat
        return x - step_size * m / (xp.sqrt(v) / bc2_sqrt + self.eps), m, v

    def _hyper(self):
        text = (f"betas={self.betas!r}, eps={self.eps!r}, weight_decay={self.weight_decay!r}, "
                f"amsgrad={self.amsgrad}")
        if self.decoupled_weight_decay and type(self) is Adam:
            text += ", decoupled_weight_decay=True"
        return text


class AdamW(Adam):
    """torch.optim.AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay applied
    first, then the Adam step with no L2 in the gradient:

        x <- x (1 - lr wd)
        (the Adam update of :class:`Adam` with weight_decay 0)

    Parameters as :class:`Adam`, with ``weight_decay`` default 1e-2 (torch's; optax's is 1e-4).
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)


# torch's spellings
Adagrad = AdaGrad
RMSprop = RMSProp
