"""Documents: standalone .tex files, several derivations and figures as notes, and the PDF.

Everything here needs only the article class with ``amsmath`` and ``amssymb`` (``graphicx``
when a figure is included), so a base TeX Live installation (Debian: texlive-latex-base)
compiles it.

Text given here (titles, headings, paragraphs, captions) is escaped unless it is a
:class:`~lagropt.latex.text.LaTeXString` or passed with ``raw=True``. Documents compile in a
sandbox (:func:`compile`), and files are written as :mod:`lagropt.files` says: atomically, and
never over a file lagropt did not write unless ``force=True``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import LatexError, LatexNotFoundError
from ..files import Outputs, refuse_to_clobber, require_suffix
from .text import LaTeXString, as_latex
from .width import line_width

__all__ = ["LatexError", "LatexNotFoundError", "PREAMBLE", "TWOCOLUMN_CLASS", "document", "write", "compile",
           "latex_available", "Notes"]

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6\baselineskip}
"""
TWOCOLUMN_CLASS = r"\documentclass[10pt,twocolumn]{article}"
TEX_MARK = "% Written by lagropt."          # the second line of every .tex lagropt writes
PDF_MARK = b"/Creator (lagropt)"             # in the information of every PDF lagropt builds
BUILD_NAME = "lagropt-build"                 # the document's name inside the build folder
LOG_MARK = BUILD_NAME.encode()
INSTALL_HINT = ("install TeX Live (Debian/Ubuntu: apt-get install texlive-latex-base "
                "texlive-latex-recommended latexmk)")
COMPILE_TIMEOUT = 180


def _latex_text(obj, raw: bool = False, linewidth=None) -> str:
    """The LaTeX fragment of a derivation, solution or problem (rows broken for
    ``linewidth``); a string as escaped text (as it is when ``raw`` or a LaTeXString)."""
    if isinstance(obj, str):
        return as_latex(obj, raw)
    latex = getattr(obj, "latex", None)
    if latex is None:
        raise LatexError(f"cannot write a {type(obj).__name__} as LaTeX: pass a Derivation, "
                         "Solution, Problem or a string")
    return latex() if linewidth is None else latex(linewidth=linewidth)


def _marked(text: str) -> str:
    """``text`` with lagropt's mark on its second line (its first for a fragment)."""
    first, newline, rest = text.partition("\n")
    if first.startswith("\\documentclass"):
        return f"{first}\n{TEX_MARK}\n{rest}"
    return f"{TEX_MARK}\n{text}"


def document(body: str, title: str | None = None, packages=(), raw: bool = False,
             linewidth=None) -> str:
    """A complete article around ``body`` (a LaTeX fragment); the title is escaped text unless
    ``raw`` or a LaTeXString. ``linewidth="twocolumn"`` makes it a two-column 10pt article
    (:data:`TWOCOLUMN_CLASS`), the layout the rows were broken for."""
    head = _preamble(linewidth) + "".join(f"\\usepackage{{{p}}}\n" for p in packages)
    if title:
        head += f"\\title{{{as_latex(title, raw)}}}\n\\date{{}}\n"
    top = "\\maketitle\n\n" if title else ""
    return f"{head}\n\\begin{{document}}\n\n{top}{body.rstrip()}\n\n\\end{{document}}\n"


def write(obj, path, standalone: bool = True, title: str | None = None, *, raw: bool = False,
          force: bool = False, linewidth=None) -> Path:
    """Write ``obj`` (a Derivation, Solution, Problem or text) to ``path``.

    Parameters
    ----------
    obj : Derivation, Solution, Problem or str
        A string is text, escaped (``%`` prints as a percent sign), unless ``raw``.
    path : str or Path
        Where to write, a name ending in ``.tex``; the folder is created.
    standalone : bool
        A complete document (default) or the fragment alone, for ``\\input`` into notes whose
        preamble loads ``amsmath``.
    title : str, optional
        A title for the standalone document (escaped text unless ``raw``).
    raw : bool
        Write a string ``obj`` and the title as LaTeX, unescaped (only for LaTeX you trust;
        a :class:`~lagropt.latex.text.LaTeXString` does the same for one string).
    force : bool
        Replace ``path`` even when it is a file lagropt did not write.
    linewidth : float or "twocolumn", optional
        The line width the rows are broken for (see :func:`lagropt.latex.latex`);
        ``"twocolumn"`` also makes the standalone document a two-column 10pt article.

    Returns
    -------
    Path

    Raises
    ------
    LatexError
        When the name does not end in ``.tex``, or ``linewidth`` is no width.
    ClobberError
        When ``path`` is a file lagropt did not write and ``force`` is False.
    """
    path = require_suffix(path, ".tex", "cannot write LaTeX to")
    body = _latex_text(obj, raw, linewidth)
    text = _marked(document(body, title, raw=raw, linewidth=linewidth) if standalone else body)
    refuse_to_clobber(path, TEX_MARK.encode(), force)
    with Outputs() as out:
        out.temporary(path).write_text(text, encoding="utf-8")
    return path


