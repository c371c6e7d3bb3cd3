"""Run a computation under a hard time limit.

SymPy's solvers can run for minutes on small systems, and a Python thread cannot be stopped.
So the computation runs in a forked child process, which is killed when the limit passes;
its result comes back pickled through a pipe. Where ``fork`` is unavailable (Windows) the call
runs in-process and the limit is not enforced.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import time
import warnings

from sympy.core.relational import Relational

__all__ = ["TimeLimit", "call_with_timeout", "set_default_timeout", "get_default_timeout"]

_DEFAULT_TIMEOUT = 5.0
_IN_WORKER = False        # nested workers stay in the outermost worker's process group


class TimeLimit(Exception):
    """Raised when a computation did not finish within its time limit."""


def set_default_timeout(seconds: float | None) -> None:
    """Set the time limit every exact solve uses when none is given (None: no limit)."""
    global _DEFAULT_TIMEOUT
    if seconds is not None and seconds <= 0:
        raise ValueError("timeout must be positive (or None for no limit)")
    _DEFAULT_TIMEOUT = seconds


def get_default_timeout() -> float | None:
    return _DEFAULT_TIMEOUT


class _RemoteError(Exception):
    """An exception from the child that could not be pickled, as text."""


def call_with_timeout(fn, *args, timeout: float | None, **kwargs):
    """``fn(*args, **kwargs)`` in a forked child; its result, its exception, or TimeLimit."""
    if timeout is None or not hasattr(os, "fork"):
        return fn(*args, **kwargs)
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # child: must never return into the caller's stack
        global _IN_WORKER
        try:
            if not _IN_WORKER:
                os.setpgid(0, 0)        # its own process group: a timeout kills its workers too
                _IN_WORKER = True
            os.close(read_end)
            _child(fn, args, kwargs, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeLimit(f"gave up after {timeout:g} s")
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    os.waitpid(pid, 0)
    if not chunks:
        raise _RemoteError("the worker process died without a result")
    status, value = pickle.loads(b"".join(chunks))
    if status == "err":
        raise value
    return value


def _child(fn, args, kwargs, write_end) -> None:
    try:
        payload = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        payload = ("err", exc)
    try:
        data = _dumps(payload)
    except Exception as exc:  # noqa: BLE001
        data = pickle.dumps(("err", _RemoteError(f"{type(exc).__name__}: {exc}")))
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(write_end, view):]
    except OSError:
        pass                            # the parent gave up waiting


def _kill(pid: int) -> None:
    """Kill the worker and, for an outermost worker, every process it started (its group)."""
    kills = [lambda: os.kill(pid, signal.SIGKILL)]
    if not _IN_WORKER:
        kills.insert(0, lambda: os.killpg(pid, signal.SIGKILL))
    for kill in kills:
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


class _Pickler(pickle.Pickler):
    """Equations travel as (relation, lhs, rhs) and are rebuilt unevaluated: a derivation's
    Eq(p_i, ...) stays the equation it was (pickle would rebuild it with evaluate=True, which
    asks SymPy to decide it, slowly, and may turn it into True)."""

    def reducer_override(self, obj):
        if isinstance(obj, Relational):
            return _relation, (type(obj), obj.lhs, obj.rhs)
        return NotImplemented


def _relation(cls, lhs, rhs):
    return cls(lhs, rhs, evaluate=False)


def _dumps(payload) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(payload)
    return buffer.getvalue()
