"""The rendering registry: how the data classes reach a renderer they do not import.

:class:`~lagropt.Problem`, :class:`~lagropt.Derivation` and :class:`~lagropt.Solution` are data;
their ``.latex()``, ``.to_tex()``, ``_repr_latex_`` (Jupyter), ``.to_markdown()`` and
``.to_myst()`` ask the generic functions below,
and a rendering module fills them in for its types when it is imported::

    from lagropt import rendering
    rendering.latex.register(Derivation, derivation_latex)

:mod:`lagropt.latex` does so (imported by :func:`complete_registration` when a renderer
is first missing, or by the user), so the arrows point downward only:
the renderer knows the data, the data know only this registry. With nothing registered, each
function raises a :class:`~lagropt.errors.LatexError` that says what to import.
"""

from __future__ import annotations

import sys
from functools import singledispatch

from .errors import LatexError

__all__ = ["latex", "summary_latex", "to_tex", "markdown", "complete_registration", "Rendered",
           "Derived"]


def complete_registration() -> bool:
    """Have the package import the modules that fill the registries (the solver, shadow prices,
    the dual, LaTeX rendering), which ``import lagropt`` defers to first use: a deep import such
    as ``from lagropt.statmech import maxent`` reaches a registry before they are loaded. The
    package is looked up, not imported (it sits above every module). Returns True when the
    modules were loaded just now (False: loaded before, or loading already)."""
    package = sys.modules.get(__name__.rpartition(".")[0])
    load = getattr(package, "_load_registrants", None)
    return bool(load()) if load is not None else False


def _unregistered(obj, what: str) -> LatexError:
    """The error for a type no rendering module has registered."""
    return LatexError(f"no {what} is registered for a {type(obj).__name__} "
                      "(import lagropt.latex, which registers it)")


@singledispatch
def latex(obj, fold: bool = True, linewidth=None) -> str:
    """The LaTeX fragment of ``obj`` (``fold``: index notation for numbered symbols;
    ``linewidth``: points, or "twocolumn", that long rows are broken for)."""
    if complete_registration():
        return latex(obj, fold, linewidth=linewidth)
    raise _unregistered(obj, "LaTeX renderer")


@singledispatch
def markdown(obj, flavor: str = "$", fold: bool = True, title: str | None = None) -> str:
    """The Markdown of ``obj`` (``flavor``: ``"$"`` or ``"\\("``, the inline math delimiter
    of plain Markdown, or ``"myst"``; see :mod:`lagropt.latex.markdown`)."""
    if complete_registration():
        return markdown(obj, flavor, fold, title)
    raise _unregistered(obj, "Markdown renderer")


@singledispatch
def summary_latex(obj) -> str:
    """The short LaTeX Jupyter shows for ``obj`` (``_repr_latex_``)."""
    return latex(obj)


@singledispatch
def to_tex(obj, path, standalone: bool = True, title: str | None = None, *, raw: bool = False,
           force: bool = False, linewidth=None):
    """Write ``obj`` as LaTeX to ``path`` (see :func:`lagropt.latex.to_tex`)."""
    if complete_registration():
        return to_tex(obj, path, standalone, title, raw=raw, force=force, linewidth=linewidth)
    raise _unregistered(obj, "LaTeX writer")


def repr_latex(obj) -> str | None:
    """``_repr_latex_`` for Jupyter: the summary, or None (Jupyter then shows the text form)
    when the object has a name LaTeX cannot print or no renderer is registered."""
    try:
        return summary_latex(obj)
    except LatexError:
        return None


class Rendered:
    """``latex()``, ``to_tex()``, ``_repr_latex_``, ``to_markdown()`` and ``to_myst()`` for a
    data class whose renderer is registered here (a :class:`~lagropt.Derivation`, a
    :class:`~lagropt.Solution`)."""

    def to_markdown(self, fold: bool = True, *, inline: str = "$",
                    title: str | None = None) -> str:
        """The derivation as Markdown for web notes: ``$$`` displays (``aligned``), inline
        math ``$...$`` (Jupyter, Quarto, GitHub, MyST with dollarmath) or, with
        ``inline="\\("``, ``\\(...\\)`` (MathJax 3's and KaTeX auto-render's defaults).
        Text, ``title`` too (a heading), is escaped for Markdown and HTML."""
        return markdown(self, inline, fold, title)

    def to_myst(self, fold: bool = True, *, title: str | None = None) -> str:
        """The derivation as MyST Markdown (Jupyter Book): the ``{math}`` directive and role,
        which need no MyST extension."""
        return markdown(self, "myst", fold, title)

    def latex(self, fold: bool = True, linewidth=None) -> str:
        """A LaTeX fragment in the lecture's notation (needs amsmath); long rows broken for
        ``linewidth`` (points, or "twocolumn"; default the 11pt article's 360pt)."""
        return latex(self, fold, linewidth=linewidth)

    def to_tex(self, path, standalone: bool = True, title: str | None = None, *,
               raw: bool = False, force: bool = False, linewidth=None):
        """Write :meth:`latex` to ``path``: a complete document, or the fragment for ``\\input``.

        The title is text (LaTeX when ``raw``); a file lagropt did not write is replaced only
        when ``force``; ``linewidth="twocolumn"`` writes a two-column 10pt document (see
        :func:`lagropt.latex.to_tex`)."""
        return to_tex(self, path, standalone, title, raw=raw, force=force, linewidth=linewidth)

    def _repr_latex_(self) -> str | None:
        return repr_latex(self)


class Derived:
    """The renderings of a result that carries a ``derivation`` (shadow prices, the dual, a
    regression's closed form): each is its derivation's."""

    def latex(self, fold: bool = True, linewidth=None) -> str:
        """The derivation as a LaTeX fragment (:meth:`Rendered.latex`)."""
        return self.derivation.latex(fold, linewidth)

    def to_tex(self, path, standalone: bool = True, title: str | None = None, *, raw=False,
               force=False, linewidth=None):
        """Write the derivation as LaTeX (:meth:`Rendered.to_tex`)."""
        return self.derivation.to_tex(path, standalone, title, raw=raw, force=force,
                                      linewidth=linewidth)

    def _repr_latex_(self):
        return self.derivation._repr_latex_()

    def to_markdown(self, fold: bool = True, *, inline: str = "$", title=None) -> str:
        """The derivation as Markdown (:meth:`Rendered.to_markdown`)."""
        return self.derivation.to_markdown(fold, inline=inline, title=title)

    def to_myst(self, fold: bool = True, *, title=None) -> str:
        """The derivation as MyST Markdown (:meth:`Rendered.to_myst`)."""
        return self.derivation.to_myst(fold, title=title)
