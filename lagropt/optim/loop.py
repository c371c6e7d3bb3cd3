"""The one loop: drive an update rule over a loss, full-batch, stochastic or mini-batch.

See :func:`minimize`. Small problems in scalar parameters (a SymPy expression in x, y, or a
compiled loss with scalar parameters and scalar data) run on Python floats with the raw
generated gradient, the optimizer's rule traced into one fused loop
(:mod:`lagropt.optim.fused`): a step of 2-D Adam then costs about 2 us instead of the ~50 us
of a checked NumPy call. Either way the run is the one loop of :mod:`lagropt.optim.template`
(its checks written once, compiled for arrays or for floats), and :meth:`_Run.conclude`
reads why it stopped.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
from scipy.optimize import OptimizeResult

from ..errors import OptimizerError
from . import fused, template
from .batches import batches as make_batches
from .objective import as_data, as_objective, check_data
from .progress import ProgressBar
from .regularization import Chain
from .rules import Optimizer
from .schedules import Constant
from .template import max_abs as _max_abs

__all__ = ["minimize"]

SCALAR_MAX = 32      # parameters up to which a scalar problem runs on Python floats
STALL_STEPS = 10     # updates that left x unchanged at the end of a run: it stalled

# status codes as scipy.optimize.minimize's: 0 converged, 1 the step limit reached, 99 the
# callback asked to stop; 2-4 lagropt's own reasons to stop
CONVERGED, COMPLETED, DIVERGED, STALLED, EARLY_STOPPED = range(5)
CALLBACK = 99
_SQRT_EPS = float(np.sqrt(np.finfo(float).eps))


def _count(name: str, value, low: int = 0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise OptimizerError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _trailing_repeats(path) -> int:
    """How many of the last rows of ``path`` (an array, a row per iterate) equal the row
    before them, consecutively."""
    if len(path) < 2 or not np.array_equal(path[-1], path[-2]):
        return 0                       # the common case, without a pass over the path
    same = (path[1:] == path[:-1]).all(axis=1)
    changed = np.flatnonzero(~same)
    return len(same) - (changed[-1] + 1 if changed.size else 0)


def _too_large_hint(optimizer) -> str:
    lr = optimizer.lr
    if isinstance(lr, Constant):
        return f"the learning rate is likely too large: try lr = {lr.lr / 10:g}"
    return "the learning rate is likely too large: lower the schedule's rate"


def _point(x) -> str:
    """A short rendering of a parameter vector: its first entries to 6 digits."""
    values = [f"{float(v):.6g}" for v in np.asarray(x, dtype=float).reshape(-1)[:4]]
    return "[" + ", ".join(values) + (", ...]" if np.size(x) > 4 else "]")


def _domain_cause(value, g, x, before) -> str:
    """Why the loss or gradient is not finite at the finite point ``x`` that a descent with a
    loss not above its start reached from ``before``: the loss's domain, not the rate."""
    step = f"x = {_point(x)} (the step from {_point(before)})"
    if math.isnan(value):
        return (f"the loss is not finite (NaN) at the finite point {step}: the step left the "
                "loss's domain (a log or sqrt of a negative number, or 0/0) before the loss grew,"
                " which is no divergence; a smaller step near the edge, a start further inside, "
                "a reparametrisation (e.g. x = exp(u)) or the domain as a constraint keeps it "
                "inside")
    if not math.isfinite(value):
        return (f"the loss is not finite ({value}) at the finite point {step}: a log or "
                "division at 0, or an overflow, there; the loss had not grown before it")
    kind = "NaN" if g is not None and np.isnan(np.asarray(g, dtype=float)).any() else \
        "not finite"
    return (f"the gradient is {kind} at {step}, where the loss is finite ({value:.6g}): the "
            "loss is not differentiable there (a sqrt, |x|^p or log at the edge of its domain)")


