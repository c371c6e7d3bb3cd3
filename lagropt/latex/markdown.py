"""Derivations as Markdown for web notes: plain Markdown (Jupyter, Quarto, GitHub) and MyST.

The steps, rows and lecture forms are those of the LaTeX rendering (:mod:`.render`); only
the :class:`~.render.Style` differs:

* words are escaped for Markdown and HTML (:func:`markdown_text`), so that no text, a user's
  or the solver's, becomes markup, a tag or a math delimiter;
* each step's rows are one display, ``$$`` (or ``\\[``, ``\\]``) on lines of their own around
  ``\\begin{aligned}`` (``alignedat`` for a chain), which KaTeX and MathJax 3 both know;
  the display uses nothing KaTeX lacks (no ``align*`` at top level, no ``\\\\[0.5ex]``);
* inline math is ``$...$`` (:data:`MARKDOWN`: Jupyter, Quarto/pandoc, GitHub, MyST with
  ``dollarmath``), ``\\(...\\)`` with ``\\[...\\]`` displays (:data:`MARKDOWN_PAREN`:
  MathJax 3's and KaTeX auto-render's default delimiters, for a Markdown converter that
  passes them through; :func:`scanned_text` keeps the text free of them), or MyST's
  ``{math}`` role and directive (:data:`MYST`: Jupyter Book and MyST with no extension);
* math holds no ``<``, ``>`` or backquote (``\\lt``, ``\\gt``, ``\\grave{}``): nothing in it
  can open an HTML tag or end a MyST role.
"""

from __future__ import annotations

import re

from .render import (Style, render_derivation, render_problem, render_solution,
                     render_summary)
from .names import MATH_ESCAPES
from ..errors import LagroptError

__all__ = ["derivation_markdown", "solution_markdown", "summary_markdown", "problem_markdown",
           "markdown_text", "scanned_text", "paragraph", "math_text", "math_safe", "MARKDOWN",
           "MARKDOWN_PAREN", "MYST", "STYLES"]

# Markdown punctuation written with a backslash (CommonMark, pandoc, marked and markdown-it
# all take a backslash before ASCII punctuation as the character itself)
_BACKSLASHED = set("`*_{}#!|~^$")
# what opens a block at the start of a line (a list, a MyST colon fence, a setext underline):
# escaped there only, where a paragraph starts (:func:`paragraph`)
_LINE_START = re.compile(r"^(?:[-+=:]|\d+(?=[.)]))")
# written as HTML character references: tags, entities, links and the bracket delimiters
# \[ \] of display math (a backslash in the text could otherwise form \( or \[ with them)
_REFERENCES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\\": "&#92;", "[": "&#91;",
               "]": "&#93;"}
# characters math on a web page does without: a tag could open at <, a MyST role end at `
_UNSAFE_IN_MATH = {"<": r"\lt ", ">": r"\gt ", "`": r"\grave{}"}
# what math mode writes for the characters \text{} cannot hold: MathJax 3 without its
# textmacros extension prints commands inside \text{} as they are, so specials leave it
_MATH_SPECIALS = {**MATH_ESCAPES, **_UNSAFE_IN_MATH}
_JOINER = "\u2060"       # WORD JOINER: no width, no break


def _printable(ch: str) -> str:
    """A character kept as it is, a line break or tab as a space, a control (or invisible
    formatting) character as ``[U+XXXX]``."""
    if ch in "\t\n\r\f\v":
        return " "                  # a line break could end the paragraph or start a block
    return ch if ch.isprintable() else f"[U+{ord(ch):04X}]"


def markdown_text(text: str) -> str:
    """Plain text made safe for a Markdown paragraph (or heading).

    Markdown's punctuation gets a backslash (``*`` -> ``\\*``, ``$`` -> ``\\$``, the literal
    dollar of every Markdown that knows math); ``<``, ``>``, ``&``, the backslash and the
    square brackets become HTML character references (``&lt;``, ``&#92;``, ...), which no
    Markdown reads as markup or math; line breaks become spaces.
    """
    out = []
    for ch in "".join(_printable(ch) for ch in str(text)):
        if ch in _REFERENCES:
            out.append(_REFERENCES[ch])
        elif ch in _BACKSLASHED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def scanned_text(text: str) -> str:
    """:func:`markdown_text` for a page that MathJax or KaTeX auto-render scan whole (their
    default delimiters ``\\(``, ``\\[``, ``$$``, ``\\begin``): an invisible word joiner
    (U+2060) after each dollar and backslash, so that none of them forms in the text."""
    return markdown_text(text).replace("\\$", "\\$" + _JOINER).replace(
        _REFERENCES["\\"], _REFERENCES["\\"] + _JOINER)


def paragraph(text: str) -> str:
    """A paragraph of escaped text that cannot start a block: a leading ``-``, ``+``, ``=``
    or ``:`` (a list, a setext underline, a colon fence) or a number with ``.``/``)`` (an
    ordered list) gets a backslash."""
    match = _LINE_START.match(text)
    if not match:
        return text
    if match.group().isdigit():
        return text[:match.end()] + "\\" + text[match.end():]
    return "\\" + text