def _preamble(linewidth) -> str:
    """:data:`PREAMBLE`, as a two-column 10pt article for ``linewidth="twocolumn"`` (any other
    width keeps the one-column article: the rows are only narrower than its lines)."""
    line_width(linewidth)                               # a clear error for a bad width
    if isinstance(linewidth, str) and linewidth.strip().lower() == "twocolumn":
        return TWOCOLUMN_CLASS + "\n" + PREAMBLE.partition("\n")[2]
    return PREAMBLE


def latex_available() -> bool:
    """Whether pdflatex is installed (latexmk is used too when present)."""
    return shutil.which("pdflatex") is not None


def compile(path, clean: bool = True, timeout: float = COMPILE_TIMEOUT,  # noqa: A001
            force: bool = False) -> Path:
    """Build the PDF of a .tex file, in a sandbox, and put it beside the file.

    The document is copied into a private temporary folder with the files it names beside it
    (``\\input``, ``\\include``, ``\\includegraphics`` of files in its folder or below) and
    built there by latexmk (or pdflatex) with shell escape off (``-no-shell-escape``), TeX's
    paranoid file access (``openin_any=p``, ``openout_any=p``: nothing read or written outside
    that folder but TeX's own files), latexmk without rc files (``-norc``). Only the PDF comes
    back (with the log when ``clean`` is False); the folder is removed.

    Parameters
    ----------
    path : str or Path
        The .tex file.
    clean : bool
        False also copies the log beside the PDF (``name.log``).
    timeout : float
        Seconds before the build is stopped.
    force : bool
        Replace the PDF (and log) even when lagropt did not write them.

    Returns
    -------
    Path
        The PDF.

    Raises
    ------
    LatexNotFoundError
        When pdflatex is not installed.
    LatexError
        When the document does not compile: the message gives LaTeX's first error and line.
    ClobberError
        When the PDF (or log) exists and lagropt did not write it, and ``force`` is False.
    """
    path = Path(path)
    if not path.is_file():
        raise LatexError(f"no such LaTeX file: {path}")
    require_suffix(path, ".tex", "cannot compile")
    pdf, log = path.with_suffix(".pdf"), path.with_suffix(".log")
    refuse_to_clobber(pdf, PDF_MARK, force)
    if not clean:
        refuse_to_clobber(log, LOG_MARK, force)
    commands = _build_commands(path)
    with tempfile.TemporaryDirectory(prefix="lagropt-build-") as folder:
        build = Path(folder)
        _copy_inputs(path, build)
        for cmd in commands:
            _run(cmd, build, path, timeout)
        built = build / f"{BUILD_NAME}.pdf"
        if not built.is_file():
            raise LatexError(f"{Path(commands[0][0]).name} produced no PDF for {path.name}")
        with Outputs() as out:
            shutil.copyfile(built, out.temporary(pdf))
            if not clean:
                shutil.copyfile(build / f"{BUILD_NAME}.log", out.temporary(log))
    return pdf


def _build_commands(path: Path) -> list[list[str]]:
    """The programs to run in the build folder (latexmk, or pdflatex twice)."""
    pdflatex, latexmk = shutil.which("pdflatex"), shutil.which("latexmk")
    if pdflatex is None:
        raise LatexNotFoundError(f"pdflatex not found: {INSTALL_HINT} to compile {path.name}")
    flags = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
    mark = r"\pdfinfo{%s}" % PDF_MARK.decode()
    if latexmk:
        return [[latexmk, "-norc", "-pdf", "-silent", *flags, f"-usepretex={mark}",
                 f"{BUILD_NAME}.tex"]]
    # twice: references and page numbers
    return [[pdflatex, *flags, rf"{mark}\input{{{BUILD_NAME}.tex}}"]] * 2