class _Run:
    """One run: its settings, the iterates and losses it records, and why it stopped."""

    def __init__(self, objective, optimizer, data, batches, tol, validation, patience,
                 callback, keep_path, bar):
        self.objective, self.optimizer = objective, optimizer
        self.data, self.batches, self.tol = data, batches, tol
        self.validation, self.patience, self.callback = validation, patience, callback
        self.keep_path, self.bar = keep_path, bar
        self.path, self.losses, self.epoch_losses, self.val_losses = [], [], [], []
        self.status, self.message = COMPLETED, ""
        self.best = None                   # (validation loss, x, nit, epoch)
        self.epoch = 0
        self.f0 = math.nan
        self.sense = -1.0 if optimizer.maximize else 1.0      # an ascent's loss grows
        # updates after which the epoch ends (every update: validation without mini-batches)
        self.epoch_end = batches.per_epoch if batches is not None else \
            (1 if validation is not None else 0)
        self.extras = bar is not None or callback is not None or self.epoch_end

    def stop(self, status: int, message: str) -> None:
        self.status, self.message = status, message

    def diverged(self, k: int, what: str) -> None:
        self.stop(DIVERGED, f"diverged at step {k}: {what} ({_too_large_hint(self.optimizer)});"
                  " x is the last iterate before it")

    def run_arrays(self, x, value, g, advance, evaluate, steps, ceiling):
        """The loop of :mod:`lagropt.optim.template` on arrays from x0 (loss ``value``,
        gradient ``g``), ``advance(x, g)`` the update in place; returns (x, nit) as
        :meth:`conclude`."""
        path, batches = [x.copy()], self.batches
        loop = template.compiled(template.loop_source(template.arrays(batches is not None),
                                                      **self._options(batches is None)))
        if batches is not None:            # each update evaluates its rows of bound data
            batches.bind(self.objective, x.copy())
            evaluate = batches.value_and_grad
        try:
            verdict = loop(x, value, g, evaluate, self.data,
                           batches.get if batches is not None else None, advance, steps,
                           ceiling, self.tol, path.append, self.losses.append,
                           self._after_update)
        finally:
            self.path = np.array(path, dtype=float)
            if batches is not None:
                batches.close()
        return self.conclude(verdict, x)

    def run_floats(self, x, out, loop, state, kernel, evaluate, steps, ceiling):
        """The run of a small full-batch problem on Python floats: ``loop`` the optimizer's
        rule fused with the descent loop (:func:`lagropt.optim.fused.fused_loop`), ``kernel(*x)
        -> (value, *gradient)`` the raw generated function (unchecked; ``out`` its value at
        x0; ``evaluate`` the checked value_and_grad, for a point where the kernel raised).
        Returns (x, nit) as :meth:`conclude`. The path is kept as one flat list of floats
        (a list per iterate would give the garbage collector 10^4 containers to walk)."""
        n, flat, optimizer = len(x), list(x), self.optimizer
        buffers = [state.buffers[name] for name in optimizer.buffers]
        try:
            verdict = loop(kernel, _on_arrays(evaluate, self.data), out, x, buffers, state,
                           optimizer.coefficients, optimizer.lr, steps, ceiling, self.tol,
                           flat.extend, self.losses.append, self._after_update)
        finally:
            self.path = np.array(flat, dtype=float).reshape(-1, n)
        return self.conclude(verdict, x)

    def _options(self, full_batch: bool) -> dict:
        """The options of the loop's source: what it tests and records."""
        return {"maximize": self.optimizer.maximize, "keep_path": self.keep_path,
                "tol": self.tol is not None and full_batch, "extras": bool(self.extras)}

    def conclude(self, verdict, x):
        """Why the loop returned, as a status and message: ``verdict`` is the loop's
        ``(why, k, before, unchanged, detail)`` (:mod:`lagropt.optim.template`), ``x`` the
        iterate it reached. Returns (x, nit): on a divergence the last good iterate."""
        why, k, before, unchanged, detail = verdict
        if self.keep_path:     # the iterate before the failing one, or before the failing update
            failed_at_x = why in (template.NOT_FINITE, template.GREW)
            before = self.path[max(k - 1, 0)] if failed_at_x else self.path[k]
        if why == template.NOT_FINITE:
            return self._not_finite(k, detail[0], before, k, x, detail[1])
        if why == template.GREW:
            return self._grew(k, detail, before, k)
        if why == template.CONVERGED:
            return self._converged(x, detail, k)
        if why == template.RAISED:
            self._raised(k, detail)
            return before, k
        if why == template.DONE:
            if self.keep_path:
                unchanged = _trailing_repeats(self.path)
            if unchanged >= STALL_STEPS:
                self._stalled(detail[1], detail[0], k, k - unchanged)
        return x, k

    def _raised(self, k, exc) -> None:
        """The update of step ``k`` raised ``exc``."""
        if isinstance(exc, ZeroDivisionError):
            self.stop(DIVERGED, f"the update at step {k} divided by zero ({exc}): a zero "
                      "denominator in the rule or its learning-rate schedule, such as eps = 0 "
                      "where the gradient is 0; x is the iterate before it")
        else:
            self.diverged(k, str(exc))

    def _not_finite(self, k, value, before, nit, x, g=None):
        """Step ``k``'s loss or gradient (``g``; None: not at hand, and not finite when the
        loss is) is NaN or inf at ``x``: the run ends at ``before``, with the cause observed."""
        xs = np.asarray(x, dtype=float)
        last = self.losses[-1] if self.losses else self.f0
        if not np.isfinite(xs).all():
            self.diverged(k, f"the iterate overflowed to x = {_point(xs)}, where the loss or its "
                          "gradient is not finite")
        elif self.sense * last > self.sense * self.f0:
            self.diverged(k, f"the loss or its gradient is not finite (loss {value}) after the "
                          f"loss grew from {self.f0:.6g} to {last:.6g}")
        else:
            self.stop(DIVERGED, f"stopped at step {k}: {_domain_cause(value, g, xs, before)}; "
                      "x is the last iterate before it")
        return before, nit - 1 if nit else 0

    def _grew(self, k, value, before, nit):
        """Step ``k``'s loss is past the ceiling: the run ends at ``before``."""
        self.diverged(k, f"the loss grew from {self.f0:.6g} to {value:.6g}")
        return before, nit - 1 if nit else 0

    def _converged(self, x, g, nit):
        self.stop(CONVERGED, f"converged after {nit} steps: max |gradient| = "
                  f"{_max_abs(g):.3g} <= tol = {self.tol:g}")
        return x, nit

    def _after_update(self, x, value, nit) -> bool:
        """The progress bar, the callback and the end of an epoch after update ``nit``; True
        when the run stops here."""
        if self.bar is not None:
            if self.batches is not None:
                self.bar.detail = self.batches.progress
            self.bar.update(nit, value)
        if self.callback is not None and _stop_requested(self.callback, x, value, nit):
            self.stop(CALLBACK, f"stopped by the callback after {nit} steps (not a convergence "
                      "test: success is False, as scipy's)")
            return True
        if self.epoch_end and nit % self.epoch_end == 0:
            self._end_of_epoch(x, nit)
            return self.status != COMPLETED
        return False

    def _stalled(self, g, value, nit, since) -> None:
        """The last updates (from step ``since`` on) left x unchanged. At a gradient that is
        zero up to rounding (max |g| <= sqrt(eps) max(1, |f|)) the run converged as far as
        float64 allows, unless a smaller tol was asked for; otherwise the rate is too small
        for x."""
        gmax = _max_abs(g)
        rounding = gmax <= _SQRT_EPS * max(1.0, abs(value))
        head = f"the updates have not changed x since step {since} of {nit}"
        if gmax == 0 or rounding and (self.tol is None or gmax <= self.tol):
            self.stop(CONVERGED, f"{head}: the gradient is "
                      f"{'exactly zero' if gmax == 0 else 'zero to rounding'} (max |gradient| "
                      f"= {gmax:.3g}), a stationary point")
        elif rounding:
            self.stop(STALLED, f"stalled: {head} at max |gradient| = {gmax:.3g}, zero to "
                      f"rounding but above tol = {self.tol:g} (the tolerance is below what "
                      "float64 can reach here)")
        else:
            self.stop(STALLED, f"stalled: {head} although max |gradient| = {gmax:.3g} (the "
                      "learning rate is too small for the scale of x, or the schedule decayed "
                      "it to zero)")

    def _end_of_epoch(self, x, nit) -> None:
        """The full-data loss (and tolerance test) with mini-batches; the validation loss and
        early stopping."""
        with _full_pass(self.batches):
            self._epoch_losses(x, nit)

    def _epoch_losses(self, x, nit) -> None:
        self.epoch += 1
        epoch, objective, tol = self.epoch, self.objective, self.tol
        xa = np.array(x, dtype=float)
        if self.batches is not None:
            if tol is not None:
                full, gfull = objective.value_and_grad(xa, self.data)
                if math.isfinite(full) and _max_abs(gfull) <= tol:
                    self.stop(CONVERGED, f"converged after epoch {epoch} ({nit} steps): max "
                              f"|full gradient| = {_max_abs(gfull):.3g} <= tol = {tol:g}")
            else:
                full = objective.value(xa, self.data)
            self.epoch_losses.append(full)
        if self.validation is None or self.status != COMPLETED:
            return
        val = objective.value(xa, self.validation)
        self.val_losses.append(val)
        if self.best is None or val < self.best[0]:
            self.best = (val, xa, nit, epoch)
        elif epoch - self.best[3] >= self.patience:
            _, _, best_nit, best_epoch = self.best
            self.stop(EARLY_STOPPED, f"early stopping at epoch {epoch}: the validation loss has "
                      f"not improved for {self.patience} epochs; x is the iterate of epoch "
                      f"{best_epoch} (step {best_nit}, validation loss {self.best[0]:.6g})")


