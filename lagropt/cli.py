"""The ``lagropt`` command."""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import LagroptError, ProblemError

__all__ = ["main"]

NO_OPTIMUM = ("unbounded", "not_attained", "infeasible", "no_critical_point", "unsolved", "timeout",
              "too_large")


class _HelpFormatter(argparse.HelpFormatter):
    """Each option's default in its help, "(default: 1000)", unless the help states it already
    or there is none to state (a flag, or no value)."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if ("default" in text or default in (None, False, True, argparse.SUPPRESS)
                or not action.option_strings):
            return text
        return f"{text} (default: {default})"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2) instead of usage plus message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        message = message.replace("  -", " -")         # an unknown -q was given a leading space
        print(f"lagropt: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be positive")
    return value


MAX_FILE_BYTES = 100_000        # a problem file is a few lines (each at most 2000 characters)


def _read_text_file(path: str, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file of at most ``limit`` bytes, read with that limit: a device
    (/dev/zero), a pipe or a folder is refused before anything is read, and opening does not
    wait for a pipe's writer."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise LagroptError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LagroptError(f"cannot read {path}: it is not a regular file")
    with os.fdopen(fd, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise LagroptError(f"cannot read {path}: it is larger than {limit} bytes (a problem "
                           "file holds a few lines)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LagroptError(f"cannot read {path}: it is not UTF-8 text") from None


# the words that name the sense: the --file format's keys ('max: f') and an objective's prefix
# ('max x*y', 'minimize: f')
SENSE_WORDS = {"max": "max", "maximize": "max", "min": "min", "minimize": "min"}
_LEADING_WORD = re.compile(r"\s*([A-Za-z]+)(\s*:|\s+)")


def _split_sense(text: str) -> tuple:
    """The sense an objective names and the objective without it: 'max x*y' and
    'maximize: x*y' -> ("max", "x*y"), 'min: f' and 'minimize f' -> ("min", "f"); without
    such a prefix (None, text). A sense word followed by a colon, or by a space and more text,
    is a prefix; 'max(x, y)' and 'min (x, 1)', a call with two or more arguments, stay the
    functions Max and Min, as in Python ('min (x - 1)^2' has one argument: the sense)."""
    m = _LEADING_WORD.match(text)
    word = m.group(1).lower() if m else None
    rest = text[m.end():].strip() if m else ""
    if word not in SENSE_WORDS or not rest:
        return None, text
    if ":" not in m.group(2) and word in ("max", "min") and _opens_a_call(rest):
        return None, text
    return SENSE_WORDS[word], rest


def _opens_a_call(text: str) -> bool:
    """Whether ``text`` opens with a parenthesized list of two or more arguments: '(x, y) + 1'."""
    if not text.startswith("("):
        return False
    depth = 0
    for ch in text:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
        if depth == 1 and ch == ",":
            return True
        if depth == 0:
            return False
    return False


def _sense(objective: str, flag, default=None) -> tuple:
    """("max" or "min", the objective without its prefix): the sense the objective's prefix
    (:func:`_split_sense`) and the flag ``flag`` (--max/--min) agree on, else ``default``; a
    contradiction, or neither without a default, is a one-line error."""
    stated, text = _split_sense(objective)
    if stated and flag and stated != flag:
        raise LagroptError(f"the objective says {stated} but --{flag} was given: drop one")
    sense = stated or flag or default
    if sense is None:
        call = re.match(r"\s*(max|min)\s*\(", objective, re.IGNORECASE)
        raise LagroptError(f"'{objective.strip()}' is the function {call.group(1)}(...) of "
                           f"its arguments: write '{call.group(1)}: ...' for the sense, or give "
                           "--max or --min" if call else "say --max or --min, or begin the "
                           "objective with the sense ('max x*y', 'min: x^2 + y^2')")
    return sense, text


def _read_problem_file(path: str):
    """A problem from a text file: 'max: OBJECTIVE' or 'min: OBJECTIVE' on one line, one
    constraint per line after it, optional 'vars: x, y', 'params: a', 'positive: p1, p2',
    'assume: 0 < a < 1, m > 0' lines; '#' starts a comment."""
    lines = _read_text_file(path).splitlines()
    fields = {"constraints": []}
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, _, rest = line.partition(":")
        key = key.strip().lower()
        if rest and (key in SENSE_WORDS or key in ("vars", "params", "positive", "assume")):
            fields[SENSE_WORDS.get(key, key)] = rest.strip()
        else:
            fields["constraints"].append(line)
    senses = [k for k in ("max", "min") if k in fields]
    if len(senses) != 1:
        raise LagroptError(f"{path}: give exactly one line 'max: ...' or 'min: ...'")
    return fields


def _name(var) -> str:
    """A variable as written on the command line: x, p[1], p[1,2] (no spaces)."""
    return str(var).replace(" ", "")


def _elements_as_symbols(exprs) -> dict:
    """Elements with numeric indices (p[1], p[2]) -> real symbols named "p[1]", "p[2]": each is
    a variable of its own. Families indexed by a symbol anywhere (sum(p[i], i, 1, N)) stay
    families, which the solver treats as such."""
    import sympy as sp

    elements = set().union(*(e.atoms(sp.Indexed) for e in exprs))
    symbolic = {e.base for e in elements if not all(i.is_Integer for i in e.indices)}
    return {e: sp.Symbol(_name(e), real=True) for e in elements if e.base not in symbolic}


def _problem_from_args(args):
    """The Problem the command line describes (texts go through the safe parser)."""
    import sympy as sp

    from .parse import parse_constraint, parse_expr, parse_relations, parse_symbols
    from .problem import Problem

    if args.file:
        fields = _read_problem_file(args.file)
        sense = "max" if "max" in fields else "min"
        objective, constraints = fields[sense], fields["constraints"]
        vars_text, params_text = fields.get("vars"), fields.get("params")
        positive_text, assume_text = fields.get("positive"), fields.get("assume")
    else:
        if args.objective is None:
            raise LagroptError("give an objective (or --file FILE)")
        sense, objective = _sense(args.objective, "max" if args.max else "min" if args.min
                                  else None)
        constraints = args.subject_to or []
        vars_text, params_text, positive_text = args.vars, args.params, args.positive
        assume_text = args.assume
    symbols = {}
    for s in parse_symbols(positive_text, positive=True) if positive_text else []:
        symbols[s.name] = s
    f = parse_expr(objective, symbols)
    cons = [parse_constraint(c, symbols) for c in constraints]
    elements = _elements_as_symbols([f, *cons])
    f, cons = f.xreplace(elements), [c.xreplace(elements) for c in cons]
    names = {s.name for s in f.free_symbols if isinstance(s, sp.Symbol)}
    for c in cons:
        names |= {s.name for s in c.free_symbols if isinstance(s, sp.Symbol)}
    for s in f.free_symbols | set().union(*[c.free_symbols for c in cons]):
        if isinstance(s, sp.Symbol):
            symbols.setdefault(s.name, s)
    def pick(text, what):
        if not text:
            return None
        chosen = []
        for s in parse_symbols(text):
            if s.name not in symbols:
                raise LagroptError(f"{what} {s.name} does not appear in the problem")
            chosen.append(symbols[s.name])
        return chosen
    assume = parse_relations(assume_text, symbols) if assume_text else None
    return Problem(f, sense, cons, pick(vars_text, "variable"), pick(params_text, "parameter"),
                   assume)


def _jsonable(value):
    """An exact SymPy value as {"exact": "...", "float": ...} (float when it is a number)."""
    import sympy as sp

    value = sp.sympify(value)
    out = {"exact": sp.sstr(value)}
    if value.is_number:
        try:
            out["float"] = float(sp.N(value, 17))
        except (TypeError, ValueError):
            pass
    return out


def solution_json(sol, report=None) -> dict:
    """A Solution as JSON-ready data."""
    import sympy as sp

    def point(p):
        return {"x": {str(k): _jsonable(v) for k, v in p.x.items()},
                "multipliers": {str(k): _jsonable(v) for k, v in p.multipliers.items()},
                "value": _jsonable(p.value) if p.value is not None else None, "kind": p.kind,
                "reason": p.reason, "exact": p.exact, "regular": p.regular,
                "active": list(p.active), "free": [str(s) for s in p.free],
                "optimum": any(p is q for q in sol.optimum)}
    out = {"status": sol.status, "message": sol.message,
           "value": _jsonable(sol.value) if sol.value is not None else None,
           "points": [point(p) for p in sol.points], "evidence": list(sol.evidence),
           "remaining": [f"{e.lhs} = {e.rhs}" if hasattr(e, "lhs") else str(e) for e in sol.remaining],
           "derivation": sol.derivation.to_dict()}
    if sol.approached_at:
        out["approached_at"] = [{str(k): _jsonable(v) for k, v in at.items()}
                                for at in sol.approached_at]
    if sol.cases:
        out["cases"] = [{"conditions": [sp.sstr(c) for c in case.conditions],
                         "value": _jsonable(case.value),
                         "points": [point(p) for p in case.optimum]} for case in sol.cases]
    if report is not None:
        out["verify"] = report.to_dict()
    return out


def _writable(path: str) -> Path:
    """``path`` as a file that can be written, checked before any work is done: not a folder,
    in a folder that exists and accepts the file (a new file is created and removed again)."""
    p = Path(path)
    if p.is_dir():
        raise LagroptError(f"cannot write {path}: it is a folder")
    if not p.parent.is_dir():
        raise LagroptError(f"cannot write {path}: the folder {p.parent} does not exist")
    try:
        if p.exists():
            with open(p, "ab"):
                pass
        else:
            with open(p, "xb"):
                pass
            p.unlink()
    except OSError as exc:
        raise LagroptError(f"cannot write {path}: {exc.strerror or exc}") from None
    return p


# how a figure lagropt saved says so, per format (metadata matplotlib writes as plain bytes);
# a file in another format is lagropt's only if --force says it may be replaced
_PLOT_METADATA = {"png": ({"Software": "lagropt"}, b"Software\x00lagropt"),
                  "pdf": ({"Creator": "lagropt"}, b"/Creator (lagropt)"),
                  "svg": ({"Creator": "lagropt"}, b"<dc:title>lagropt</dc:title>"),
                  "eps": ({"Creator": "lagropt"}, b"%%Creator: lagropt"),
                  "ps": ({"Creator": "lagropt"}, b"%%Creator: lagropt")}


def _plot_file(path: str, force: bool = False) -> Path:
    """``--plot``'s file: writable, with an extension naming a format matplotlib writes, not a
    file lagropt did not write (unless ``force``)."""
    from matplotlib.backend_bases import FigureCanvasBase

    from .files import refuse_to_clobber

    p = _writable(path)
    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    fmt = p.suffix[1:].lower()
    if not fmt:
        raise LagroptError(f"--plot {path}: add an extension for the format (.png, .pdf, .svg, ...)")
    if fmt not in formats:
        raise LagroptError(f"--plot {path}: matplotlib cannot write .{fmt} files (formats: "
                           f"{', '.join(formats)})")
    refuse_to_clobber(p, _PLOT_METADATA.get(fmt, (None, None))[1], force)
    return p


def _latex_outputs(args, problem) -> None:
    """``--latex``/``--pdf`` checked before any work: a .tex name, files lagropt may replace
    (its own, or any with --force), symbol names LaTeX can print."""
    from .files import refuse_to_clobber, require_suffix
    from .latex import latex_available
    from .latex.documents import PDF_MARK, TEX_MARK

    if args.pdf and not args.latex:
        raise LagroptError("--pdf needs --latex FILE.tex (where to write the document)")
    if args.linewidth is not None and not args.latex:
        raise LagroptError("--linewidth needs --latex FILE.tex (the document it lays out)")
    if not args.latex:
        return
    from .latex.width import line_width

    line_width(args.linewidth)    # a width LaTeX cannot use is refused before any work
    _writable(args.latex)
    tex = require_suffix(args.latex, ".tex", "--latex")
    refuse_to_clobber(tex, TEX_MARK.encode(), args.force)
    if args.pdf:
        refuse_to_clobber(tex.with_suffix(".pdf"), PDF_MARK, args.force)
        if not latex_available():
            raise LagroptError("--pdf needs pdflatex, which is not installed (apt-get install "
                               "texlive-latex-base texlive-latex-recommended latexmk)")
    problem.latex(linewidth=args.linewidth)   # a name LaTeX cannot print is refused now


def _output_folder(path: str, force: bool = False) -> Path:
    """``tour --out``: a folder, or one that can be created (its nearest existing ancestor is a
    folder that accepts new files), new, empty or a tour's own unless ``force``; nothing is
    created here."""
    from .tour import check_output_folder

    check_output_folder(path, force)
    p = Path(path)
    existing = p if p.exists() else next(a for a in p.absolute().parents if a.exists())
    if not existing.is_dir():
        raise LagroptError(f"--out {path} is a file, not a folder" if existing == p else
                           f"--out {path}: {existing} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise LagroptError(f"cannot write to the folder {path}: {exc.strerror or exc}") from None
    return p


@contextmanager
def _writing(path):
    """Turn a writer's failure (OSError, or ValueError from matplotlib) into a one-line error
    naming the file."""
    try:
        yield
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise LagroptError(f"cannot write {path}: {why}") from None


def _save_plot(fig, path: Path, outputs=None) -> None:
    """Save atomically (with ``outputs``, when they are all written), marked as lagropt's
    where the format has metadata."""
    from .files import Outputs

    if outputs is None:
        with Outputs() as out:
            return _save_plot(fig, path, out)
    fmt = path.suffix[1:].lower()
    metadata = _PLOT_METADATA.get(fmt, (None, None))[0]
    with _writing(path):
        fig.savefig(outputs.temporary(path), dpi=120, format=fmt, metadata=metadata)


def _write_solve_outputs(args, sol) -> None:
    """``solve``'s plot, .tex and PDF, all or none: the document is written and compiled in a
    temporary folder and the files are moved into place only when everything is built (the
    checks of :func:`_latex_outputs` and :func:`_plot_file` were made before solving)."""
    import shutil

    from .files import Outputs

    with Outputs() as out, tempfile.TemporaryDirectory(prefix="lagropt-") as folder:
        if args.plot:
            import matplotlib

            matplotlib.use("Agg")
            from .plot import lagrange

            _save_plot(lagrange(sol), Path(args.plot), out)
        if args.latex:
            with _writing(args.latex):
                staged = sol.to_tex(Path(folder) / "document.tex", linewidth=args.linewidth)
            if args.pdf:
                from .latex import compile as compile_tex

                pdf = compile_tex(staged)
                shutil.copyfile(pdf, out.temporary(Path(args.latex).with_suffix(".pdf")))
            shutil.copyfile(staged, out.temporary(args.latex))


CPU_GRACE = 10.0     # CPU seconds beyond --timeout for verifying, plotting and writing


def _limit_cpu(seconds: float | None) -> None:
    """Bound the whole command, not only the solve: once this process has spent ``seconds`` +
    :data:`CPU_GRACE` CPU seconds, SIGXCPU ends it with a one-line error (exit 2), and the
    kernel's SIGKILL follows 5 s later if Python cannot react (a long C call)."""
    import math
    import resource
    import signal

    if seconds is None:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds + CPU_GRACE)

    def over_budget(signum, frame):
        raise LagroptError(f"the command exceeded its budget of {seconds:g} s CPU "
                           f"(+{CPU_GRACE:g} s for what follows the solve)")

    signal.signal(signal.SIGXCPU, over_budget)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    wanted = soft + 5
    if hard != resource.RLIM_INFINITY:
        soft, wanted = min(soft, hard), hard
    resource.setrlimit(resource.RLIMIT_CPU, (soft, wanted))


