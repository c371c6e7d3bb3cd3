"""Bounded work: a budget of CPU seconds, and worker processes that never outlive their parent.

Why CPU time: SymPy's solvers can run for minutes on small systems, and a wall-clock limit makes
the answer depend on the machine's load (the same problem came back ``optimal`` on a quiet
machine and ``timeout`` beside a compile job). A budget here counts the CPU seconds spent by the
work itself - this process and its workers - so a busy machine slows the work down without
changing how much of it is allowed. A wall-clock safety net (:data:`WALL_FACTOR` times the
budget plus :data:`WALL_GRACE` seconds) still guarantees that every call returns.

The clock (:func:`work_clock`) is the CPU time of a process's whole line of work: after a fork
the child's clock continues from its parent's reading at the fork, and when the parent has
reaped the child, the child's CPU time is in the parent's own reading (``os.times``' children
fields). So one :class:`Budget` object means the same thing in the parent and in its workers.

Workers (:func:`run_in_worker`) are forked children that

* die with their parent whatever ends it (SIGINT, SIGTERM, SIGKILL, a kernel restart): Linux's
  ``PR_SET_PDEATHSIG`` sends them SIGKILL when the parent goes; nested workers do the same to
  theirs;
* hold none of the parent's file descriptors beyond stderr: stdin and stdout are /dev/null,
  every other descriptor (the parent's pipes, sockets, ports) is closed, so ``lagropt ... | cat``
  ends when lagropt does;
* are stopped, with everything they started, when their budget is spent.

Where ``fork`` is unavailable (Windows) the work runs in-process and only cooperative checks
(:meth:`Budget.check`) bound it.
"""

from __future__ import annotations

import ctypes
import io
import math
import numbers
import os
import pickle
import select
import signal
import time
import warnings

from sympy.core.relational import Relational

__all__ = ["Budget", "TimeLimit", "TooLarge", "work_clock", "run_in_worker", "as_seconds",
           "set_default_timeout", "get_default_timeout", "DEFAULT_TIMEOUT"]

DEFAULT = "default"       # timeout=DEFAULT: the budget set by set_default_timeout
DEFAULT_TIMEOUT = 20.0    # CPU seconds: a REPL user would rather wait than get a numeric answer
WALL_FACTOR = 10.0        # the wall-clock safety net is WALL_FACTOR * budget + WALL_GRACE
WALL_GRACE = 10.0
POLL = 0.05               # seconds between two looks at a running worker's CPU time

_default_timeout: float | None = DEFAULT_TIMEOUT
_clock_base = 0.0         # the parent's work clock at the fork that made this process
_in_worker = False        # nested workers stay in the outermost worker's process group


class TimeLimit(Exception):
    """The work spent its budget (CPU seconds) or hit the wall-clock safety net."""


class TooLarge(Exception):
    """The problem is beyond what the method enumerates or handles (too many active sets, a
    degree out of reach): no amount of time would help, so it is not a time limit."""


# -- budgets -----------------------------------------------------------------------------------

def as_seconds(timeout, name: str = "timeout") -> float | None:
    """A time limit as CPU seconds: :data:`DEFAULT` is the budget set by
    :func:`set_default_timeout`; ``None`` or ``inf`` mean no limit; 0, negative numbers, NaN
    and non-numbers are refused with a ValueError naming ``name``."""
    if timeout is None:
        return None
    if isinstance(timeout, str) and timeout == DEFAULT:
        return _default_timeout
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real):
        raise ValueError(f"{name} must be a number of seconds or None, "
                         f"not {type(timeout).__name__}")
    timeout = float(timeout)
    if math.isnan(timeout) or timeout <= 0:
        raise ValueError(f"{name} must be positive (None or inf for no limit), not {timeout:g}")
    return None if math.isinf(timeout) else timeout


def set_default_timeout(seconds: float | None) -> None:
    """Set the CPU-second budget every exact solve uses when none is given (None or inf: no
    limit). The shipped default is :data:`DEFAULT_TIMEOUT` (20 s)."""
    global _default_timeout
    _default_timeout = as_seconds(seconds)


def get_default_timeout() -> float | None:
    """The CPU-second budget of a solve given no ``timeout`` (None: no limit)."""
    return _default_timeout


def work_clock() -> float:
    """CPU seconds (user + system) of this line of work: this process, its reaped children, and
    its ancestors up to the fork that made it."""
    t = os.times()
    return _clock_base + t.user + t.system + t.children_user + t.children_system


