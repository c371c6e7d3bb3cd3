"""Documents: standalone .tex files, several derivations and figures as notes, and the PDF.

Everything here needs only the article class with ``amsmath`` and ``amssymb`` (``graphicx``
when a figure is included), so a base TeX Live installation (Debian: texlive-latex-base)
compiles it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import LagroptError

__all__ = ["LatexError", "LatexNotFoundError", "PREAMBLE", "document", "write", "compile",
           "latex_available", "Notes"]

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6\baselineskip}
"""
INSTALL_HINT = ("install TeX Live (Debian/Ubuntu: apt-get install texlive-latex-base "
                "texlive-latex-recommended latexmk)")
COMPILE_TIMEOUT = 180


class LatexError(LagroptError):
    """A LaTeX document could not be written or compiled."""


class LatexNotFoundError(LatexError):
    """Neither latexmk nor pdflatex is installed."""


def _latex_text(obj) -> str:
    """The LaTeX fragment of a derivation, solution, problem or a string of LaTeX."""
    if isinstance(obj, str):
        return obj
    latex = getattr(obj, "latex", None)
    if latex is None:
        raise LatexError(f"cannot write a {type(obj).__name__} as LaTeX: pass a Derivation, "
                         "Solution, Problem or a string of LaTeX")
    return latex()


def document(body: str, title: str | None = None, packages=()) -> str:
    """A complete article around ``body`` (a LaTeX fragment)."""
    head = PREAMBLE + "".join(f"\\usepackage{{{p}}}\n" for p in packages)
    if title:
        head += f"\\title{{{title}}}\n\\date{{}}\n"
    top = "\\maketitle\n\n" if title else ""
    return f"{head}\n\\begin{{document}}\n\n{top}{body.rstrip()}\n\n\\end{{document}}\n"


def write(obj, path, standalone: bool = True, title: str | None = None) -> Path:
    """Write ``obj`` (a Derivation, Solution, Problem or LaTeX string) to ``path``.

    Parameters
    ----------
    obj : Derivation, Solution, Problem or str
    path : str or Path
        Where to write; the folder is created.
    standalone : bool
        A complete document (default) or the fragment alone, for ``\\input`` into notes whose
        preamble loads ``amsmath``.
    title : str, optional
        A title for the standalone document.

    Returns
    -------
    Path
    """
    body = _latex_text(obj)
    text = document(body, title) if standalone else body
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def latex_available() -> bool:
    """Whether pdflatex is installed (latexmk is used too when present)."""
    return shutil.which("pdflatex") is not None


def compile(path, clean: bool = True, timeout: float = COMPILE_TIMEOUT) -> Path:  # noqa: A001
    """Build the PDF of a .tex file with latexmk (or pdflatex) in the file's folder.

    Parameters
    ----------
    path : str or Path
        The .tex file.
    clean : bool
        Remove the auxiliary files (.aux, .log, ...) after a successful build.
    timeout : float
        Seconds before the build is stopped.

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
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise LatexError(f"no such LaTeX file: {path}")
    pdflatex, latexmk = shutil.which("pdflatex"), shutil.which("latexmk")
    if pdflatex is None:
        raise LatexNotFoundError(f"pdflatex not found: {INSTALL_HINT} to compile {path.name}")
    flags = ["-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
    if latexmk:
        commands = [[latexmk, "-pdf", "-silent", *flags, path.name]]
    else:
        commands = [[pdflatex, *flags, path.name]] * 2     # twice: references and page numbers
    env = dict(os.environ, TEXINPUTS=f"{path.parent}{os.pathsep}" + os.environ.get("TEXINPUTS", ""))
    for cmd in commands:
        try:
            done = subprocess.run(cmd, cwd=path.parent, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, errors="replace",
                                  timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise LatexError(f"{Path(cmd[0]).name} did not finish {path.name} within "
                             f"{timeout:g} s") from None
        if done.returncode != 0:
            raise LatexError(f"{path.name} does not compile: {_first_error(path, done.stdout)}")
    pdf = path.with_suffix(".pdf")
    if not pdf.is_file():
        raise LatexError(f"{Path(commands[0][0]).name} produced no PDF for {path.name}")
    if clean:
        for ext in (".aux", ".log", ".fls", ".fdb_latexmk", ".out"):
            path.with_suffix(ext).unlink(missing_ok=True)
    return pdf


def _first_error(tex: Path, output: str) -> str:
    """LaTeX's first error message and the line it points at, from the log."""
    log = tex.with_suffix(".log")
    text = log.read_text(errors="replace") if log.is_file() else output
    m = re.search(r"^(?:.*?:(\d+): |! )(.+)$", text, re.M)
    if not m:
        return "see " + (str(log) if log.is_file() else "the output above")
    where = f" (line {m.group(1)})" if m.group(1) else ""
    return f"{m.group(2).strip()}{where}; log: {log}"


