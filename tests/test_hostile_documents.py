"""Documents that cannot be turned against their user (issue 15).

Text from the user (symbol names, titles, headings, captions) reaches LaTeX only escaped or
through a whitelist; the build runs in a sandbox (no shell escape, paranoid file access, no
latexmk rc file, a private folder). Each attack is written the way an attacker would, and the
PDF is read back (pdftotext when installed, else the copied log) to show nothing leaked.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

import lagropt
import lagropt.latex as L
from lagropt.latex.names import SAFE_COMMANDS, UnprintableNameError

SECRET = "s3cr3t-t0ken-4c9f"      # the content of the file an attack tries to read


@pytest.fixture
def secret(tmp_path):
    """A file with a token in it, beside the documents and named by absolute path."""
    path = tmp_path / "secret.tex"
    path.write_text(SECRET + "\n")
    return path


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def pdf_text(pdf):
    """The text of a PDF (pdftotext), None when pdftotext is not installed (then the log of
    the build, which names every file TeX read, is the evidence)."""
    if not shutil.which("pdftotext"):
        return None
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def build(doc, path, **options):
    """Write ``doc`` (a Solution or a string) to ``path`` and compile it, keeping the log:
    the PDF, its text (None without pdftotext) and the log."""
    tex = L.to_tex(doc, path, **options)
    pdf = L.compile(tex, clean=False)
    return pdf, pdf_text(pdf), pdf.with_suffix(".log").read_text(errors="replace")


def assert_not_read(secret, text, log):
    """The secret file was not read: not in the PDF's text, not among the files TeX opened."""
    assert f"({secret}" not in log and SECRET not in log
    if text is not None:
        assert SECRET not in text


def solved_with(name):
    """max -(x - 1)^2 - (s - 2)^2 on x = s, with s a symbol named ``name``."""
    x, s = sp.Symbol("x", real=True), sp.Symbol(name, real=True)
    return lagropt.maximize(-(x - 1) ** 2 - (s - 2) ** 2, subject_to=[sp.Eq(x, s)]).solve()


# -- what the printer writes ------------------------------------------------------------------

def assert_safe_math(tex):
    """Only whitelisted commands, escaped specials and balanced braces."""
    for m in re.finditer(r"\\([A-Za-z]+|.)", tex):
        word = m.group(1)
        assert word in SAFE_COMMANDS or word in "{}$%&#_|,;! ", (word, tex)
    bare = re.sub(r"\\[{}$%&#_|]", "", tex)
    assert not re.search(r"[%#$&]", bare), tex
    depth = 0
    for ch in bare:
        depth += (ch == "{") - (ch == "}")
        assert depth >= 0, tex
    assert depth == 0, tex


@pytest.mark.parametrize("name, expected", [
    ("alpha", r"\alpha"), ("x_1", "x_{1}"), ("x_{12}", "x_{12}"), ("lambda_2", r"\lambda_{2}"),
    ("varepsilon1", r"\varepsilon_{1}"), ("xhat", r"\hat{x}"), ("α", r"\alpha"),
    ("Ω_k", r"\Omega_{k}"), ("é", r"\acute{e}"), ("xscr", "xscr"), ("xfrak", "xfrak"),
    ("x\\input{/etc/hostname}", r"x\backslash input\{/etc/hostname\}"),
    ("a%b#c&d$e~f", r"a\%b\#c\&d\$e\sim f"),
])
def test_symbol_names_go_through_the_whitelist(name, expected):
    assert L.tex(sp.Symbol(name)) == expected
    assert_safe_math(expected)


@pytest.mark.parametrize("name", ["x☃", "x\x00", "\x7f", "変数", "ß"])
def test_characters_without_latex_are_refused_by_name(name):
    with pytest.raises(UnprintableNameError, match=r"cannot be written in LaTeX: .* \(U\+[0-9A-F]{4}\)"):
        L.tex(sp.Symbol(name))
    assert issubclass(UnprintableNameError, L.LatexError)


def test_function_and_matrix_names_go_through_the_whitelist():
    x = sp.Symbol("x")
    f = sp.Function("f\\def\\x{1}")
    for expr in (f(x), sp.Derivative(f(x), x), sp.MatrixSymbol("A\\input{a}", 2, 2)):
        tex = L.tex(expr)
        assert "\\def" not in tex and "\\input" not in tex, tex


NASTY = ["\\input{/etc/hostname}", "\\def\\x{", "\\openout", "{", "}", "%", "#", "$", "&", "~",
         "^", "_", "\\", "\n\n", "é", "α", "ς", "scr", "hat", "__", "\x00", "\u0301", "ﬁ"]
names = st.lists(st.one_of(st.text(max_size=3), st.sampled_from(NASTY)), max_size=5).map("".join)