def _solve(args) -> int:
    from .runtime import DEFAULT, Budget, as_seconds
    from .solver.core import solve_within
    from .verification import verify

    seconds = as_seconds(DEFAULT if args.timeout is None else args.timeout)
    budget = Budget(seconds)
    if args.whole_process:           # lagropt run as a program: the process is the command's own
        _limit_cpu(seconds)
    problem = _problem_from_args(args)
    _latex_outputs(args, problem)
    if args.plot:
        _plot_file(args.plot, args.force)
    if args.plot and len(problem.variables) != 2:
        raise LagroptError(f"--plot draws problems in two variables; this one has "
                           f"{len(problem.variables)}")
    sol = solve_within(problem, budget)
    report = verify(problem, sol) if args.verify else None
    _write_solve_outputs(args, sol)
    if args.json:
        json.dump(solution_json(sol, report), sys.stdout, indent=2)
        print()
    elif args.md or args.myst:
        _print_markdown(args, problem, sol, report)
    else:
        print(problem)
        print(sol)
        if args.steps:
            print()
            print(sol.derivation)
        if report is not None:
            print(report)
        _print_analyses(args, problem, sol)
        if args.plot:
            print(f"plot:  {args.plot}")
        if args.latex:
            print(f"latex: {args.latex}" + (f"\npdf:   {Path(args.latex).with_suffix('.pdf')}"
                                            if args.pdf else ""))
    return 1 if sol.status in NO_OPTIMUM else 0


