"""A step's annotation, written in words by the solver, as LaTeX text with inline math.

The solver annotates steps in plain words with SymPy's string forms inside ("Insert into the
constraint g = 0 and solve for lambda", "Case -lambda + y**2*z**2 = 0"). This module keeps the
words as text, escapes what LaTeX treats specially, and typesets the mathematical runs inline:
``$g = 0$``, ``$\\lambda$``, ``$-\\lambda + y^{2} z^{2} = 0$``. Nothing is evaluated: the
runs are translated token by token.

The lecture's shorthand in prose is read as mathematics too: accented names as SymPy prints
them (``yhat - y`` -> ``$\\hat{y} - y$``), ``grad f``, ``eps`` (``\\varepsilon``), optimal values
(``x*``, ``V*(c)`` -> ``$V^{*}(c)$``: a star before a bracket of names only, since SymPy
writes a product with a sum as ``a*(b + c)``), derivatives (``dV*/dc``, ``f'(u)``) and a
relation with its right side (``are >= 0``); a letter after an apostrophe is a word's
(``module's``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from sympy.printing.latex import greek_letters_set

from .names import symbol_tex

__all__ = ["annotation", "escape", "dollars", "LaTeXString", "as_latex"]


class LaTeXString(str):
    """Text that is LaTeX already, written into a document as it is.

    Titles, section headings, paragraphs and captions are escaped (a ``%`` prints as a percent
    sign); wrapping a string in ``LaTeXString`` (or passing ``raw=True``) is the one way to put
    LaTeX commands into a document. Use it only for LaTeX you wrote or trust: a document can
    read files (``\\input``) and write them (``\\openout``) while it compiles.
    """


def as_latex(text, raw: bool = False) -> str:
    """``text`` for a document: as it is when ``raw`` or a :class:`LaTeXString`, else escaped
    by :func:`escape`."""
    if raw or isinstance(text, LaTeXString):
        return str(text)
    return escape(str(text))

_NAME = r"[A-Za-z][A-Za-z0-9_]*"
_ARGUMENTS = r"\((?:\s*[A-Za-z0-9_]+\*?\s*,)*\s*[A-Za-z0-9_]+\*?\s*\)"
_TOKEN = re.compile(rf"""
    (?P<abbr>\b(?:e\.g\.|i\.e\.|etc\.|cf\.))
  | (?P<deriv>\bd{_NAME}\*?/d{_NAME})
  | (?P<star>{_NAME}\*(?=$|[^\w(*]|{_ARGUMENTS}))
  | (?P<prime>{_NAME}'+(?=\())
  | (?P<id>{_NAME})
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<op>\*\*|->|<=|>=|!=|==|[-+*/^=<>()≈≤≥≠])
  | (?P<space>[ \t]+)
  | (?P<comma>,)
  | (?P<other>.)
""", re.X | re.S)

_FUNCTIONS = {"sqrt", "exp", "log", "ln", "sin", "cos", "tan", "sinh", "cosh", "tanh", "Abs",
              "sign", "Max", "Min", "Heaviside", "CRootOf", "atan", "asin", "acos", "softmax",
              "sigmoid", "Var", "diag"}
_CONSTANTS = {"oo": r"\infty", "ln": r"\ln", "grad": r"\operatorname{grad}",
              "eps": r"\varepsilon"}
_ALIASES = {"eps": r"\varepsilon"}             # a name's base the lecture abbreviates (eps0)
# a letter with SymPy's accent suffix (yhat, xbar): SymPy prints \hat{y}, \bar{x}
_ACCENTED = re.compile(r"(?:[A-Za-z]|%s)(?:hat|bar|tilde|ddot|dot|vec)" % "|".join(
    sorted(greek_letters_set, key=len, reverse=True)))
_WORDS = {"that", "what", "chat"}              # English words that look like x + accent
_RELATIONS = {"=": "=", "==": "=", "->": r"\to", "<=": r"\leq", ">=": r"\geq", "!=": r"\neq",
              "<": "<", ">": ">", "≈": r"\approx", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq"}
_NOTATION = ("star", "deriv", "prime")           # x*, dV*/dc, f'(u): always mathematics
_ORDER = {"<=", ">=", "<", ">", "!="}           # a run may open with one: "are >= 0"
_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$",
                 "%": r"\%", "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}", "<": r"$<$", ">": r"$>$", "|": r"$|$"}
_UNICODE = {"≈": r"$\approx$", "≤": r"$\leq$", "≥": r"$\geq$", "≠": r"$\neq$", "→": r"$\to$",
            "⇒": r"$\Rightarrow$", "∞": r"$\infty$", "·": r"$\cdot$", "×": r"$\times$",
            "−": "-", "–": "--", "—": "---", "…": r"\dots{}", "±": r"$\pm$", "∂": r"$\partial$",
            "λ": r"$\lambda$", "μ": r"$\mu$", "ε": r"$\varepsilon$", "β": r"$\beta$",
            "“": "``", "”": "''", "‘": "`", "’": "'", "\u00a0": "~"}
# Latin-1 characters the default (OT1) fonts do not have
_NO_GLYPH = {"«", "»", "Ð", "Þ", "ð", "þ"}


def escape(text: str) -> str:
    """Plain text made safe for LaTeX's text mode: specials escaped, common symbols mapped, line
    breaks and tabs as spaces, characters a base TeX installation has no glyph for (and control
    characters) as ``[U+XXXX]``."""
    out = []
    for ch in text:
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif ch in "\t\n\r\f\v":
            out.append(" ")                      # a blank line would end the paragraph
        elif ord(ch) > 0xFF or ch in _NO_GLYPH or not ch.isprintable():
            out.append(f"[U+{ord(ch):04X}]")     # no font for it in a base TeX installation
        else:
            out.append(ch)
    return "".join(out)


def _is_greek(name: str) -> bool:
    return name.lower() in greek_letters_set or (name.startswith("var")
                                                  and name[3:] in greek_letters_set)


_ARTICLES = frozenset({"a", "A", "I"})    # letters that are also words of the prose


def _strength(name: str, names: dict) -> str:
    """"strong" for a name that is surely math, "weak" for a lone letter, "" for a word. A
    symbol named a (or A, I) is weak too: "a convex set" keeps its article, "a >= 2*c" is
    still math by its relation."""
    if name in _ARTICLES:
        return "weak"
    if name in names or name in _CONSTANTS or _is_greek(name):
        return "strong"
    base = _split(name)[0]
    if base != name and (len(base) == 1 or _is_greek(base) or base in _ALIASES):
        return "strong"
    if _ACCENTED.fullmatch(base) and base.lower() not in _WORDS:
        return "strong"
    return "weak" if len(name) == 1 else ""


def _split(name: str) -> list[str]:
    """[base] or [base, subscript]: x_1, x1 and eps0 have the subscripts 1, 1 and 0."""
    return re.split(r"_|(?<=[A-Za-z])(?=\d)", name, maxsplit=1)


def _identifier(name: str, names: dict) -> str:
    """A name as LaTeX: the derivation's own, a constant, an alias with its subscript
    (eps0 -> \\varepsilon_{0}) or as SymPy writes it (yhat_i -> \\hat{y}_{i})."""
    if name in names:
        return names[name]
    if name in _CONSTANTS:
        return _CONSTANTS[name]
    base, *sub = _split(name)
    if base in _ALIASES and sub:
        return "%s_{%s}" % (_ALIASES[base], symbol_tex(sub[0]))
    return symbol_tex(name)


def dollars(math: str) -> str:
    """Inline math as a LaTeX document writes it: ``$math$``."""
    return f"${math}$"


def annotation(text: str, names: dict, words=escape, inline=dollars) -> str:
    """``text`` as LaTeX: words as text, mathematical runs as inline math.

    Parameters
    ----------
    text : str
        The annotation, as the solver wrote it.
    names : dict
        Identifier -> LaTeX for the symbols and functions of the derivation
        (``"lambda_2" -> r"\\lambda_{2}"``, ``"g" -> "g"``).
    words, inline : callable
        How the words are escaped and the math runs delimited: LaTeX's by default
        (:func:`escape`, ``$...$``); :mod:`lagropt.latex.markdown` passes Markdown's.
    """
    writer = _Writer(words, inline)
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    out, run = [], []

    def flush():
        if run:
            out.append(_run_tex(run, names, writer))
            run.clear()

    depth = 0
    for i, (kind, value) in enumerate(tokens):
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        possessive = kind == "id" and i > 0 and tokens[i - 1][1] in "'’"   # module's, SymPy's
        mathy = not possessive and (kind in ("num", "op", "space") or kind in _NOTATION
                 or (kind == "id" and (_strength(value, names) or (value in _FUNCTIONS and nxt == "(")))
                 or (kind == "comma" and depth > 0))
        if mathy:
            depth += value.count("(") - value.count(")") if kind == "op" else 0
            run.append((kind, value))
        else:
            flush()
            depth = 0
            out.append(words(value))
    flush()
    return "".join(out)


@dataclass(frozen=True)
class _Writer:
    """How an annotation's words and inline math are written."""

    words: Callable[[str], str]
    inline: Callable[[str], str]

    def plain(self, tokens) -> str:
        return self.words("".join(v for _, v in tokens))


def _run_tex(run, names, writer: _Writer) -> str:
    """A run of math-looking tokens: inline math when it is math, text otherwise.

    A bracket without its partner ("grad g (N + K = 2 + 1 equations") belongs to the prose:
    the run is cut there and the pieces are typeset separately.
    """
    unmatched = _unmatched(run)
    if unmatched:
        pieces, start = [], 0
        for j in unmatched:
            pieces += [_run_tex(run[start:j], names, writer), writer.words(run[j][1])]
            start = j + 1
        return "".join(pieces) + _run_tex(run[start:], names, writer)
    lead, body, trail = _trim(run)
    has_op = any(k == "op" and v not in "()" for k, v in body)
    strong = any((k == "id" and _strength(v, names) == "strong") or k in _NOTATION
                 for k, v in body)
    operands = sum(k in ("id", "num") for k, _ in body)
    compared = bool(body) and body[0][1] in _ORDER and operands >= 1      # ">= 0"
    if body and (strong or (has_op and operands >= 2) or compared):
        math = writer.inline(_math(body, names))
    else:
        math = writer.plain(body)
    return writer.plain(lead) + math + writer.plain(trail)


def _trim(run):
    """Split off spaces and dangling operators/brackets at both ends of a run."""
    start, end = 0, len(run)

    def dangling(tok, at_start):
        k, v = tok
        if k in ("space", "comma"):
            return True
        if k != "op":
            return False
        if v == "(":
            return not at_start or _balance(run[start:end]) > 0
        if v == ")":
            return at_start or _balance(run[start:end]) < 0
        return not (at_start and (v == "-" or v in _ORDER))

    while start < end and dangling(run[start], True):
        start += 1
    while end > start and dangling(run[end - 1], False):
        end -= 1
    if _balance(run[start:end]) != 0:          # brackets that do not pair up stay text
        return run[:start], [], run[start:]
    return run[:start], run[start:end], run[end:]


def _unmatched(tokens) -> list[int]:
    """Positions of brackets without a partner."""
    opened, lone = [], []
    for j, (k, v) in enumerate(tokens):
        if k == "op" and v == "(":
            opened.append(j)
        elif k == "op" and v == ")":
            if opened:
                opened.pop()
            else:
                lone.append(j)
    return sorted(lone + opened)


def _balance(tokens) -> int:
    return sum((v == "(") - (v == ")") for k, v in tokens if k == "op")


def _math(tokens, names) -> str:
    """Translate SymPy's string syntax to LaTeX: names, powers, products, calls, relations."""
    out, i = [], 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "id" and value in _FUNCTIONS and i + 1 < len(tokens) and tokens[i + 1][1] == "(":
            close = _closing(tokens, i + 1)
            inner = _math(tokens[i + 2:close], names)
            out.append(_call(value, inner))
            i = close + 1
            continue
        if kind == "op" and value in ("**", "^"):
            j = i + 1
            while j < len(tokens) and tokens[j][0] == "space":
                j += 1
            if j < len(tokens) and tokens[j][1] == "(":
                close = _closing(tokens, j)
                out.append("^{%s}" % _math(tokens[j + 1:close], names))
                i = close + 1
            elif j < len(tokens):
                sign = ""
                if tokens[j][1] == "-" and j + 1 < len(tokens):
                    sign, j = "-", j + 1
                out.append("^{%s%s}" % (sign, _math([tokens[j]], names)))
                i = j + 1
            else:
                i += 1
            continue
        if kind == "id":
            out.append(_identifier(value, names))
        elif kind == "prime":                      # f'(u): a derivative
            name = value.rstrip("'")
            out.append(_identifier(name, names) + "'" * (len(value) - len(name)))
        elif kind == "star":                       # x*, V*(c): the optimal value
            out.append(_identifier(value[:-1], names) + "^{*}")
        elif kind == "deriv":                      # dV*/dc
            top, bottom = value[1:].split("/d")
            out.append("d" + _math([("star" if top.endswith("*") else "id", top)], names)
                       + "/d" + _identifier(bottom, names))
        elif kind == "op" and value == "*":
            prev = out[-1] if out else ""
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
            out.append(r" \cdot " if prev[-1:].isdigit() and nxt[0] == "num" else " ")
        elif kind == "op" and value in _RELATIONS:
            out.append(f" {_RELATIONS[value]} ")
        elif kind == "space":
            out.append(" ")
        else:
            out.append(value)
        i += 1
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _closing(tokens, open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(tokens)):
        depth += (tokens[j][1] == "(") - (tokens[j][1] == ")")
        if depth == 0:
            return j
    return len(tokens) - 1


def _call(name: str, inner: str) -> str:
    if name == "sqrt":
        return r"\sqrt{%s}" % inner
    if name == "exp":
        return "e^{%s}" % inner
    if name in ("log", "ln"):
        return r"\ln\left(%s\right)" % inner
    if name in ("sin", "cos", "tan", "sinh", "cosh", "tanh"):
        return r"\%s\left(%s\right)" % (name, inner)
    if name == "Abs":
        return r"\left|%s\right|" % inner
    return r"\operatorname{%s}\left(%s\right)" % (name, inner)