def minimize(fun, x0, optimizer: Optimizer, steps: int = 1000, *, grad=None, data=None,
             batch_size=None, epochs=None, tol=None, callback=None, seed=None,
             progress: bool | str = False, validation=None, patience=None, shuffle: bool = True,
             wrt=None, keep_path: bool = True, max_growth: float = 1e6,
             chunks=None) -> OptimizeResult:
    """Minimize ``fun`` from ``x0`` with the update rule ``optimizer``.

    Parameters
    ----------
    fun : Compiled, sympy.Expr or callable
        A compiled loss (``lagropt.compile``), a SymPy expression (compiled here, with the
        variables ``wrt``, by default its free symbols sorted by name), or a Python function
        ``fun(x, *data) -> float`` with ``grad=``.
    x0 : array_like
        Starting point (flattened; the layout of the compiled loss's parameter vector).
    optimizer : Optimizer
        ``GD``, ``SGD``, ``Momentum``, ``AdaGrad``, ``RMSProp``, ``Adam``, ``AdamW`` or one
        wrapped by ``regularize``. Its state starts fresh.
    steps : int
        Number of updates (default 1000).
    grad : callable, True or "central"
        For a Python ``fun`` only: ``grad(x, *data)``, True when ``fun`` returns
        ``(value, gradient)``, or "central" for the lecture's central differences.
    data : tuple, optional
        The data arguments after the parameters (arrays and scalars). Dask arrays stay lazy:
        full-batch values and gradients are evaluated chunk by chunk by dask, and mini-batches
        are streamed chunk by chunk (see ``chunks``).
    batch_size : int, optional
        Mini-batch descent: each update sees ``batch_size`` rows of the per-sample data
        (1: stochastic gradient descent). An epoch is one pass over a permutation of the
        rows, drawn afresh each epoch from ``seed``.
    epochs : int, optional
        With ``batch_size``: the number of epochs instead of ``steps``.
    tol : float, optional
        Stop when the largest absolute gradient component is <= tol (scipy BFGS's gtol
        norm). With mini-batches the full-data gradient is tested at each epoch's end.
    callback : callable, optional
        ``callback(OptimizeResult(x, fun, nit))`` after every update; returning True or
        raising StopIteration stops the run.
    seed : int or numpy Generator, optional
        Seeds the shuffles: the same seed gives the same run.
    progress : bool or str
        Draw a progress bar (tqdm's) on stderr when it is a terminal; a string is the bar's
        label (default "descent").
    validation : tuple, optional
        Validation data (laid out like ``data``) for early stopping: the validation loss is
        evaluated after each epoch (each update without mini-batches).
    patience : int, optional
        Stop when the validation loss has not improved for this many evaluations (default
        10); ``x`` is then the iterate with the best validation loss.
    shuffle : bool
        Shuffle the rows each epoch (default); False takes them in order.
    wrt : sequence of symbols, optional
        The variables of a SymPy ``fun``, in the order of ``x0``.
    keep_path : bool
        Record every iterate in ``path`` (default); False keeps only x0 and the last.
    max_growth : float
        The run counts as diverged when the loss exceeds f(x0) + max_growth max(|f(x0)|, 1).
    chunks : int, optional
        With ``batch_size``: stream the rows in blocks of this many rows, one block in memory
        (two while the next loads) (for memory-mapped or zarr-backed data; dask data stream by their own row
        chunks without it). Each epoch visits the blocks in a seeded random order and each
        block's rows in a seeded random order, drawn in that sequence; the same blocks and
        seed give the same iterates for NumPy and dask data, and one block (the default for
        NumPy data) is the in-memory order.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (the last iterate, or the best on validation), ``fun`` (the loss there on all
        data), ``jac`` (its gradient), ``nit``, ``success``, ``status`` (0 converged, 1 the step
        limit reached -- with a tol not met, or with no tol and so no convergence test --, 2
        diverged, 3 stalled, 4 early stopping, 99 stopped by the callback, scipy's code),
        ``message``, ``path``
        (the iterates x0, x1, ..., one row each), ``losses`` (the loss the update saw at each
        row of path: on its mini-batch, and for the last row on all data), ``epoch_losses``
        and ``val_losses`` (per epoch, with mini-batches or validation), ``state``.
        ``success`` is True only for status 0 and 4: when a stopping rule said the run
        converged (or early stopping, the rule asked for, found its best point), never for a
        run that used up its steps, as scipy's ``success``. A run that diverges (NaN, inf, or
        a loss growing by ``max_growth``) stops at the last iterate with a finite loss, with
        success False and a message naming the likely cause; it never returns NaN.
    """
    if not isinstance(optimizer, (Optimizer, Chain)):
        raise OptimizerError(f"optimizer must be a lagropt.optim optimizer (GD, SGD, Adam, ...),"
                             f" got {optimizer!r}")
    data = as_data(data)
    check_data(data)
    objective = as_objective(fun, grad, data, wrt)
    x = np.array(x0, dtype=float).reshape(-1)
    if x.size == 0 or not np.isfinite(x).all():
        raise OptimizerError(f"x0 must be a non-empty vector of finite numbers, got {x0!r}")
    if tol is not None and not (float(tol) >= 0):
        raise OptimizerError(f"tol must be a number >= 0, got {tol!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    batches = None
    if batch_size is not None:
        batches = make_batches(data, objective.per_sample, _count("batch_size", batch_size, 1),
                               rng, shuffle, None if chunks is None else _count("chunks", chunks, 1))
        if epochs is not None:
            steps = _count("epochs", epochs, 1) * batches.per_epoch
    elif epochs is not None:
        steps = _count("epochs", epochs, 1)              # full batch: an epoch is one update
    if chunks is not None and batch_size is None:
        raise OptimizerError("chunks= streams mini-batches: give batch_size= too")
    steps = _count("steps", steps)
    validation = as_data(validation) if validation is not None else None
    if validation is not None:
        check_data(validation, "validation")
    if patience is not None and validation is None:
        raise OptimizerError("patience= is for early stopping: give validation= data too")
    patience = _count("patience", 10 if patience is None else patience, 1)

    # the loss at x0 on all data: errors here are the caller's (shapes, a bad x0)
    with _full_pass(batches):
        f0, g0 = objective.value_and_grad(x, data)
    if not (math.isfinite(f0) and np.isfinite(g0).all()):
        raise OptimizerError(f"the loss or its gradient is not finite at x0 (f = {f0})")
    if g0.shape != x.shape:
        raise OptimizerError(f"the gradient has {g0.size} entries for {x.size} parameters")

    run = _Run(objective, optimizer, data, batches, tol, validation, patience, callback,
               keep_path, _bar(steps, progress))
    kernel = objective.kernel if (batches is None and x.size <= SCALAR_MAX and
                                  optimizer.steps_by_rule) else None
    run.f0 = f0
    ceiling = run.sense * f0 + max_growth * max(abs(f0), 1.0)
    with np.errstate(all="ignore"):
        loop = fused.fused_loop(optimizer, x.size, keep_path=keep_path, tol=tol is not None,
                                extras=bool(run.extras)) if kernel is not None else None
        state = optimizer.init([float(v) for v in x] if loop is not None else x)
        if loop is not None:               # small scalar problem: Python floats throughout
            x, nit = run.run_floats([float(v) for v in x], (f0, *map(float, g0)), loop,
                                    state, kernel, objective.value_and_grad, steps, ceiling)
        else:
            x, nit = run.run_arrays(x, f0, g0, lambda xs, gs: optimizer.step(xs, gs, state),
                                    objective.value_and_grad, steps, ceiling)
    return _finish(run, x, nit, steps, state)


def _full_pass(batches):
    """The context of a pass over all the data: that of ``batches`` (a stream bounds its
    memory), or none."""
    return contextlib.nullcontext() if batches is None else batches.full_pass()


def _bar(steps: int, progress):
    """The progress bar ``progress=`` asks for (True, or a label), or None."""
    if not progress:
        return None
    return ProgressBar(steps, progress if isinstance(progress, str) else "descent")


def _on_arrays(value_and_grad, data):
    """``(value, *gradient)`` at the floats ``xs`` as the array path evaluates it: where a raw
    kernel on Python floats raises (1/0, 0 ** -1), NumPy's inf or NaN, which the loop
    reports as the array path does; a failure to evaluate is NaN."""
    def on_arrays(*xs):
        try:
            value, g = value_and_grad(np.array(xs, dtype=float), data)
        except template.EVALUATION_ERRORS:
            return (math.nan,)
        return (value, *g)
    return on_arrays


def _stop_requested(callback, x, value, nit) -> bool:
    try:
        return bool(callback(OptimizeResult(x=np.array(x, dtype=float), fun=value, nit=nit)))
    except StopIteration:
        return True


def _succeeded(status: int) -> bool:
    """success as scipy means it: a stopping rule said the run converged (max |gradient| <=
    tol, a gradient zero to rounding), or early stopping found its best point on the
    validation data (the rule that was asked for). Running out of steps, with or without a
    tol, diverging, stalling or a callback's stop are not successes."""
    return status in (CONVERGED, EARLY_STOPPED)


def _finish(run, x, nit, steps, state) -> OptimizeResult:
    """The result; the final point's loss and gradient on all data close ``losses``."""
    if run.status == DIVERGED and run.keep_path:
        run.path = run.path[:nit + 1]
    final = run.best[1] if run.status == EARLY_STOPPED else np.array(x, dtype=float)
    with np.errstate(all="ignore"), _full_pass(run.batches):
        value, g = run.objective.value_and_grad(final, run.data)
        last = value if run.status != EARLY_STOPPED else \
            run.objective.value(np.array(x, dtype=float), run.data)
    run.losses[nit:] = [last]
    tol = run.tol
    if run.status == COMPLETED:
        if tol is None:
            run.message = (f"completed {nit} steps, the step limit, with no convergence test "
                           f"(no tol given): loss {value:.6g}, max |gradient| {_max_abs(g):.3g}"
                           "; pass tol= to test convergence")
        else:
            run.message = (f"not converged after {steps} steps: max |gradient| = "
                           f"{_max_abs(g):.3g} > tol = {tol:g} (more steps or a larger "
                           "learning rate may help)")
    success = _succeeded(run.status)
    if run.bar is not None:
        run.bar.close(nit, value)
    path = run.path if run.keep_path else [run.path[0], np.array(x, dtype=float)]
    result = OptimizeResult(x=final, fun=float(value), jac=np.asarray(g, dtype=float), nit=nit,
                            success=success, status=run.status, message=run.message,
                            path=np.asarray(path, dtype=float),
                            losses=np.array(run.losses, dtype=float), state=state,
                            optimizer=run.optimizer)
    if run.epoch_losses:
        result.epoch_losses = np.array(run.epoch_losses)
    if run.val_losses:
        result.val_losses = np.array(run.val_losses)
        result.best_nit = run.best[2]
    return result
