"""The exact solver: structured elimination, Groebner bases, KKT active sets, second-order
tests, global verdicts, bounded time and a numeric fallback.

Read it from :func:`.core.solve` (the budget and the fallback) to :func:`.pipeline.solve_exact`
(the stages in order); :mod:`.stages` runs one stage at a time. See docs/solver-path.md.
"""

from .core import solve
from .result import KINDS, STATUSES, Point, Solution
from ..problem import register_solver
from ..runtime import TimeLimit, TooLarge, get_default_timeout, set_default_timeout

register_solver(solve)

__all__ = ["solve", "Point", "Solution", "STATUSES", "KINDS", "TimeLimit",
           "set_default_timeout", "get_default_timeout"]