def _sandbox_environment() -> dict:
    """The environment of the build: TeX's paranoid file access, no shell escape, no search
    path of the user's pointing elsewhere."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("TEXINPUTS", "TEXMFOUTPUT", "BIBINPUTS", "BSTINPUTS")}
    env.update(openin_any="p", openout_any="p", shell_escape="f",
               max_print_line="10000")              # log lines unbroken: whole error messages
    return env


def _run(cmd: list[str], build: Path, source: Path, timeout: float) -> None:
    try:
        done = subprocess.run(cmd, cwd=build, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", timeout=timeout,
                              env=_sandbox_environment())
    except subprocess.TimeoutExpired:
        raise LatexError(f"{Path(cmd[0]).name} did not finish {source.name} within "
                         f"{timeout:g} s") from None
    if done.returncode != 0:
        log = build / f"{BUILD_NAME}.log"
        text = log.read_text(errors="replace") if log.is_file() else done.stdout + done.stderr
        raise LatexError(f"{source.name} does not compile: {_first_error(text)}")


def _first_error(text: str) -> str:
    """LaTeX's first error message and the line it points at (or the output's last line)."""
    m = re.search(r"^(?:.*?:(\d+): |! )(.+)$", text, re.M)
    if not m:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else "no output"
    where = f" (line {m.group(1)})" if m.group(1) else ""
    return f"{m.group(2).strip()}{where}"


_NAMED_FILE = re.compile(r"\\(?:input|include|includegraphics)\s*(?:\[[^\]]*\])?\s*\{([^{}]+)\}")
_EXTENSIONS = ("", ".tex", ".pdf", ".png", ".jpg", ".jpeg")      # what TeX may add to a name


def _copy_inputs(path: Path, build: Path) -> None:
    """Copy the document into ``build`` (as BUILD_NAME.tex) with the files it names that lie
    in its folder or below (and, for .tex files, the files those name)."""
    shutil.copyfile(path, build / f"{BUILD_NAME}.tex")
    folder, todo, seen = path.parent.resolve(), [path], set()
    while todo:
        text = todo.pop().read_text(encoding="utf-8", errors="replace")
        for name in _NAMED_FILE.findall(text):
            for source in _candidates(folder, name.strip()):
                relative = source.relative_to(folder)
                if relative in seen:
                    continue
                seen.add(relative)
                (build / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, build / relative)
                if source.suffix == ".tex":
                    todo.append(source)


def _candidates(folder: Path, name: str) -> list[Path]:
    """The files ``name`` may mean (as given, or with an extension TeX adds), when they lie in
    ``folder`` or below under a name without dot-files."""
    if Path(name).is_absolute() or any(p.startswith(".") for p in Path(name).parts):
        return []
    out = []
    for ext in _EXTENSIONS:
        candidate = (folder / (name + ext)).resolve()
        if candidate.is_file() and candidate.is_relative_to(folder):
            out.append(candidate)
    return out


def _relative_graphic(source: Path, folder: Path) -> str | None:
    """``source`` as ``\\includegraphics`` reads it from ``folder`` (``figures/a.png``) when it
    lies inside ``folder`` under a plain name (letters, digits, '-', one lower-case image
    extension); None when it has to be copied beside the document."""
    try:
        relative = source.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None
    return relative if re.fullmatch(r"[A-Za-z0-9/-]+\.(png|pdf|jpe?g)", relative) else None


_WIDTH = re.compile(r"(\d*\.?\d+)?\\(?:line|text)width|\d*\.?\d+(?:cm|mm|in|pt|em)")


class Notes:
    """Lecture notes: several derivations, problems, text and figures in one document.

    Titles, headings, paragraphs and captions are text: escaped, so that ``50% & more`` prints
    as written. Pass ``raw=True`` (or a :class:`~lagropt.latex.text.LaTeXString`) to write
    LaTeX (``$x = y$``) instead; only for LaTeX you trust.

    Examples
    --------
    >>> notes = Notes("Lagrange multipliers")                    # doctest: +SKIP
    >>> notes.section("The paraboloid on x = y")                 # doctest: +SKIP
    >>> notes.add(solution)                                      # doctest: +SKIP
    >>> notes.figure(fig, "Level lines of f and the line x = y") # doctest: +SKIP
    >>> notes.compile("notes/lagrange.tex")                      # doctest: +SKIP
    """

    def __init__(self, title: str | None = None, raw: bool = False):
        self.title = None if title is None else LaTeXString(as_latex(title, raw))
        self._parts: list = []             # ("latex", str) or ("figure", source, caption, width)

    def section(self, title: str, raw: bool = False) -> "Notes":
        """Start a section (its title is text, LaTeX when ``raw``)."""
        self._parts.append(("latex", f"\\section*{{{as_latex(title, raw)}}}"))
        return self

    def text(self, text: str, raw: bool = False) -> "Notes":
        """A paragraph of text (LaTeX, as it is, when ``raw`` or a LaTeXString)."""
        self._parts.append(("latex", as_latex(text, raw)))
        return self

    def add(self, obj) -> "Notes":
        """A Derivation, Solution (its derivation) or Problem (its statement)."""
        self._parts.append(("latex", _latex_text(obj)))
        return self

    def figure(self, figure, caption: str = "", width: str = r"0.8\linewidth",
               raw: bool = False) -> "Notes":
        """A figure: a matplotlib Figure (saved as PDF beside the .tex) or an image file.

        ``caption`` is text (LaTeX when ``raw``); ``width`` a length such as ``5cm`` or
        ``0.8\\linewidth``."""
        if not hasattr(figure, "savefig"):
            figure = Path(figure)
            if not figure.is_file():
                raise LatexError(f"no such figure file: {figure}")
        if not _WIDTH.fullmatch(width):
            raise LatexError(f"figure width {width!r}: give a length such as 5cm or "
                             "0.8\\linewidth")
        self._parts.append(("figure", figure, as_latex(caption, raw), width))
        return self

    def latex(self, figure_names=None) -> str:
        """The whole document; figures are referred to by ``figure_names`` (written by
        :meth:`to_tex`) or ``figure-1``, ``figure-2``, ..."""
        body, k = [], 0
        for part in self._parts:
            if part[0] == "latex":
                body.append(part[1].rstrip())
                continue
            _, _, caption, width = part
            name = figure_names[k] if figure_names else f"figure-{k + 1}"
            k += 1
            lines = ["\\begin{figure}[!htb]", "  \\centering",
                     f"  \\includegraphics[width={width}]{{{name}}}"]
            if caption:
                lines.append(f"  \\caption{{{caption}}}")
            body.append("\n".join(lines + ["\\end{figure}"]))
        packages = ("graphicx",) if k else ()
        return document("\n\n".join(body), self.title, packages)

    def to_tex(self, path, force: bool = False) -> Path:
        """Write the document and its figures (as ``<name>-figure-<k>.<ext>`` beside it), all
        or nothing; existing files lagropt did not write are replaced only when ``force``.

        An image file already in the document's folder (or below it, as ``figures/a.png``) is
        referred to where it is, not copied.
        """
        path = require_suffix(path, ".tex", "cannot write LaTeX to")
        refuse_to_clobber(path, TEX_MARK.encode(), force)
        plan = self._figure_plan(path)
        for source, target in plan:
            if target is not None:
                content = source.read_bytes() if isinstance(source, Path) else None
                refuse_to_clobber(target, PDF_MARK, force, content)
        with Outputs() as out:
            names = []
            for source, target in plan:
                if target is None:
                    names.append(_relative_graphic(source, path.parent))
                elif isinstance(source, Path):
                    shutil.copyfile(source, out.temporary(target))
                    names.append(target.stem)
                else:
                    source.savefig(out.temporary(target), format="pdf", bbox_inches="tight",
                                   metadata={"Creator": "lagropt"})
                    names.append(target.stem)
            out.temporary(path).write_text(_marked(self.latex(names)), encoding="utf-8")
        return path

    def _figure_plan(self, path: Path) -> list:
        """(source, target) for each figure: the file to write beside ``path``, or None for an
        image referred to where it is."""
        plan = []
        for part in self._parts:
            if part[0] != "figure":
                continue
            source = part[1]
            stem = re.sub(r"[^A-Za-z0-9-]+", "-", path.stem) + f"-figure-{len(plan) + 1}"
            if not isinstance(source, Path):
                plan.append((source, path.parent / (stem + ".pdf")))
            elif _relative_graphic(source, path.parent) is not None:
                plan.append((source, None))
            else:
                plan.append((source, path.parent / (stem + source.suffix.lower())))
        return plan

    def compile(self, path, clean: bool = True, force: bool = False) -> Path:
        """Write the document to ``path`` and build its PDF (see :func:`compile`)."""
        pdf = Path(path).with_suffix(".pdf")
        refuse_to_clobber(pdf, PDF_MARK, force)          # before anything is written
        return compile(self.to_tex(path, force=force), clean=clean, force=force)
