"""Symbol names as LaTeX, through a whitelist: nothing a name holds reaches LaTeX as a command.

SymPy's printer passes a symbol's name to LaTeX almost as it is (``x\\input{/etc/hostname}``
reads a file into the document, ``xscr`` needs a package the document does not load, ``é`` and
``α`` stop pdflatex). :func:`symbol_tex` writes a name the way SymPy does for the names that
are plain (``alpha`` -> ``\\alpha``, ``x_1`` -> ``x_{1}``, ``x2`` -> ``x_{2}``, ``xhat`` ->
``\\hat{x}``) and builds everything else from a fixed table:

* Greek letters typed as Unicode (``α`` -> ``\\alpha``) and accented letters (``é`` ->
  ``\\acute{e}``);
* the characters LaTeX treats specially escaped (``\\`` -> ``\\backslash``, ``{`` -> ``\\{``,
  ``%`` -> ``\\%``, ...), other printable ASCII characters as they are;
* anything else (a control character, a letter of another script) refused with a
  :class:`LatexError` naming the character.

Only commands of base LaTeX and ``amsmath`` come out, so the name prints in any document that
loads ``amsmath``; explicit LaTeX for a symbol goes through the printer's ``symbol_names``
setting.
"""

from __future__ import annotations

import re
import unicodedata

from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import (greek_letters_set, modifier_dict, other_symbols,
                                  tex_greek_dictionary)

from ..errors import LatexError

__all__ = ["symbol_tex", "UnprintableNameError", "SAFE_COMMANDS", "MATH_ESCAPES"]


class UnprintableNameError(LatexError):
    """A symbol name holds a character that LaTeX cannot print."""


# modifiers whose commands need a package beyond amsmath (mathrsfs, amssymb): written as letters
_PACKAGE_MODIFIERS = {"scr", "frak"}
_MODIFIERS = sorted((k for k in modifier_dict if k not in _PACKAGE_MODIFIERS), key=len, reverse=True)
_PACKAGE_SYMBOLS = {"varkappa", "daleth", "beth", "gimel", "eth", "hslash", "mho", "digamma"}
_OTHER_SYMBOLS = other_symbols - _PACKAGE_SYMBOLS

# specials of math mode, escaped; '^' and '_' are the name's super- and subscripts
MATH_ESCAPES = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "%": r"\%",
                 "&": r"\&", "#": r"\#", "~": r"\sim ", "^": r"\hat{}", "_": r"\_"}
# combining accents (after NFD) and the math accent that writes them
_ACCENTS = {"\u0300": "grave", "\u0301": "acute", "\u0302": "hat", "\u0303": "tilde",
            "\u0304": "bar", "\u0306": "breve", "\u0307": "dot", "\u0308": "ddot",
            "\u030a": "mathring", "\u030c": "check", "\u20d7": "vec"}
_GREEK_NAMES = {"lamda": "lambda", "final sigma": "varsigma"}
_BRACED = re.compile(r"([_^])\{([A-Za-z0-9]+)\}")     # x_{12} written the LaTeX way
_PLAIN = re.compile(r"[A-Za-z0-9]+")

# every command symbol_tex can produce (the tests check the output against it)
SAFE_COMMANDS = frozenset(
    {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
     "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
     "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
     "Omega", "varepsilon", "vartheta", "varpi", "varrho", "varsigma", "varphi", "mathrm"}
    | set(_ACCENTS.values()) | {"ddddot", "dddot", "boldsymbol", "mathcal", "left", "right",
                                "langle", "rangle", "backslash", "sim", "hbar", "ell", "wp",
                                "aleph"})


def symbol_tex(name: str) -> str:
    """The LaTeX of a symbol named ``name`` (see the module docstring).

    Raises
    ------
    UnprintableNameError
        When the name holds a character with no LaTeX in the table.
    """
    name = _BRACED.sub(r"\1\2", unicodedata.normalize("NFKC", name))
    if name[:1].isalpha():
        base, supers, subs = split_super_sub(name)
    else:                                    # '_x', '^', '': no super- or subscripts
        base, supers, subs = name, [], []
    out = _part(base, name)
    if supers:
        out += "^{%s}" % " ".join(_part(s, name) for s in supers)
    if subs:
        out += "_{%s}" % " ".join(_part(s, name) for s in subs)
    return out


def _part(text: str, name: str) -> str:
    """One piece of a name (its base, a superscript or a subscript)."""
    if _PLAIN.fullmatch(text):
        return _translate(text)
    out = "".join(_character(ch, name) for ch in text)
    return out[1:-1] if re.fullmatch(r"\{\\[A-Za-z]+\}", out) else out     # \alpha alone


def _translate(word: str) -> str:
    """SymPy's translation of an ASCII word (Greek names, trailing modifiers such as ``hat``),
    limited to commands of base LaTeX and amsmath; other words stay letters."""
    if word in tex_greek_dictionary and word not in _PACKAGE_SYMBOLS:
        return tex_greek_dictionary[word]
    if word.lower() in greek_letters_set:
        return "\\" + word.lower()
    if word in _OTHER_SYMBOLS:
        return "\\" + word
    for key in _MODIFIERS:
        if word.lower().endswith(key) and len(word) > len(key):
            return modifier_dict[key](_translate(word[:-len(key)]))
    return word


def _character(ch: str, name: str) -> str:
    """One character of a name that is not a plain ASCII word."""
    if ch in MATH_ESCAPES:
        return MATH_ESCAPES[ch]
    if " " <= ch <= "~":
        return ch
    base, *marks = unicodedata.normalize("NFD", ch)
    tex = base if base.isascii() and base.isalpha() else _greek(base)
    if tex is None or any(m not in _ACCENTS for m in marks):
        raise UnprintableNameError(
            f"the symbol name {name!r} cannot be written in LaTeX: {ch!r} (U+{ord(ch):04X}) is "
            "not a character lagropt knows how to print; rename the symbol (Greek letters and "
            "accented Latin letters are fine)")
    for mark in marks:
        tex = "\\%s{%s}" % (_ACCENTS[mark], tex)
    return "{%s}" % tex if re.fullmatch(r"\\[A-Za-z]+", tex) else tex   # {\alpha}b, not \alphab


def _greek(ch: str) -> str | None:
    """``\\alpha`` for α, ``\\Omega`` for Ω (``\\mathrm{A}`` for a capital that looks Latin)."""
    try:
        words = unicodedata.name(ch).split()
    except ValueError:
        return None
    if words[:3] not in (["GREEK", "SMALL", "LETTER"], ["GREEK", "CAPITAL", "LETTER"]):
        return None
    letter = " ".join(words[3:]).lower()
    letter = _GREEK_NAMES.get(letter, letter)
    if words[1] == "CAPITAL":
        letter = letter.capitalize()
    tex = _translate(letter) if _PLAIN.fullmatch(letter) else None
    return tex if tex and tex != letter else None