def _relative_graphic(source: Path, folder: Path) -> str | None:
    """``source`` as ``\\includegraphics`` reads it from ``folder`` (``figures/a.png``) when it
    lies inside ``folder`` under a plain name (letters, digits, '-', one lower-case image
    extension); None when it has to be copied beside the document."""
    try:
        relative = source.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None
    return relative if re.fullmatch(r"[A-Za-z0-9/-]+\.(png|pdf|jpe?g)", relative) else None


class Notes:
    """Lecture notes: several derivations, problems, text and figures in one document.

    Examples
    --------
    >>> notes = Notes("Lagrange multipliers")                    # doctest: +SKIP
    >>> notes.section("The paraboloid on x = y")                 # doctest: +SKIP
    >>> notes.add(solution)                                      # doctest: +SKIP
    >>> notes.figure(fig, "Level lines of f and the line x = y") # doctest: +SKIP
    >>> notes.compile("notes/lagrange.tex")                      # doctest: +SKIP
    """

    def __init__(self, title: str | None = None):
        self.title = title
        self._parts: list = []             # ("latex", str) or ("figure", source, caption, width)

    def section(self, title: str) -> "Notes":
        """Start a section (its title is LaTeX)."""
        self._parts.append(("latex", f"\\section*{{{title}}}"))
        return self

    def text(self, latex: str) -> "Notes":
        """A paragraph of LaTeX, as is."""
        self._parts.append(("latex", latex))
        return self

    def add(self, obj) -> "Notes":
        """A Derivation, Solution (its derivation) or Problem (its statement)."""
        self._parts.append(("latex", _latex_text(obj)))
        return self

    def figure(self, figure, caption: str = "", width: str = r"0.8\linewidth") -> "Notes":
        """A figure: a matplotlib Figure (saved as PDF beside the .tex) or an image file."""
        if not hasattr(figure, "savefig"):
            figure = Path(figure)
            if not figure.is_file():
                raise LatexError(f"no such figure file: {figure}")
        self._parts.append(("figure", figure, caption, width))
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

    def to_tex(self, path) -> Path:
        """Write the document and its figures (as ``<name>-figure-<k>.<ext>`` beside it).

        An image file already in the document's folder (or below it, as ``figures/a.png``) is
        referred to where it is, not copied.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        names = []
        for part in self._parts:
            if part[0] != "figure":
                continue
            source = part[1]
            stem = re.sub(r"[^A-Za-z0-9-]+", "-", path.stem) + f"-figure-{len(names) + 1}"
            if isinstance(source, Path):
                name = _relative_graphic(source, path.parent)
                if name is None:
                    target = path.parent / (stem + source.suffix.lower())
                    if source.resolve() != target.resolve():
                        shutil.copyfile(source, target)
                    name = target.stem
            else:
                target = path.parent / (stem + ".pdf")
                source.savefig(target, bbox_inches="tight")
                name = target.stem
            names.append(name)
        path.write_text(self.latex(names), encoding="utf-8")
        return path

    def compile(self, path, clean: bool = True) -> Path:
        """Write the document to ``path`` and build its PDF (see :func:`compile`)."""
        return compile(self.to_tex(path), clean=clean)
