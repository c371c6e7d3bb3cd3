"""An update rule as one compiled loop over the parameters (numba, optional: the ``fast`` extra).

A step on a large parameter vector is bound by memory traffic: Adam reads x, g, m and v and
writes x, m and v, 56 bytes per float64 parameter. The in-place NumPy update
(:mod:`lagropt.optim.inplace`) makes one ufunc call per operation of the rule on chunks that
stay in cache; here the same traced operations become the body of one loop over the entries,
compiled by numba, that reads and writes each array once.

The operations and their order are the rule's (:func:`lagropt.optim.inplace._trace`), compiled
without fast-math (no reassociation, no fused multiply-add), so each entry is computed by the
same IEEE float64 operations as the NumPy update: bit for bit the same iterates. Division by
zero gives inf or NaN as in NumPy (numba's "numpy" error model). Rules with operations other
than + - * / negation and sqrt on arrays (a maximum: AMSGrad) keep the NumPy update.

Used for float64 vectors of at least :data:`MIN_SIZE` entries when numba is installed; the
parts of :func:`lagropt.optim.threads.for_parts` run it on several threads (it releases the
GIL). Without numba, or for smaller vectors, the NumPy update runs.
"""

from __future__ import annotations

import numpy as np

from ..compiler.codegen import is_literal
from ..compiler.linear_rows import available
from .fused import Untraceable
from .inplace import _scalar_line, _trace
from .template import compiled

__all__ = ["jit_update", "jit_source", "available", "MIN_SIZE"]

MIN_SIZE = 1 << 17            # entries from which a compiled loop pays for its compile time
_ELEMENTWISE = {"+": "{} + {}", "-": "{} - {}", "*": "{} * {}", "/": "{} / {}", "neg": "-{}",
                "sqrt": "sqrt({})"}
_KERNELS: dict = {}           # source -> compiled kernel, shared by optimizers of one rule


def jit_source(optimizer) -> tuple | None:
    """(kernel source, wrapper source, number of array arguments, number of scalar arguments)
    of ``optimizer``'s rule, or None when it cannot be compiled this way."""
    try:
        coefficients, inputs, ops, outputs = _trace(optimizer)
    except (Untraceable, AttributeError, TypeError):
        return None
    arrays = set(inputs)
    scalars, body, used = [], [], []
    for name, operation, operands in ops:
        if not any(a in arrays for a in operands):
            scalars.append(_scalar_line(name, operation, operands))
            continue
        if operation not in _ELEMENTWISE:
            return None
        arrays.add(name)
        for a in operands:
            if a not in arrays and a not in used and not is_literal(a):
                used.append(a)
        body.append(f"{name} = {_ELEMENTWISE[operation].format(*operands)}")
    targets = dict(zip(["x"] + inputs[2:], outputs))
    if any(value not in arrays for value in targets.values()):
        return None
    views = [f"{name.upper()}_" for name in inputs]
    kernel = "\n".join([
        f"def kernel({', '.join(views + used)}):",
        "    for k in range(X_.shape[0]):",
        *[f"        {name} = {view}[k]" for name, view in zip(inputs, views)],
        *["        " + line for line in body],
        *[f"        {variable.upper()}_[k] = {value}" for variable, value in targets.items()],
    ]) + "\n"
    buffers = inputs[2:]
    wrapper = "\n".join([
        "def step_arrays(c, x, g, bufs):",
        *([f"    {', '.join(coefficients)}, = c"] if coefficients else []),
        *["    " + line for line in scalars],
        *([f"    {', '.join(buffers)}, = bufs"] if buffers else []),
        f"    kernel({', '.join(inputs + used)})",
    ]) + "\n"
    return kernel, wrapper, len(inputs), len(used)


def jit_update(optimizer):
    """``step_arrays(c, x, g, bufs)`` of ``optimizer`` as a compiled loop, or None (no numba,
    or a rule it cannot take)."""
    if not available():
        return None
    sources = jit_source(optimizer)
    if sources is None:
        return None
    kernel_source, wrapper, arrays, scalars = sources
    kernel = _KERNELS.get(kernel_source)
    if kernel is None:
        import math

        import numba

        namespace = {"sqrt": math.sqrt}
        exec(compile(kernel_source, "<lagropt jit kernel>", "exec"), namespace)  # noqa: S102
        kernel = numba.njit(nogil=True, error_model="numpy", fastmath=False)(namespace["kernel"])
        try:                    # compile now, for float64 arrays and floats: fail here, not later
            kernel(*[np.zeros(1) for _ in range(arrays)], *[1.0] * scalars)
        except Exception:  # noqa: BLE001 - numba could not compile it: the NumPy update runs
            return None
        _KERNELS[kernel_source] = kernel
    step = compiled(wrapper, "step_arrays")
    step.__globals__["kernel"] = kernel
    return step