def _print_markdown(args, problem, sol, report) -> None:
    """--md/--myst: the problem, the derivation, the answer and the analyses asked for, as
    Markdown (the check against scipy as a text block)."""
    from urllib.parse import quote

    from .latex.markdown import summary_markdown

    flavor = "myst" if args.myst else "$"
    parts = [problem.to_myst() if args.myst else problem.to_markdown(),
             sol.to_myst() if args.myst else sol.to_markdown(),
             summary_markdown(sol, flavor)]
    if report is not None:
        parts.append(_fenced(str(report)))
    for title, result in _analyses(args, problem, sol):
        heading = "## " + title[0].upper() + title[1:] + "\n\n"
        parts.append(heading + (result.to_myst() if args.myst else result.to_markdown()))
    if args.plot:              # the figure, by a link that cannot leave its brackets
        parts.append(f"![The Lagrange picture]({quote(Path(args.plot).as_posix())})\n")
    print("\n".join(parts), end="")


def _fenced(text: str) -> str:
    """``text`` as a Markdown code block, its fence longer than any run of backquotes in it."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}\n"


def _print_analyses(args, problem, sol) -> None:
    """--shadow-prices, --sensitivity PARAM and --dual, each with its derivation under --steps."""
    for title, result in _analyses(args, problem, sol):
        print(f"\n{title}:")
        print(result)
        if args.steps:
            print(result.derivation)


def _analyses(args, problem, sol) -> list:
    """(title, result) for --shadow-prices, --sensitivity PARAM and --dual."""
    from .duality import dual
    from .sensitivity import sensitivity, shadow_prices

    results = []
    if args.shadow_prices:
        results.append(("shadow prices", shadow_prices(sol)))
    if args.sensitivity:
        names = {str(s): s for s in problem.params}
        if args.sensitivity not in names:
            raise LagroptError(f"--sensitivity {args.sensitivity}: not one of the parameters "
                               f"({', '.join(names) or 'none: give them with --params'})")
        results.append((f"sensitivity in {args.sensitivity}",
                        sensitivity(sol, names[args.sensitivity])))
    if args.dual:
        results.append(("dual", dual(problem, solution=sol)))
    return results


def _tour(args) -> int:
    from .tour import run_tour

    sections = [s.strip() for s in args.sections.split(",")] if args.sections else None
    _output_folder(args.out, args.force)
    where = sys.stderr if args.json else sys.stdout
    tour = run_tour(args.out, sections=sections, stream=where, force=args.force,
                    verbose=not args.quiet, progress=not args.quiet)
    written = tour.written
    if args.json:
        print(Path(written["report_json"]).read_text())
    print(f"\nnotes:   {written['notes']}", file=where)
    pdf = Path(written["notes"]).with_suffix(".pdf")          # the notes' path, as given
    print(f"pdf:     {pdf}" if written["pdf"] else "pdf:     not built (pdflatex not "
          "found: install texlive-latex-base to compile the notes)", file=where)
    print(f"report:  {written['report_md']} and {written['report_json']}", file=where)
    print(f"figures: {len(written['figures'])} PNG files in {tour.figures_dir}", file=where)
    bad = [r for r in tour.rows if not r.ok]
    seconds = sum(tour.timings.values())
    print(f"{len(tour.rows) - len(bad)} of {len(tour.rows)} checks agree ({seconds:.0f} s)",
          file=where)
    return 0 if not bad else 1


_METHODS = {"gd": "GD", "sgd": "SGD", "momentum": "Momentum", "adagrad": "AdaGrad",
            "rmsprop": "RMSProp", "adam": "Adam", "adamw": "AdamW"}
# the lecture's comparison picture (deck 001), with rates that suit the default test function
_COMPARE = {"gd": ("GD", 1e-3), "momentum": ("Momentum", 1e-3), "adagrad": ("AdaGrad", 0.5),
            "rmsprop": ("RMSProp", 1e-2), "adam": ("Adam", 5e-2)}


def _numbers(text: str, what: str) -> list:
    out = []
    for part in text.split(","):
        try:
            out.append(float(part))
        except ValueError:
            raise LagroptError(f"{what}: '{part.strip()}' is not a number") from None
    return out


def _optimizer(method: str, lr: float, decay: float | None, momentum: float | None):
    from . import optim

    rate = optim.InverseTimeDecay(lr, decay) if decay else lr
    cls = getattr(optim, _METHODS[method])
    if momentum is not None:
        if method == "sgd":
            return cls(rate, momentum=momentum)
        if method == "momentum":
            return cls(rate, beta=momentum)
        raise LagroptError("--momentum is for --method sgd or momentum")
    return cls(rate)


def _descent_variables(f) -> tuple:
    """``f`` with elements p[1], p[2] as symbols of their own, and its unknowns in natural
    order (x, y; x2 before x10; p[1], p[2], ...): a family's label p is not an unknown."""
    import sympy as sp

    from .problem import _natural_key

    f = f.xreplace(_elements_as_symbols([f]))
    family = next(iter(f.atoms(sp.Indexed)), None)
    if family is not None:
        raise LagroptError(f"descend needs numbers as indices, got {_name(family)} (sums need "
                           "numeric limits, as in sum(p[i]^2, i, 1, 3))")
    return f, sorted((s for s in f.free_symbols if isinstance(s, sp.Symbol)), key=_natural_key)


