"""The descent loop, written once: its steps and checks in order, spelled by an engine.

Each update of :func:`lagropt.optim.minimize` does, in this order:

1. the loss and gradient at x (on the update's mini-batch, or on all data; the caller's
   values at x0 for the first full-batch update); a failure to evaluate counts as NaN;
2. finiteness: a NaN or infinity in the loss or gradient ends the run (``NOT_FINITE``);
3. growth: a loss past the ceiling ``f(x0) + max_growth max(|f(x0)|, 1)`` (``-loss`` for an
   ascent) ends it (``GREW``);
4. the loss is recorded;
5. tolerance: max |gradient| <= tol ends it (``CONVERGED``; full batch only);
6. the update; an exception in it (a zero denominator, an overflow, a math domain error)
   ends it (``RAISED``), the iterate before it kept;
7. the new iterate is recorded: in the path, or (without one) compared with the one before,
   counting the updates that left x unchanged (a stall, judged when the run ends);
8. the progress bar, the callback and the end of an epoch (``STOPPED`` when they stop it).

A run that takes all its updates ends ``DONE``. :func:`loop_source` writes this loop as the
source of one Python function from an :class:`Engine`, which spells its primitives: how the
loss is evaluated, what is finite, how the update is applied, how an iterate is copied and
recorded. Two engines exist: :func:`arrays` (any problem: the optimizer's ``step`` on a NumPy
array) and the float engine of :mod:`lagropt.optim.fused` (a few scalar parameters held in
local variables, the rule traced into straight-line code). Every loop returns
``(why, k, before, unchanged, detail)``, read in one place, :meth:`lagropt.optim.loop._Run.conclude`:
``k`` the updates taken, ``before`` the iterate before the last update (without a path),
``unchanged`` the trailing updates that left x as it was (without a path), and ``detail``
``(value, gradient)`` for NOT_FINITE and DONE, the gradient for CONVERGED, the loss for GREW
and STOPPED, the exception for RAISED.
"""

from __future__ import annotations

import linecache
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import DataError, EvaluationError

__all__ = ["CONVERGED", "DONE", "GREW", "NOT_FINITE", "RAISED", "STOPPED", "Engine", "arrays",
           "compiled", "finite_array", "loop_source", "max_abs"]

NOT_FINITE, GREW, CONVERGED, RAISED, STOPPED, DONE = range(6)     # why a loop returned
CHUNK = 1 << 16     # elements per chunk of an array update: its temporaries stay in L2 cache

# a loss that cannot be evaluated (a checked compiled loss refusing NaN, a math error in the
# user's function or in a raw kernel) is NaN to the loop; an update that raises ends the run
EVALUATION_ERRORS = (EvaluationError, DataError, ValueError, ZeroDivisionError, OverflowError)
UPDATE_ERRORS = (ZeroDivisionError, OverflowError, ValueError)


def finite_array(g) -> bool:
    """Whether every entry of the array ``g`` is finite."""
    return bool(np.isfinite(g).all())


def max_abs(g) -> float:
    """max |g_i| of an array or a sequence of floats (0 for none)."""
    if isinstance(g, (list, tuple)):
        return max(map(abs, g), default=0.0)
    return float(np.abs(g).max()) if g.size else 0.0


@dataclass(frozen=True)
class Engine:
    """How one path of the loop spells its primitives, as Python source.

    ``params`` are the generated function's own arguments (before the common ``steps,
    ceiling, tol, record_path, append_loss, after``); ``setup`` runs before the loop and
    ``cleanup`` after it, however it ends. ``evaluate`` sets ``value`` and the gradient at x
    for update ``k`` (``failed`` when it raised), ``finite``, ``gradient`` and ``max_abs``
    are expressions of them; ``update`` applies the update to x; ``copy`` is x as a value that
    later updates leave alone, ``same`` tests x equal to ``before``, ``record`` appends x to
    the path, and ``point`` is x as handed to the callback."""

    params: str
    setup: tuple
    evaluate: tuple
    failed: tuple
    finite: str
    gradient: str
    max_abs: str
    update: tuple
    copy: str
    same: str
    record: tuple
    point: str
    cleanup: tuple = ()


