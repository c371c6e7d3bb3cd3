"""Exceptions raised by lagropt.

Every error lagropt raises on bad input is a :class:`LagroptError` with a one-line message that
names the problem, so that the REPL, the command line and scripts can report it without a
traceback from deep inside SymPy or NumPy.
"""


class LagroptError(Exception):
    """Base class of all lagropt errors (a one-line, user-facing message)."""


class ProblemError(LagroptError, ValueError):
    """The optimization problem as stated cannot be posed (bad objective, constraint, variable)."""


class NotFittedError(ProblemError, AttributeError):
    """An estimator was used before ``fit`` (an AttributeError too, as scikit-learn's)."""


class SolveError(LagroptError):
    """The exact solver could not proceed (not a statement about the problem being wrong)."""


class CompileError(LagroptError, ValueError):
    """An expression cannot be compiled to NumPy as given (unknown symbols, a free index,
    a construct the compiler does not support)."""


class DataError(LagroptError, ValueError):
    """Arrays passed to a compiled function do not fit it: wrong shape, NaN or inf."""


class EvaluationError(LagroptError, ArithmeticError):
    """A compiled value or derivative does not exist or is not finite at the given point."""


class OptimizerError(LagroptError, ValueError):
    """An optimizer, schedule or descent run was given settings it cannot use (a negative
    learning rate, betas outside [0, 1), Nesterov without momentum, no gradient)."""


class StatMechError(ProblemError):
    """A statistical-mechanics problem with no finite answer: a mean or variance the values
    cannot have (or can have only on the boundary, where the distribution degenerates),
    contradictory constraints, a partition function that diverges."""


class LatexError(LagroptError):
    """A LaTeX document could not be written or compiled (or a name or text cannot be
    written in LaTeX)."""


class LatexNotFoundError(LatexError):
    """Neither latexmk nor pdflatex is installed."""