def math_text(text: str) -> str:
    """Plain text as a piece of math: ``\\text{...}`` runs, with the characters TeX treats
    specially (``\\ { } $ % & # _ ^ ~ < >`` and the backquote) written in math mode between
    them (``\\%``, ``\\lt``), so the result means the same to KaTeX and to MathJax 3."""
    out, run = [], []

    def flush():
        if run:
            out.append(r"\text{%s}" % "".join(run))
            run.clear()

    for ch in str(text):
        if ch in _MATH_SPECIALS:
            flush()
            out.append(_MATH_SPECIALS[ch])
        else:
            run.append(_printable(ch))
    flush()
    return "".join(out)


def math_safe(math: str) -> str:
    """Math as a web page must hold it: ``<`` and ``>`` as ``\\lt``/``\\gt`` (an HTML parser
    could take ``<b`` for a tag), the backquote as ``\\grave{}`` (it would end a MyST role)."""
    return "".join(_UNSAFE_IN_MATH.get(ch, ch) for ch in math)


def _aligned(rows: list, chain: bool) -> str:
    """A step's rows as ``aligned`` (``alignedat{2}`` for a chain, arrows in their own
    column), one row a line."""
    begin, end = (r"\begin{alignedat}{2}", r"\end{alignedat}") if chain else (
        r"\begin{aligned}", r"\end{aligned}")
    return math_safe(f"{begin}\n  " + " \\\\\n  ".join(rows) + f"\n{end}")


def _dollar_display(rows: list, chain: bool) -> str:
    return "$$\n" + _aligned(rows, chain) + "\n$$"


def _bracket_display(rows: list, chain: bool) -> str:
    return "\\[\n" + _aligned(rows, chain) + "\n\\]"


def _myst_display(rows: list, chain: bool) -> str:
    return "```{math}\n" + _aligned(rows, chain) + "\n```"


def _dollar_inline(math: str) -> str:
    return f"${math_safe(math).strip()}$"


def _paren_inline(math: str) -> str:
    return rf"\({math_safe(math).strip()}\)"


def _myst_inline(math: str) -> str:
    return "{math}`%s`" % math_safe(math).strip()


def _blank_separated(display):
    """A display as a block of its own: a blank line before and after it."""
    return lambda rows, chain: "\n" + display(rows, chain) + "\n"


MARKDOWN = Style(markdown_text, math_text, _dollar_inline, _blank_separated(_dollar_display),
                 paragraph)
MARKDOWN_PAREN = Style(scanned_text, math_text, _paren_inline,
                       _blank_separated(_bracket_display), paragraph)
MYST = Style(markdown_text, math_text, _myst_inline, _blank_separated(_myst_display), paragraph)
STYLES = {"$": MARKDOWN, "\\(": MARKDOWN_PAREN, "myst": MYST}


def style_of(flavor: str) -> Style:
    """The style for ``flavor``: ``"$"`` or ``"\\("`` (the inline delimiter of plain
    Markdown), or ``"myst"``."""
    if flavor not in STYLES:
        raise LagroptError(f"unknown Markdown flavor {flavor!r}: inline math is '$' or '\\(' "
                           "(to_markdown), or 'myst' (to_myst)")
    return STYLES[flavor]


def _heading(title, style: Style) -> str:
    return "" if title is None else f"# {style.paragraph(style.words(title))}\n\n"


def _tidy(text: str) -> str:
    """Blocks one blank line apart, one line break at the end."""
    return re.sub(r"\n{3,}", "\n\n", text.strip("\n")) + "\n"


def _exported(render, obj, flavor: str, title, *args) -> str:
    """``render(obj, style, *args)`` in the style of ``flavor``, under the heading ``title``."""
    style = style_of(flavor)
    return _tidy(_heading(title, style) + render(obj, style, *args))


def derivation_markdown(derivation, flavor: str = "$", fold: bool = True, title=None) -> str:
    """A :class:`~lagropt.Derivation` as Markdown: one paragraph and one display per step.

    Parameters
    ----------
    flavor : str
        ``"$"`` (inline ``$...$``), ``"\\("`` (inline ``\\(...\\)``) or ``"myst"``.
    fold : bool
        Equations and sums over numbered symbols with an index (p_i), as in LaTeX.
    title : str, optional
        A heading (``# title``), escaped.
    """
    return _exported(render_derivation, derivation, flavor, title, fold)


def solution_markdown(solution, flavor: str = "$", fold: bool = True, title=None) -> str:
    """A :class:`~lagropt.Solution`'s derivation as Markdown, the numerically found points
    appended (the arguments of :func:`derivation_markdown`)."""
    return _exported(render_solution, solution, flavor, title, fold)


def summary_markdown(solution, flavor: str = "$") -> str:
    """A solution's status, optimum and value as Markdown."""
    return _exported(render_summary, solution, flavor, None)


def problem_markdown(problem, flavor: str = "$", fold: bool = True, title=None) -> str:
    """A :class:`~lagropt.Problem` as the lecture states it (argmax/argmin subject to ...)."""
    return _exported(render_problem, problem, flavor, title)