def _indent(lines, depth: int = 1) -> list:
    return ["    " * depth + line for line in lines]


def loop_source(engine: Engine, *, maximize: bool, keep_path: bool, tol: bool,
                extras: bool) -> str:
    """The source of ``loop(<engine params>, steps, ceiling, tol, record_path, append_loss,
    after)``: the steps of the module doc in order, ``tol`` testing the tolerance, ``extras``
    calling ``after(x, value, nit)`` (bar, callback, epoch) after each update."""
    e = engine
    body = ["try:", *_indent(e.evaluate), "except EVALUATION_ERRORS:", *_indent(e.failed),
            f"if not ({e.finite}):",
            f"    return NOT_FINITE, k, before, unchanged, (value, {e.gradient})",
            f"if {'-' if maximize else ''}value > ceiling:",
            "    return GREW, k, before, unchanged, value",
            "append_loss(value)"]
    if tol:
        body += [f"if {e.max_abs} <= tol:",
                 f"    return CONVERGED, k, before, unchanged, {e.gradient}"]
    if not keep_path:                  # with a path, the caller reads the iterate before
        body += [f"before = {e.copy}"]
    body += ["try:", *_indent(e.update), "except UPDATE_ERRORS as exc:",
             "    return RAISED, k, before, unchanged, exc"]
    # with a path, the caller counts the trailing unchanged rows once at the end
    body += list(e.record) if keep_path else [
        f"unchanged = unchanged + 1 if {e.same} else 0"]
    if extras:
        body += [f"if after({e.point}, value, k + 1):",
                 "    return STOPPED, k + 1, before, unchanged, value"]
    loop = ["for k in range(steps):", *_indent(body),
            f"return DONE, steps, before, unchanged, (value, {e.gradient})"]
    head = [f"def loop({e.params}, steps, ceiling, tol, record_path, append_loss, after):",
            *_indent(e.setup), f"    k, unchanged, before = 0, 0, {e.copy}"]
    if e.cleanup:
        return "\n".join(head + ["    try:", *_indent(loop, 2), "    finally:",
                                 *_indent(e.cleanup, 2)]) + "\n"
    return "\n".join(head + _indent(loop)) + "\n"


@lru_cache(maxsize=64)
def compiled(source: str, name: str = "loop"):
    """The function ``name`` defined by ``source`` (a loop, or an in-place update of
    :mod:`lagropt.optim.inplace`), compiled once; its source is registered with linecache so
    that a traceback through it shows the generated lines."""
    filename = f"<lagropt {name} {abs(hash(source)):x}>"
    namespace = {"sqrt": math.sqrt, "isfinite": math.isfinite, "nan": math.nan, "CHUNK": CHUNK,
                 "np": np,
                 "finite_array": finite_array, "max_abs": max_abs, "array_equal": np.array_equal,
                 "EVALUATION_ERRORS": EVALUATION_ERRORS, "UPDATE_ERRORS": UPDATE_ERRORS,
                 "NOT_FINITE": NOT_FINITE, "GREW": GREW, "CONVERGED": CONVERGED,
                 "RAISED": RAISED, "STOPPED": STOPPED, "DONE": DONE}
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102
    return namespace[name]


@lru_cache(maxsize=2)
def arrays(batched: bool) -> Engine:
    """The engine of any problem: x a 1-D float array updated in place by ``advance(x, g)``
    (the optimizer's ``step``), the loss and gradient from ``evaluate(x, data)`` (on
    ``batch(k)``, the mini-batch of update k, when ``batched``), the path a list of arrays."""
    evaluate = ("value, g = evaluate(x, batch(k))",) if batched else (
        "if k:", "    value, g = evaluate(x, data)")
    return Engine(
        params="x, value, g, evaluate, data, batch, advance",
        setup=(), evaluate=evaluate, failed=("value, g = nan, x",),
        finite="isfinite(value) and finite_array(g)", gradient="g", max_abs="max_abs(g)",
        update=("advance(x, g)",), copy="x.copy()", same="array_equal(x, before)",
        record=("record_path(x.copy())",), point="x")