class Budget:
    """``seconds`` of CPU time for a piece of work, counted from the budget's creation, with a
    wall-clock safety net; ``seconds=None`` is no limit.

    ``parent`` makes a part of a larger budget: the part is spent when its own seconds are, or
    when the whole is.
    """

    def __init__(self, seconds: float | None, parent: Budget | None = None,
                 wall: float | None = None):
        self.seconds = seconds
        self.parent = parent
        self.started = work_clock()
        self.wall_started = time.monotonic()
        self.wall = wall if wall is not None or seconds is None else WALL_FACTOR * seconds + WALL_GRACE

    @classmethod
    def of(cls, timeout, name: str = "timeout") -> Budget:
        """A budget from a user's ``timeout`` (see :func:`as_seconds`)."""
        return cls(as_seconds(timeout, name))

    def spent(self, extra: float = 0.0) -> float:
        """CPU seconds spent since the budget began (``extra``: a running worker's seconds)."""
        return work_clock() + extra - self.started

    def left(self, extra: float = 0.0) -> float | None:
        """CPU seconds left (None: no limit), the parent's limit included."""
        own = None if self.seconds is None else self.seconds - self.spent(extra)
        up = None if self.parent is None else self.parent.left(extra)
        if own is None or up is None:
            return up if own is None else own
        return min(own, up)

    def wall_left(self) -> float | None:
        own = None if self.wall is None else self.wall - (time.monotonic() - self.wall_started)
        up = None if self.parent is None else self.parent.wall_left()
        if own is None or up is None:
            return up if own is None else own
        return min(own, up)

    def expired(self, extra: float = 0.0) -> bool:
        left, wall = self.left(extra), self.wall_left()
        return (left is not None and left <= 0) or (wall is not None and wall <= 0)

    def check(self, what: str = "the work") -> None:
        """Raise :class:`TimeLimit` once the budget is spent."""
        if self.expired():
            raise TimeLimit(f"{what} exceeded {self.describe()}")

    def part(self, seconds: float | None) -> Budget:
        """A budget of at most ``seconds`` more, inside this one."""
        return Budget(seconds, parent=self)

    def fraction(self, share: float) -> Budget:
        """A part worth ``share`` of what is left now."""
        left = self.left()
        return self.part(None if left is None else share * max(left, 0.0))

    def describe(self) -> str:
        whole = self
        while whole.parent is not None and whole.seconds is None:
            whole = whole.parent
        return "no limit" if whole.seconds is None else f"its budget of {whole.seconds:.3g} s CPU"

    @property
    def unlimited(self) -> bool:
        return self.left() is None and self.wall_left() is None


# -- workers -----------------------------------------------------------------------------------

class _RemoteError(Exception):
    """An exception from the worker that could not be pickled, as text."""


def run_in_worker(fn, *args, budget: Budget | None, what: str = "the work", **kwargs):
    """``fn(*args, **kwargs)`` in a forked worker that is killed when ``budget`` is spent: its
    result, its exception re-raised, or :class:`TimeLimit`. No budget (or no limit, or no fork):
    it runs in this process."""
    if budget is None or budget.unlimited or not hasattr(os, "fork"):
        return fn(*args, **kwargs)
    budget.check(what)
    read_end, write_end = os.pipe()
    parent = os.getpid()
    clock_at_fork = work_clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the worker: must never return into the caller's stack
        try:
            _become_worker(parent, clock_at_fork, keep=write_end)
            _deliver(fn, args, kwargs, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        data = _collect(read_end, pid, budget, what)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    os.waitpid(pid, 0)
    if not data:
        raise _RemoteError("the worker process died without a result")
    status, value = pickle.loads(data)
    if status == "err":
        raise value
    return value


def _become_worker(parent: int, clock_at_fork: float, keep: int) -> None:
    """Tie the worker's life to its parent's and let go of the parent's descriptors."""
    global _clock_base, _in_worker
    _die_with_parent()
    if os.getppid() != parent:          # the parent died before the tie was made
        os._exit(1)
    if not _in_worker:
        os.setpgid(0, 0)                # its own group: not reached by the terminal's Ctrl-C,
        _in_worker = True               # and killed as a whole when its budget is spent
    _clock_base = clock_at_fork
    _release_descriptors_except(2, keep)       # stdin and stdout too; errors still show


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG(SIGKILL): the kernel kills this process when its parent exits."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)       # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):               # not Linux: the parent's kill is all there is
        pass


def _release_descriptors_except(*keep: int) -> None:
    """Point every other inherited descriptor at /dev/null: the worker no longer holds the
    parent's pipes, files and terminal, and the descriptors stay valid, so an object that owns
    one (a font file of matplotlib's) closes it without an error when it is collected."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 256))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in fds:
        if fd not in keep and fd != null:
            try:
                os.dup2(null, fd)
            except OSError:
                pass
    os.close(null)


def _collect(read_end: int, pid: int, budget: Budget, what: str) -> bytes:
    """Read the worker's answer, stopping it when its CPU time or the safety net runs out."""
    chunks = []
    while True:
        running = _cpu_of(pid)
        if budget.expired(extra=running):
            raise TimeLimit(f"{what} exceeded {budget.describe()}")
        ready, _, _ = select.select([read_end], [], [], POLL)
        if ready:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_of(pid: int) -> float:
    """A running child's CPU seconds so far (its own and its reaped children's), from
    /proc/PID/stat; 0 where /proc is missing (then the wall-clock net is the bound)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    # after the command name: state is field 3, utime..cstime are fields 14..17
    return sum(int(f) for f in fields[11:15]) / _TICKS


def _deliver(fn, args, kwargs, write_end) -> None:
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
    if not _in_worker:
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