@settings(max_examples=400, deadline=None)
@given(names)
def test_fuzzed_symbol_names_print_only_whitelisted_latex(name):
    try:
        tex = L.tex(sp.Symbol(name) ** 2 + sp.Symbol(name + "_1"))
    except UnprintableNameError as exc:
        assert "\n" not in str(exc)
        return
    assert_safe_math(tex)


# -- through pdflatex ---------------------------------------------------------------------------

def test_a_symbol_named_input_does_not_read_the_file(tmp_path, secret, latex_required):
    sol = solved_with(f"x\\input{{{secret}}}")
    pdf, text, log = build(sol, tmp_path / "doc.tex")
    assert_not_read(secret, text, log)
    if text is not None:
        assert "x\\input{/tmp" in text and "/secret.tex}" in text     # the name is printed


def test_a_title_cannot_read_define_or_write(tmp_path, secret, latex_required):
    title = (f"50% & more_# {{x}} ~^ \\input{{{secret}}} \\input{{secret}} \\def\\maketitle{{HACKED}}"
             " \\newwrite\\w\\immediate\\openout\\w=pwned.tex\\immediate\\write\\w{x}")
    before = files_under(tmp_path)
    pdf, text, log = build(solved_with("y"), tmp_path / "doc.tex", title=title)
    assert_not_read(secret, text, log)
    assert files_under(tmp_path) == sorted(before + ["doc.log", "doc.pdf", "doc.tex"])
    if text is not None:
        # as written (OT1 fonts draw _ ~ ^ as a rule and accents, which pdftotext reads so)
        assert "50% & more" in text and "# {x}" in text and "\\input{secret}" in text
        assert text.count("HACKED") == 1           # printed once, \maketitle not redefined


def test_a_symbol_named_def_does_not_redefine_macros(tmp_path, latex_required):
    sol = solved_with("\\def\\lambda{HACKED}")
    pdf, text, log = build(sol, tmp_path / "doc.tex")
    if text is not None:
        assert "λ" in text                    # \lambda still prints a lambda
        assert text.count("HACKED") == text.count("\\def") > 0   # only inside the printed name


def test_headings_paragraphs_and_captions_are_text(tmp_path, secret, latex_required):
    png = tmp_path / "a.png"
    shutil.copyfile(_picture(tmp_path), png)
    attack = f"\\input{{{secret}}} 100% #1 $x$"
    notes = (L.Notes(attack).section(attack).text(attack).figure(png, attack)
             .section(L.LaTeXString("Raw: $x^2$")).text("math $y$ here", raw=True))
    pdf = notes.compile(tmp_path / "notes.tex", clean=False)
    text = pdf_text(pdf)
    assert_not_read(secret, text, pdf.with_suffix(".log").read_text(errors="replace"))
    if text is not None:
        assert text.count("100% #1 $x$") == 4
        assert "Raw: x2" in text and "math y here" in text          # LaTeX when asked for


