"""Exceptions raised by lagropt.

Every error lagropt raises on bad input is a :class:`LagroptError` with a one-line message that
names the problem, so that the REPL, the command line and scripts can report it without a
traceback from deep inside SymPy or NumPy.
"""


class LagroptError(Exception):
    """Base class of all lagropt errors (a one-line, user-facing message)."""


class ProblemError(LagroptError, ValueError):
    """The optimization problem as stated cannot be posed (bad objective, constraint, variable)."""


class SolveError(LagroptError):
    """The exact solver could not proceed (not a statement about the problem being wrong)."""


class StatMechError(ProblemError):
    """A statistical-mechanics problem with no finite answer: a mean or variance the values
    cannot have (or can have only on the boundary, where the distribution degenerates),
    contradictory constraints, a partition function that diverges."""