def _order_variables(names: list, text: str) -> list:
    """The variables in the order ``--vars`` lists them (x,y or p[1],p[2]); all must be listed."""
    chosen = [t.strip().replace(" ", "") for t in re.split(r",(?![^\[]*\])", text) if t.strip()]
    known = {_name(v): v for v in names}
    missing = [c for c in chosen if c not in known]
    if missing:
        raise LagroptError(f"variable {', '.join(missing)} does not appear in the objective")
    extra = [n for n in known if n not in chosen]
    if extra:
        raise LagroptError(f"{', '.join(extra)} would need values: list every symbol in --vars")
    return [known[c] for c in dict.fromkeys(chosen)]


def _descend(args) -> int:
    import sympy as sp

    from . import optim
    from .parse import parse_expr

    sense, objective = _sense(args.objective, "max" if args.max else None, default="min")
    f = parse_expr(objective)
    if f.has(sp.Sum, sp.Product):
        f = f.doit()
    f, names = _descent_variables(f)
    if args.vars:
        names = _order_variables(names, args.vars)
    if args.plot:
        _plot_file(args.plot, args.force)
    x0 = _numbers(args.x0, "--x0")
    if len(x0) != len(names):
        raise LagroptError(f"--x0 has {len(x0)} numbers for {len(names)} variables "
                           f"({', '.join(_name(s) for s in names)})")
    sign = -1 if sense == "max" else 1
    runs = {}
    if args.compare:
        for key, (cls, lr) in _COMPARE.items():
            runs[key] = optim.minimize(sign * f, x0, getattr(optim, cls)(lr), steps=args.steps,
                                       wrt=names, tol=args.tol,
                                       progress=False if args.quiet else key)
    else:
        runs[args.method] = optim.minimize(sign * f, x0, _optimizer(args.method, args.lr, args.decay,
                                                                     args.momentum),
                                           steps=args.steps, wrt=names, tol=args.tol,
                                           progress=False if args.quiet else args.method)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from . import plot

        if len(names) == 2:
            fig = plot.paths(f, {k: r.path for k, r in runs.items()}, variables=names)
        else:
            fig = plot.losses({k: r.losses for k, r in runs.items()})
        _save_plot(fig, Path(args.plot))
    report = {k: {"x": {_name(s): float(v) for s, v in zip(names, r.x)}, "f": float(sign * r.fun),
                  "nit": int(r.nit), "success": bool(r.success), "message": r.message}
              for k, r in runs.items()}
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        for k, r in report.items():
            xs = ", ".join(f"{n} = {v:.10g}" for n, v in r["x"].items())
            print(f"{k:9s} {xs}  f = {r['f']:.10g}  ({r['nit']} steps) {r['message']}")
        if args.plot:
            print(f"plot: {args.plot}")
    return 0 if all(r["success"] for r in report.values()) else 1


