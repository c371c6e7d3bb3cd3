"""How wide a display row will print, estimated from its LaTeX without running TeX.

Widths are in points for the 11pt article (``\\textwidth`` = 360pt) and were measured with
pdflatex (``\\setbox0\\hbox{$\\displaystyle ...$}\\showthe\\wd0``): a letter is about 6pt, a
binary operator with its spaces about 12pt, ``\\int`` 11pt. Sub- and superscripts are printed at
0.75 of the size and stand above one another (below and above a display's sum); a fraction is as wide as its wider part. The
estimate is good to a few per cent on the rows lagropt writes: enough to decide where a long row
must break (see :meth:`lagropt.latex.render.Renderer.row_lines`).
"""

from __future__ import annotations

import math
import re

from ..errors import LatexError

__all__ = ["estimate", "TEXT_WIDTH", "TWOCOLUMN_WIDTH", "line_width"]

TEXT_WIDTH = 360.0          # pt, \textwidth of the 11pt article
TWOCOLUMN_WIDTH = 241.0     # pt, \columnwidth of the 10pt two-column article (241.14749pt)
NARROWEST, WIDEST = 100.0, 2000.0     # pt: the line widths accepted


def line_width(linewidth=None) -> float:
    """The width in points rows are broken for: ``None`` for the default (the 11pt article's
    text width, :data:`TEXT_WIDTH`), ``"twocolumn"`` for a column of the 10pt two-column
    article (:data:`TWOCOLUMN_WIDTH`), or a number of points (as ``\\linewidth`` in pt).

    The estimates are those of 11pt type, so a width given for 10pt type (smaller letters) is
    kept with a little to spare rather than overrun."""
    if linewidth is None:
        return TEXT_WIDTH
    if isinstance(linewidth, str):
        text = linewidth.strip().lower()
        if text == "twocolumn":
            return TWOCOLUMN_WIDTH
        try:
            linewidth = float(text[:-2] if text.endswith("pt") else text)
        except ValueError:
            raise LatexError(f"linewidth must be a width in points (e.g. 241) or 'twocolumn', "
                             f"got {linewidth!r}") from None
    if isinstance(linewidth, bool) or not isinstance(linewidth, (int, float)) \
            or not math.isfinite(linewidth) or not NARROWEST <= linewidth <= WIDEST:
        raise LatexError(f"linewidth must be 'twocolumn' or a number of points from "
                         f"{NARROWEST:g} to {WIDEST:g}, got {linewidth!r}")
    return float(linewidth)

_SCRIPT = 0.75
_LIMITS = {"sum", "prod", "lim", "max", "min"}     # scripts below and above, in a display
_CHARS = {"+": 11.7, "-": 11.7, "=": 13.0, "<": 13.0, ">": 13.0, "(": 4.3, ")": 4.3,
          "[": 3.0, "]": 3.0, "|": 3.0, ",": 4.8, ".": 3.0, "/": 5.5, "'": 2.5, "!": 3.0}
_COMMANDS = {"int": 11.0, "sum": 15.8, "prod": 15.8, "ln": 10.9, "log": 13.0, "exp": 15.0,
             "infty": 11.0, "partial": 5.8, "delta": 4.9, "dots": 13.4, "cdots": 13.4,
             "ldots": 13.4, "quad": 11.0, "qquad": 22.0, ",": 1.8, ";": 3.1, ":": 2.4,
             "!": -1.8, " ": 3.7, "Rightarrow": 17.0, "approx": 14.5, "leq": 14.5, "geq": 14.5,
             "neq": 14.5, "to": 17.0, "cdot": 8.0, "times": 11.7, "pm": 11.7, "hat": 0.0,
             "left": 0.0, "right": 0.0, "limits": 0.0, "nolimits": 0.0, "displaystyle": 0.0}
_TEXT = {"text", "operatorname", "mathrm", "textrm", "mathit"}
_NAME = re.compile(r"[A-Za-z]+\*?|.")


def estimate(tex: str) -> float:
    """The printed width in points of ``tex`` (one row of a display, ``&`` ignored)."""
    return _Reader(tex).group(1.0)


class _Reader:
    def __init__(self, tex: str):
        self.s, self.i = tex, 0
        self.limits = False         # the last atom takes its scripts below and above
        self.delimiters: list = []  # sizes of the open \left brackets

    def group(self, scale: float) -> float:
        """Width up to the closing brace (or the end)."""
        total, script = 0.0, None
        while self.i < len(self.s) and self.s[self.i] != "}":
            if self.s[self.i] in "_^":
                self.i += 1
                w = self.argument(scale * _SCRIPT)
                total += w if script is None else max(0.0, w - script)   # stacked: the wider
                script = w if script is None else max(w, script)
                continue
            self.limits = False
            w = self.atom(scale)
            total += w
            script = w if self.limits else None
        self.i += 1
        return total

    def argument(self, scale: float) -> float:
        """A braced group or a single token."""
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1
        if self.i < len(self.s) and self.s[self.i] == "{":
            self.i += 1
            return self.group(scale)
        return self.atom(scale)

    def delimiter_size(self) -> float:
        """Brackets grow around tall content (a sum, an integral, a fraction)."""
        depth, j = 1, self.i
        while depth and j < len(self.s):
            if self.s.startswith("\\left", j):
                depth += 1
            elif self.s.startswith("\\right", j):
                depth -= 1
            j += 1
        inside = self.s[self.i:j]
        return 7.5 if any(tall in inside for tall in ("\\int", "\\sum", "\\frac")) else 5.0

    def raw(self) -> str:
        """The text of a braced argument, unread."""
        start = self.s.index("{", self.i) + 1
        depth, j = 1, start
        while j < len(self.s) and depth:
            depth += (self.s[j] == "{") - (self.s[j] == "}")
            j += 1
        self.i = j
        return self.s[start:j - 1]

    def atom(self, scale: float) -> float:
        c = self.s[self.i]
        if c == "{":
            self.i += 1
            return self.group(scale)
        if c != "\\":
            self.i += 1
            if c.isalpha():
                return 6.2 * scale
            if c.isdigit():
                return 5.5 * scale
            if scale < 1 and c in "+-=<>":         # no spaces around operators in scripts
                return 8.5 * scale
            return _CHARS.get(c, 0.0) * scale
        name = _NAME.match(self.s, self.i + 1).group()
        self.i += 1 + len(name)
        if name == "\\":
            return 0.0
        if name == "frac":
            return max(self.argument(scale), self.argument(scale)) + 4.0 * scale
        if name == "sqrt":
            return self.argument(scale) + 8.3 * scale
        if name in ("left", "right"):
            delimiter = _NAME.match(self.s, self.i).group()
            if delimiter == "\\":                  # \left\{, \right\|
                delimiter += _NAME.match(self.s, self.i + 1).group()
            self.i += len(delimiter)
            if name == "left":
                self.delimiters.append(self.delimiter_size())
            size = self.delimiters.pop() if name == "right" and self.delimiters else \
                self.delimiters[-1] if self.delimiters else 5.0
            return 0.0 if delimiter == "." else size * scale
        self.limits = name in _LIMITS
        if name.rstrip("*") in _TEXT:
            return 4.8 * scale * len(self.raw())
        return _COMMANDS.get(name, 6.3) * scale
