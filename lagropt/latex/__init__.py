"""LaTeX for lecture notes: derivations as the lecture writes them, documents that compile.

* :func:`latex` -- a LaTeX fragment (``align*`` blocks) for a Derivation, Solution or Problem;
* :func:`to_tex` -- the same written to a file, as a complete document or as a fragment;
* :func:`compile` -- the PDF, with latexmk or pdflatex (a clear error when neither is installed);
* :class:`Notes` -- several derivations, text and figures in one document;
* :class:`LaTeXString` -- text that is LaTeX (everything else given as text is escaped);
* :mod:`lagropt.latex.markdown` -- the same derivations as Markdown and MyST for web notes.

The objects themselves reach these functions without importing this package: importing it
registers the renderings in :mod:`lagropt.rendering` (``solution.latex()``,
``derivation.to_tex(path)`` and ``_repr_latex_`` for Jupyter ask that registry).
"""

from __future__ import annotations

from .. import rendering
from ..derivation import Derivation
from ..problem import Problem
from ..solver.result import Solution
from .documents import (PREAMBLE, LatexError, LatexNotFoundError, Notes, compile, document,
                       latex_available, write)
from .names import UnprintableNameError, symbol_tex
from .printer import Context, LecturePrinter, tex
from .text import LaTeXString
from .render import derivation_latex, problem_latex, solution_latex, solution_summary_latex
from .markdown import derivation_markdown, problem_markdown, solution_markdown

__all__ = ["latex", "to_tex", "compile", "Notes", "document", "latex_available", "tex",
           "LaTeXString", "symbol_tex", "UnprintableNameError",
           "LatexError", "LatexNotFoundError", "PREAMBLE", "LecturePrinter", "Context",
           "derivation_latex", "solution_latex", "problem_latex", "solution_summary_latex"]


def latex(obj, fold: bool = True, linewidth=None) -> str:
    """The LaTeX fragment of a Derivation, a Solution (its derivation) or a Problem.

    Parameters
    ----------
    obj : Derivation, Solution or Problem
    fold : bool
        Write equations and sums over numbered symbols (p1, p2, p3) with an index, as the
        lecture does (``-ln p_i - 1 = lambda``, i = 1, 2, 3). False writes every line out.
    linewidth : float or "twocolumn", optional
        The line width in points that long rows are broken for, by an estimate of their
        printed width: ``"twocolumn"`` for a column of a 10pt two-column article (241pt).
        The default is the 11pt article's text width (360pt).

    Returns
    -------
    str
        Paragraphs and ``align*`` blocks; the document needs ``\\usepackage{amsmath}``.
    """
    if not _registered(type(obj)):
        raise LatexError(f"cannot render a {type(obj).__name__} as LaTeX: pass a Derivation, "
                         "Solution or Problem")
    return rendering.latex(obj, fold, linewidth=linewidth)


def to_tex(obj, path, standalone: bool = True, title: str | None = None, *, raw: bool = False,
           force: bool = False, linewidth=None):
    """Write ``obj`` as LaTeX to ``path`` (a name ending in ``.tex``): a complete document, or
    the fragment alone, its rows broken for ``linewidth`` (see :func:`latex`); with
    ``linewidth="twocolumn"`` the document is a two-column 10pt article.

    The title (and a string ``obj``) is text, escaped, unless ``raw=True`` or a
    :class:`LaTeXString`. The file is written atomically, and an existing file lagropt did not
    write is replaced only when ``force=True`` (see :func:`write`).
    """
    body = obj if isinstance(obj, str) else LaTeXString(latex(obj, linewidth=linewidth))
    return write(body, path, standalone, title, raw=raw, force=force, linewidth=linewidth)


def _registered(kind: type) -> bool:
    """Whether a LaTeX rendering is registered for the type ``kind``."""
    return rendering.latex.dispatch(kind) is not rendering.latex.dispatch(object)


def _problem_latex(problem: Problem, fold: bool = True, linewidth=None) -> str:
    """:func:`problem_latex` with the registry's signature (a problem has nothing to fold)."""
    return problem_latex(problem, linewidth)


def _register() -> None:
    """Fill :mod:`lagropt.rendering` with this package's renderings of the data classes."""
    for kind, render in ((Derivation, derivation_latex), (Solution, solution_latex),
                         (Problem, _problem_latex)):
        rendering.latex.register(kind, render)
        rendering.to_tex.register(kind, to_tex)
    for kind, render in ((Derivation, derivation_markdown), (Solution, solution_markdown),
                         (Problem, problem_markdown)):
        rendering.markdown.register(kind, render)
    rendering.summary_latex.register(Solution, solution_summary_latex)


_register()