MAX_NUMBER_TEXT = 100      # characters of one number on the command line
MAX_DECIMAL_EXPONENT = 400     # |e| in 1.5e-7: beyond floating point either way


def _exact_number(token: str, option: str):
    """A number as written ('3', '-0.25', '1e-3', '2/3') as an exact Fraction. Its length and
    decimal exponent are checked first: Fraction('1e999999999') would compute a number of a
    billion digits."""
    from fractions import Fraction

    if len(token) > MAX_NUMBER_TEXT:
        raise ProblemError(f"{option}: a number of {len(token)} characters; the limit is "
                           f"{MAX_NUMBER_TEXT}")
    exponent = re.search(r"[eE]([+-]?\d+)\s*$", token)
    if exponent and abs(int(exponent.group(1))) > MAX_DECIMAL_EXPONENT:
        raise ProblemError(f"{option}: {token!r} is beyond the range of floating point "
                           f"(decimal exponents up to {MAX_DECIMAL_EXPONENT})")
    try:
        return Fraction(token)
    except (ValueError, ZeroDivisionError):
        raise ProblemError(f"{option}: {token!r} is not a number (use integers, decimals or "
                           "fractions like 1/3)") from None


def _fractions(text: str, option: str) -> list:
    """'1,2,3/2,0.5' -> exact Fractions (decimals exactly as written); never evaluated."""
    return [_exact_number(token.strip(), option) for token in text.split(",")]