def _picture(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    path = tmp_path / "picture-source.png"
    fig.savefig(path)
    plt.close(fig)
    return path


# -- the sandbox, for LaTeX that is raw by the user's own choice -------------------------------

def test_raw_latex_cannot_read_outside_the_build(tmp_path, secret, latex_required):
    """TeX Live's own default lets \\input read any file; the build's openin_any=p does not."""
    tex = L.to_tex(f"Before \\input{{{secret}}} after.", tmp_path / "sub" / "doc.tex", raw=True)
    with pytest.raises(L.LatexError, match=r"doc.tex does not compile: .*secret.tex' not found"):
        L.compile(tex)
    assert not tex.with_suffix(".pdf").exists()


def test_raw_latex_cannot_write_outside_the_build_nor_run_commands(tmp_path, latex_required):
    outside = tmp_path / "outside.tex"
    raw = ("\\newwrite\\w\\immediate\\openout\\w=inside.tex\\immediate\\write\\w{x}"
           "\\immediate\\closeout\\w "
           f"\\immediate\\openout\\w={outside}\\immediate\\write\\w{{x}}\\immediate\\closeout\\w "
           "\\immediate\\openout\\w=../up.tex\\immediate\\write\\w{x}\\immediate\\closeout\\w "
           f"\\immediate\\write18{{touch {tmp_path / 'shell-ran'}}} Done.")
    doc = tmp_path / "doc" / "doc.tex"
    before = files_under(tmp_path)
    L.to_tex(raw, doc, raw=True)
    try:
        L.compile(doc, clean=False)
    except L.LatexError:
        pass                                   # refusing to open the file may stop the build
    after = set(files_under(tmp_path)) - set(before)
    assert after <= {"doc", "doc/doc.tex", "doc/doc.pdf", "doc/doc.log"}, after
    log = doc.with_suffix(".log")
    if log.exists():
        assert "write18 enabled" not in log.read_text(errors="replace")   # not even restricted


def test_a_latexmkrc_in_the_folder_does_not_run(tmp_path, monkeypatch, latex_required):
    """Neither the document's folder, the working folder nor the user's home (~/.latexmkrc,
    ~/.config/latexmk/latexmkrc) gets its Perl run."""
    ran = tmp_path / "rc-ran"
    perl = f'system("touch {ran}");\n$pdflatex = "touch {ran}; pdflatex %O %S";\n'
    home = tmp_path / "home"
    for folder in (tmp_path, home, home / ".config" / "latexmk"):
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("latexmkrc", ".latexmkrc"):
            (folder / name).write_text(perl)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(tmp_path)
    tex = solved_with("y").to_tex(tmp_path / "doc.tex")
    pdf = L.compile(tex)
    assert pdf.is_file() and not ran.exists()


def test_the_compile_command_turns_shell_escape_off(latex_required, monkeypatch):
    """Both commands (latexmk, and pdflatex when latexmk is missing) and the environment."""
    from lagropt.latex import documents
    from lagropt.latex.documents import _build_commands, _sandbox_environment

    commands = _build_commands(Path("doc.tex"))
    which = shutil.which
    monkeypatch.setattr(documents.shutil, "which", lambda n: None if n == "latexmk" else which(n))
    commands += _build_commands(Path("doc.tex"))
    assert len(commands) >= 2
    for cmd in commands:
        assert "-no-shell-escape" in cmd
        if Path(cmd[0]).name == "latexmk":
            assert "-norc" in cmd
    env = _sandbox_environment()
    assert env["openin_any"] == env["openout_any"] == "p" and env["shell_escape"] == "f"


# -- a bounded sample of fuzzed names through pdflatex -------------------------------------------

printable_names = st.lists(st.one_of(st.text(max_size=4), st.sampled_from(NASTY)),
                           min_size=1, max_size=4).map("".join)


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(printable_names, min_size=10, max_size=25))
def test_fuzzed_names_and_titles_compile(tmp_path_factory, latex_required, batch):
    folder = tmp_path_factory.mktemp("fuzz")
    rows = []
    for name in batch:
        try:
            rows.append("  %s &= 1" % L.tex(sp.Symbol(name) ** 2))
        except UnprintableNameError:
            continue
    body = L.LaTeXString("\\begin{align*}\n" + " \\\\\n".join(rows or ["x &= 1"])
                         + "\n\\end{align*}\n")
    title = "".join(batch)[:200]
    tex = L.to_tex(body, folder / "fuzz.tex", title=title)
    pdf = L.compile(tex)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert files_under(folder) == ["fuzz.pdf", "fuzz.tex"]


def test_jupyter_falls_back_to_text_for_an_unprintable_name():
    x = sp.Symbol("x☃", real=True)
    problem = lagropt.minimize(x ** 2)
    sol = problem.solve()
    assert problem._repr_latex_() is None and sol._repr_latex_() is None
    assert sol.derivation._repr_latex_() is None
    assert "x☃" in str(sol)


TEXT_COMMANDS = {"textbackslash", "textasciitilde", "textasciicircum", "dots", "approx", "leq",
                 "geq", "neq", "to", "Rightarrow", "infty", "cdot", "times", "pm", "partial",
                 "lambda", "mu", "varepsilon", "beta"}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=4), st.sampled_from(NASTY)), max_size=6).map("".join))
def test_fuzzed_text_is_escaped(text):
    from lagropt.latex.text import as_latex

    out = as_latex(text)
    for m in re.finditer(r"\\([A-Za-z]+|.)", out):
        assert m.group(1) in TEXT_COMMANDS or m.group(1) in "{}#$%&_", (m.group(1), out)
    bare = re.sub(r"\\[{}#$%&_]", "", out)
    assert not re.search(r"[#%&^]", bare) and bare.count("$") % 2 == 0, out
    assert bare.count("{") == bare.count("}") and "\n" not in out, out
    assert as_latex(text, raw=True) == text == L.LaTeXString(text)


def test_a_figure_width_is_a_length_not_latex(tmp_path):
    png = _picture(tmp_path)
    with pytest.raises(L.LatexError, match="give a length"):
        L.Notes().figure(png, width="1cm]{x}\\input{/etc/hostname}")


def test_without_latexmk_pdflatex_builds_in_the_same_sandbox(tmp_path, secret, monkeypatch,
                                                             latex_required):
    from lagropt.latex import documents
    from lagropt.latex.documents import PDF_MARK

    which = shutil.which
    monkeypatch.setattr(documents.shutil, "which", lambda n: None if n == "latexmk" else which(n))
    pdf = L.compile(solved_with("y").to_tex(tmp_path / "doc.tex"))
    assert PDF_MARK in pdf.read_bytes()                  # marked as lagropt's
    assert files_under(tmp_path) == ["doc.pdf", "doc.tex", "secret.tex"]
    raw = L.to_tex(f"\\input{{{secret}}}", tmp_path / "raw.tex", raw=True)
    with pytest.raises(L.LatexError, match="not found"):
        L.compile(raw)