def _fraction(text, option: str):
    if text is None:
        return None
    values = _fractions(text, option)
    if len(values) != 1:
        raise ProblemError(f"{option}: one number expected, got {text!r}")
    return values[0]


def _maxent(args) -> int:
    import warnings

    from .statmech import maxent

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        result = maxent(_fractions(args.values, "--values"), mean=_fraction(args.mean, "--mean"),
                        variance=_fraction(args.variance, "--variance"),
                        degeneracy=None if args.degeneracy is None
                        else _fractions(args.degeneracy, "--degeneracy"))
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=2)
        print()
    else:
        print(result.summary())
    for w in caught:
        print(f"lagropt: warning: {w.message}", file=sys.stderr)
    return 0 if result.success else 1


def _version() -> str:
    from . import __version__

    return __version__


def _add_quiet(parser, what: str) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help=f"{what}; the results are still printed")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lagropt", description="Constrained optimization "
                     "from the blackboard to a verified number.")
    parser.add_argument("--version", action="version", version=f"lagropt {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    solve = sub.add_parser(
        "solve", help="solve a problem exactly: every critical point, classified, derived",
        description="Solve a constrained problem exactly. Expressions use x^2 or x**2, exp, "
        "log/ln, sqrt, sin, cos, ... and p[i] with sum(p[i], i, 1, N). Exit status: 0 with an "
        "answer, 1 when there is no optimum (unbounded, infeasible, ...), 2 for bad input.",
        epilog='example: lagropt solve "-(x-2)^2 - (y-1)^2 + 10" --max -s "x = y" --verify')
    solve.add_argument("objective", nargs="?", help="the objective, e.g. \"x*y\", or with its "
                       "sense: \"max x*y\", \"min: x^2 + y^2\" (then --max/--min may go)")
    sense = solve.add_mutually_exclusive_group()
    sense.add_argument("--max", action="store_true", help="maximize")
    sense.add_argument("--min", action="store_true", help="minimize")
    solve.add_argument("-s", "--subject-to", action="append", metavar="CONSTRAINT",
                       help='a constraint: "x + y = 1", "x^2 + y^2 <= 1", "x >= 0" (repeat -s)')
    solve.add_argument("--vars", metavar="x,y", help="the variables (default: every other symbol)")
    solve.add_argument("--params", metavar="a,b", help="symbols held fixed (closed forms in them)")
    solve.add_argument("--positive", metavar="p1,p2", help="variables that are positive")
    solve.add_argument("--assume", metavar="\"0<a<1, m>0\"", help="what is known about the "
                       "parameters: inequalities separated by commas (their symbols become "
                       "parameters)")
    solve.add_argument("--file", metavar="FILE", help="read the problem from a file: 'max: f' "
                       "or 'min: f', then one constraint per line")
    solve.add_argument("--timeout", type=_number, default=None, metavar="S",
                       help="CPU seconds for the whole command (default 20; 'inf': no limit)")
    solve.add_argument("--verify", action="store_true", help="check against scipy.optimize")
    solve.add_argument("--steps", action="store_true", help="print the derivation")
    solve.add_argument("--shadow-prices", action="store_true", help="dV*/dc for each constraint's "
                       "right-hand side, derived and compared with its multiplier")
    solve.add_argument("--sensitivity", metavar="PARAM", help="comparative statics: dx*/dPARAM, "
                       "dlambda*/dPARAM and dV*/dPARAM (PARAM one of --params)")
    solve.add_argument("--dual", action="store_true", help="the Lagrange dual function, the dual "
                       "problem solved and the duality gap")
    output = solve.add_mutually_exclusive_group()
    output.add_argument("--latex", metavar="FILE.tex", help="write the derivation as a LaTeX document")
    solve.add_argument("--pdf", action="store_true", help="also build the PDF (needs pdflatex)")
    solve.add_argument("--linewidth", metavar="PT|twocolumn", default=None,
                       help="the line width in points that long LaTeX rows are broken for, or "
                       "'twocolumn' (a column of a 10pt two-column article, 241pt; the "
                       "document is then two-column) (default: 360, the 11pt article)")
    solve.add_argument("--force", action="store_true", help="replace the .tex/.pdf/plot even "
                       "when lagropt did not write them")
    solve.add_argument("--plot", metavar="FILE.png", help="draw the Lagrange picture (two variables)")
    output.add_argument("--json", action="store_true", help="print the result as JSON")
    output.add_argument("--md", action="store_true", help="print the problem, the derivation "
                        "and the answer as Markdown (inline math $...$: Jupyter, Quarto, GitHub)")
    output.add_argument("--myst", action="store_true", help="print them as MyST Markdown "
                        "(Jupyter Book)")
    solve.set_defaults(run=_solve)
    descend = sub.add_parser(
        "descend", help="gradient descent on an expression (GD, momentum, AdaGrad, RMSProp, "
        "Adam, ...)", description="Minimize (or --max) an expression by gradient descent with "
        "the exact compiled gradient. Exit status: 0 when the run converges (--tol), 1 when it "
        "diverges, stalls or runs out of --steps, 2 for bad input.", epilog='example: lagropt descend "(1-x)^2 + 100*(y-x^2)^2" '
        '--x0 -1.2,1 --method adam --lr 0.02 --steps 5000 --plot paths.png')
    descend.add_argument("objective", help="the function of the variables (\"max f\" "
                         "maximizes it, as --max does)")
    descend.add_argument("--x0", required=True, metavar="1,2", help="the start, one number per "
                         "variable (in natural order: x, y; x2 before x10; p[1], p[2]; or as "
                         "--vars lists them)")
    descend.add_argument("--vars", metavar="x,y", help="the variables' order (p[1],p[2] for "
                         "elements of a family)")
    descend.add_argument("--method", choices=sorted(_METHODS), default="gd", help="the update rule")
    descend.add_argument("--lr", type=_number, default=0.01, help="the learning rate (default 0.01)")
    descend.add_argument("--decay", type=_number, metavar="KAPPA",
                         help="the lecture's inverse-time decay lr / (1 + kappa t)")
    descend.add_argument("--momentum", type=float, metavar="BETA",
                         help="momentum for sgd (torch's mu) or the lecture's momentum (beta)")
    descend.add_argument("--steps", type=int, default=1000, help="the number of updates")
    descend.add_argument("--tol", type=_number, default=1e-8, help="stop when max |gradient| <= "
                         "tol, the convergence test (exit 1 when a run ends without meeting it; "
                         "default 1e-8)")
    descend.add_argument("--max", action="store_true", help="maximize instead")
    descend.add_argument("--compare", action="store_true", help="run GD, momentum, AdaGrad, "
                         "RMSProp and Adam side by side (the lecture's picture)")
    descend.add_argument("--plot", metavar="FILE.png", help="the paths on the contours (two "
                         "variables) or the loss curves")
    descend.add_argument("--force", action="store_true", help="replace the --plot file even "
                         "when lagropt did not write it")
    descend.add_argument("--json", action="store_true", help="print the results as JSON")
    _add_quiet(descend, "no progress bar (on a terminal, a tqdm bar on stderr per run)")
    descend.set_defaults(run=_descend)
    tour = sub.add_parser("tour", help="reproduce every worked example of the lecture notes: "
                          "notes (LaTeX/PDF), figures, and a report of exact vs descent vs scipy")
    tour.add_argument("--json", action="store_true", help="print the report as JSON")
    tour.add_argument("--sections", metavar="a,b", help="only these sections (lagrange, maxent, "
                      "descent, regularization, logistic)")
    tour.add_argument("--out", default="lagropt-tour", metavar="DIR",
                      help="folder for the notes with the examples' derivations (LaTeX, and "
                      "the PDF when pdflatex is installed; default: ./lagropt-tour)")
    tour.add_argument("--force", action="store_true", help="write into --out even when it is "
                      "a non-empty folder lagropt did not create")
    _add_quiet(tour, "no progress bar and no line per section as it ends")
    tour.set_defaults(run=_tour)
    me = sub.add_parser("maxent", help="the maximum-entropy distribution over values with a "
                        "given mean (and variance): p, multipliers, ln Z, entropy",
                        description="p_i proportional to g_i exp(-beta x_i - gamma (x_i - m)^2).")
    me.add_argument("--values", required=True, help="comma-separated values x_i (integers, "
                    "decimals, fractions like 1/3)")
    me.add_argument("--mean", help="the mean m, strictly between min and max")
    me.add_argument("--variance", help="the variance about the mean")
    me.add_argument("--degeneracy", help="comma-separated degeneracies g_i")
    me.add_argument("--json", action="store_true", help="print the result as JSON")
    me.set_defaults(run=_maxent)
    return parser


def _option_table(parser) -> dict:
    """Every option string of the command and its subcommands -> whether it takes a value."""
    table = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                table.update(_option_table(sub))
        for name in action.option_strings:
            table[name] = action.nargs != 0
    return table


_NEGATIVE_NUMBER = re.compile(r"-\d+|-\d*\.\d+")      # what argparse itself reads as a value


def _protect_leading_minus(argv: list, options: dict) -> list:
    """Arguments that begin with '-' but are not options, made safe from argparse, which would
    take them for options: a value is joined to its option (``--x0 -1.2,1`` -> ``--x0=-1.2,1``,
    ``-s "-x<=1"`` -> ``-s-x<=1``); a positional such as the objective ``-x*y`` gets a leading
    space, which the expression parser strips.

    Left as they are: known options, ``--long`` forms, negative numbers (argparse reads them),
    everything after ``--``, and a short option with its value attached (``-sx+y=1``, told
    apart from an objective such as ``-sin(x)`` by its comparison).
    """
    out, value_expected = [], False
    for k, arg in enumerate(argv):
        if arg == "--":
            return out + argv[k:]
        attached = options.get(arg[:2]) and any(c in arg[2:] for c in "=<>")
        if (arg.startswith("-") and not arg.startswith("--") and len(arg) > 1
                and arg not in options and not _NEGATIVE_NUMBER.fullmatch(arg)
                and (value_expected or not attached)):
            if value_expected:
                option = out.pop()
                arg = f"{option}={arg}" if option.startswith("--") else option + arg
            else:
                arg = " " + arg
            value_expected = False
        else:
            value_expected = options.get(arg, False)
        out.append(arg)
    return out


def main(argv=None, whole_process: bool = False) -> int:
    """The ``lagropt`` command; ``whole_process``: this process runs nothing else, so the
    command may bound its own CPU time (set by the console script and ``python -m lagropt``)."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(_protect_leading_minus(argv, _option_table(parser)))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    args.whole_process = whole_process
    try:
        return args.run(args)
    except LagroptError as exc:
        print(f"lagropt: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:             # lagropt ... | head: the reader has gone, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:              # a read or write that failed after the checks
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"lagropt: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lagropt: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("lagropt: error: out of memory (the input is too large for this machine)",
              file=sys.stderr)
        return 2


def run() -> int:
    """The console script's entry point: the command owns its process."""
    return main(whole_process=True)


if __name__ == "__main__":
    sys.exit(run())
