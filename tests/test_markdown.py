"""Derivations as Markdown and MyST for web notes (issue 20, item 3).

The export is read back by real parsers: markdown-it-py with its ``dollarmath`` plugin (the
parser of MyST and Jupyter Book) for ``to_markdown``, MyST-Parser itself for ``to_myst``; every
math fragment they find is typeset by KaTeX (Debian's ``katex`` package, run by node) with
``throwOnError``. The LaTeX rendering of the same derivation is the reference for structure:
same steps, same rows, in the same order.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy as sp
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

import lagropt
from lagropt.latex.markdown import markdown_text, math_text, paragraph
from lagropt.tour.examples import lecture_examples

ROOT = Path(__file__).resolve().parents[1]
KATEX = Path(os.environ.get("LAGROPT_KATEX", "/usr/share/nodejs/katex"))
NODE = shutil.which("node")

# reads [{"tex": ..., "display": bool}, ...] on stdin, prints the errors as JSON
KATEX_SCRIPT = """
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", d => input += d);
process.stdin.on("end", () => {
  const errors = [];
  for (const f of JSON.parse(input)) {
    try {
      katex.renderToString(f.tex, {displayMode: f.display, throwOnError: true, strict: "error"});
    } catch (e) { errors.push({tex: f.tex, error: String(e.message)}); }
  }
  console.log(JSON.stringify(errors));
});
"""


def katex_errors(fragments):
    """KaTeX's errors for the fragments ((tex, display) pairs); skips without node/KaTeX."""
    if NODE is None or not (KATEX / "package.json").exists():
        if os.environ.get("LAGROPT_REQUIRE_KATEX"):      # set by .ci/run, which installs them
            pytest.fail("LAGROPT_REQUIRE_KATEX is set but node or KaTeX is not installed")
        pytest.skip("KaTeX render needs node and KaTeX (apt-get install nodejs katex; "
                    ".ci/run installs them)")
    payload = json.dumps([{"tex": t, "display": d} for t, d in fragments])
    done = subprocess.run([NODE, "-e", KATEX_SCRIPT, str(KATEX)], input=payload,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# -- parsing the export back -------------------------------------------------------------------

def dollar_parser():
    return MarkdownIt("commonmark").use(dollarmath_plugin)


def tokens_of(md: str):
    """Block tokens and every inline child, flattened."""
    out = []
    for token in dollar_parser().parse(md):
        out.append(token)
        out += token.children or []
    return out


def fragments_dollar(md: str):
    """The math of a ``to_markdown`` export as markdown-it's dollarmath reads it."""
    return [(t.content.strip(), t.type == "math_block") for t in tokens_of(md)
            if t.type in ("math_inline", "math_block")]


def myst_tokens(md: str):
    """Block tokens of MyST-Parser's parse of ``md``."""
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser
    from markdown_it.renderer import RendererHTML

    return create_md_parser(MdParserConfig(), RendererHTML).parse(md)


def fragments_myst(md: str):
    """The math of a ``to_myst`` export as MyST-Parser reads it: the ``{math}`` role and
    directive."""
    out = []
    for token in myst_tokens(md):
        if token.type == "fence" and token.info.strip() == "{math}":
            out.append((token.content.strip(), True))
        for child in token.children or []:
            if child.type == "myst_role" and child.meta.get("name") == "math":
                out.append((child.content, False))
    return out


def bracket_parser():
    from mdit_py_plugins.texmath import texmath_plugin

    return MarkdownIt("commonmark").use(texmath_plugin, delimiters="brackets")


def fragments_paren(md: str):
    """The math of an ``inline="\\("`` export as markdown-it's texmath plugin reads it."""
    out = []
    for token in bracket_parser().parse(md):
        if token.type == "math_block":
            out.append((token.content.strip(), True))
        out += [(c.content, False) for c in token.children or [] if c.type == "math_inline"]
    return out


def latex_blocks(tex: str):
    """The rows of each align*/alignat* block of the LaTeX rendering."""
    blocks = re.findall(r"\\begin\{align(?:at)?\*\}(?:\{2\})?\n(.*?)\n\\end\{align(?:at)?\*\}",
                        tex, re.S)
    return [[r.strip() for r in re.split(r" \\\\(?:\[0\.5ex\])?\n", b)] for b in blocks]


def markdown_blocks(fragments):
    rows = []
    for tex, display in fragments:
        if display:
            body = re.search(r"\\begin\{aligned(?:at)?\}(?:\{2\})?\n(.*)\n\\end\{aligned(?:at)?\}",
                             tex, re.S).group(1)
            rows.append([r.strip() for r in body.split(" \\\\\n")])
    return rows


# -- the lecture's examples --------------------------------------------------------------------

X, Y = sp.symbols("X Y", real=True)


@pytest.fixture(scope="module")
def lecture():
    """name -> (result with a derivation, its LaTeX): the paraboloid on x = y, the coin, a KKT
    problem with inequalities (one binding, one slack), its shadow prices, the Boltzmann
    distribution (sums, the partition function), a dual and ridge regression's closed form
    (matrices)."""
    from lagropt.regression.derive import ridge

    examples = {e.name: e.problem for e in lecture_examples()}
    kkt = lagropt.minimize(X**2 + Y**2, [X + Y >= 1, X <= 5]).solve()
    out = {"paraboloid-on-line": examples["paraboloid-on-line"].solve(),
           "coin-normalised": examples["coin-normalised"].solve(),
           "boltzmann-3": examples["boltzmann-3"].solve(),
           "kkt": kkt, "shadow-prices": kkt.shadow_prices(),
           "dual": lagropt.minimize(X**2 + Y**2, [X + Y >= 1]).dual(), "ridge": ridge()}
    return {name: (r, r.latex()) for name, r in out.items()}


NAMES = ["paraboloid-on-line", "coin-normalised", "boltzmann-3", "kkt", "shadow-prices", "dual",
         "ridge"]


@pytest.mark.parametrize("name", NAMES)
def test_every_step_is_there_with_the_rows_of_the_latex(lecture, name):
    result, tex = lecture[name]
    md = result.to_markdown()
    want = latex_blocks(tex)
    assert len(want) >= 3
    # the same rows, in the same order; Markdown has < and > as \lt, \gt
    got = markdown_blocks(fragments_dollar(md))
    assert got == [[r.replace("<", r"\lt ").replace(">", r"\gt ") for r in b] for b in want]
    assert markdown_blocks(fragments_myst(result.to_myst())) == got
    assert markdown_blocks(fragments_paren(result.to_markdown(inline="\\("))) == got
    # every step's annotation is a paragraph of its own: as many as LaTeX has text blocks
    paragraphs = [t for t in dollar_parser().parse(md) if t.type == "paragraph_open"]
    latex_paragraphs = [p for p in tex.split("\n\n") if not p.startswith("\\begin")]
    assert len(paragraphs) == len(latex_paragraphs)


@pytest.mark.parametrize("name", NAMES)
def test_display_math_is_balanced_and_on_lines_of_its_own(lecture, name):
    result, _ = lecture[name]
    md = result.to_markdown()
    lines = md.splitlines()
    marks = [i for i, line in enumerate(lines) if "$$" in line]
    assert marks and len(marks) % 2 == 0
    assert all(lines[i] == "$$" for i in marks)
    for start, end in zip(marks[::2], marks[1::2]):
        body = lines[start + 1:end]
        assert all(line.strip() for line in body)           # no blank line inside
        assert lines[start - 1] == "" and lines[end + 1:end + 2] in ([], [""])
    for tex, _ in fragments_dollar(md):
        assert tex.count("{") == tex.count("}") - tex.count(r"\}") + tex.count(r"\{")
        assert tex.count(r"\begin{") == tex.count(r"\end{")
        assert not re.search(r"[<>`]", tex)
        assert r"\\[" not in tex and "align*" not in tex


def text_inside_math_is_plain(fragments):
    """Every ``\\text{...}`` of the fragments holds plain characters only: MathJax 3's default
    setup (no ``textmacros``) prints a command there as it is, ``\\text{\\%}`` as "\\%"."""
    for tex, _ in fragments:
        for content in re.findall(r"\\text\{([^}]*)\}", tex):
            assert not re.search(r"[\\{$%&#^~_]", content), (content, tex)


@pytest.mark.parametrize("name", NAMES)
def test_text_inside_math_holds_no_commands(lecture, name):
    result, _ = lecture[name]
    text_inside_math_is_plain(fragments_dollar(result.to_markdown()))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("flavor", ["markdown", "paren", "myst"])
def test_katex_typesets_every_fragment(lecture, name, flavor):
    result, _ = lecture[name]
    if flavor == "markdown":
        fragments = fragments_dollar(result.to_markdown())
    elif flavor == "paren":
        fragments = fragments_paren(result.to_markdown(inline="\\("))
    else:
        fragments = fragments_myst(result.to_myst())
    assert sum(d for _, d in fragments) >= 3 and sum(not d for _, d in fragments) >= 1
    assert katex_errors(fragments) == []


def test_inline_math_uses_the_delimiters_of_each_target(lecture):
    result, _ = lecture["paraboloid-on-line"]
    assert "Maximize $f(x, y)$ subject to $g(x, y) = 0$:" in result.to_markdown()
    paren = result.to_markdown(inline="\\(")
    assert r"Maximize \(f(x, y)\) subject to \(g(x, y) = 0\):" in paren
    assert "\n\\[\n\\begin{aligned}" in paren and "$" not in paren
    myst = result.to_myst()
    assert "Maximize {math}`f(x, y)` subject to {math}`g(x, y) = 0`:" in myst
    assert "```{math}\n\\begin{aligned}" in myst and "$" not in myst


def test_the_solution_s_numbers_are_in_the_export(lecture):
    # the lecture: paraboloid -(x-2)^2 - (y-1)^2 + 10 on x = y has x = y = 3/2, lambda = 1,
    # f = 19/2 (2(2 - x) = lambda = -2(1 - y) with x = y: 4 - 2x = 2x - 2, x = 3/2)
    md = lecture["paraboloid-on-line"][0].to_markdown()
    assert r"x &= \frac{3}{2}, \quad y = \frac{3}{2}, \quad \lambda = 1" in md
    assert r"&= \frac{19}{2}" in md


def test_problem_and_derivation_render_too(lecture):
    problem = lecture_examples()[1].problem
    md = problem.to_markdown()
    assert r"\operatorname*{argmax}_{x,\, y}" in md and md.startswith("$$\n")
    assert katex_errors(fragments_dollar(md)) == []
    derivation = lecture["coin-normalised"][0].derivation
    assert derivation.to_markdown() == lecture["coin-normalised"][0].to_markdown()


def test_an_unknown_flavor_is_refused():
    derivation = lagropt.Derivation()
    with pytest.raises(lagropt.LagroptError, match="unknown Markdown flavor"):
        derivation.to_markdown(inline="[")


# -- user text: escaped, never markup or math ----------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "*bold* _it_ **b**", "$x$ and $$y$$", r"\(z\) \[w\]",
           "[link](javascript:alert(1))", "`code` ``x``", "# heading", "| a | b |", "~~s~~",
           "- item", "1. item", ":::{note}", "&lt; &amp;", "a\nb\r\n\nc", "<img src=x onerror=y>",
           "{math}`x`", "50% & #1 ^_~ {} \\ end\\", "\u202e(javascript:alert(1))",
           "x\x00[y](z)"]


def shown(text: str) -> str:
    """What a reader is to see of ``text``: line breaks and tabs as spaces, a control or
    invisible formatting character as [U+XXXX], the ends stripped (as Markdown strips them)."""
    return "".join(" " if c in "\t\n\r\f\v" else c if c.isprintable() else f"[U+{ord(c):04X}]"
                   for c in text).strip()


def rendered_text(md: str, myst: bool = False):
    """The text markdown-it (or MyST-Parser) finds in ``md``, and the kinds of its tokens."""
    toks = tokens_of(md)
    if myst:
        toks = [t for block in myst_tokens(md) for t in [block, *(block.children or [])]]
    text = "".join(t.content for t in toks if t.type in ("text", "code_inline"))
    return text, {t.type for t in toks}


@pytest.mark.parametrize("title", HOSTILE)
def test_a_hostile_title_is_text_and_nothing_else(title):
    md = lagropt.Derivation().to_markdown(title=title)
    text, kinds = rendered_text(md)
    assert kinds <= {"heading_open", "inline", "text", "heading_close"}, (md, kinds)
    assert text == shown(title), (md, text)
    assert "$" not in md.replace("\\$", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_round_trips_through_a_parser(text):
    md = paragraph(markdown_text(text))
    got, kinds = rendered_text(md)
    assert kinds <= {"paragraph_open", "inline", "text", "paragraph_close", "softbreak"}, kinds
    assert got == shown(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_math_text_typesets_as_the_text(text):
    tex = math_text(text)
    assert not re.search(r"[<>`$]", tex.replace("\\$", ""))
    text_inside_math_is_plain([(tex, False)])
    assert katex_errors([(tex, False)]) == []


class _Prose(HTMLParser):
    """The text of an HTML page outside its math elements (texmath's ``eq`` and ``eqn``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in ("eq", "eqn")

    def handle_endtag(self, tag):
        self.depth -= tag in ("eq", "eqn")

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


def prose_of(md: str) -> str:
    parser = _Prose()
    parser.feed(bracket_parser().render(md))
    return "".join(parser.text)


@pytest.mark.parametrize("title", HOSTILE)
def test_a_page_scanned_whole_finds_no_delimiter_in_the_text(title):
    # MathJax 3 and KaTeX auto-render, left at their defaults, look for \( \[ $$ \begin in
    # the whole page: the text of the inline="\(" export holds none of them, and reads as
    # the title once the invisible word joiners are dropped
    md = lagropt.Derivation().to_markdown(inline="\\(", title=title)
    prose = prose_of(md)
    for delimiter in ("\\(", "\\)", "\\[", "\\]", "$$", "\\begin"):
        assert delimiter not in prose, (title, prose)
    assert prose.replace("\u2060", "").strip() == shown(title)


def test_the_paren_export_s_only_delimiters_are_its_math(lecture):
    result, _ = lecture["kkt"]
    md = result.to_markdown(inline="\\(")
    prose = prose_of(md)
    assert not any(d in prose for d in ("\\(", "\\[", "$$", "\\begin"))
    assert md.count("\\(") == md.count("\\)") == sum(not d for _, d in fragments_paren(md))


@pytest.mark.parametrize("name", ["a<b>", "s$", "q`r", "t&u", "v%w", "k#1", "z|y"])
def test_a_hostile_symbol_name_stays_inside_the_math(name):
    # max -(x - 1)^2 - (s - 2)^2 on x = s: x = s = 3/2 (as tests/test_hostile_documents.py)
    x, s = sp.Symbol("x", real=True), sp.Symbol(name, real=True)
    sol = lagropt.maximize(-(x - 1)**2 - (s - 2)**2, subject_to=[sp.Eq(x, s)]).solve()
    for md, fragments, myst in ((sol.to_markdown(), fragments_dollar, False),
                                (sol.to_myst(), fragments_myst, True)):
        found = fragments(md)
        assert all(not re.search(r"[<>`]", tex) for tex, _ in found)
        text_inside_math_is_plain(found)
        _, kinds = rendered_text(md, myst)
        assert not kinds & {"html_inline", "html_block", "code_inline", "link_open"}, kinds
        assert katex_errors(found) == []


def test_an_ampersand_in_a_name_is_not_an_alignment_point():
    # rows are aligned at their first unescaped & (the Lagrangian's second row drops its left
    # side there); t\\&u's escaped & used to be taken for it, and the row began "&u, ..."
    x, s = sp.Symbol("x", real=True), sp.Symbol("t&u", real=True)
    sol = lagropt.maximize(-(x - 1)**2 - (s - 2)**2, subject_to=[sp.Eq(x, s)]).solve()
    for text in (sol.latex(), sol.latex(linewidth="twocolumn"), sol.to_markdown()):
        assert "t\\&u" in text
        assert not re.search(r"(?<!\\)&u", text)


# -- the command line ----------------------------------------------------------------------------

def cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "lagropt", *args], capture_output=True,
                          text=True, env=env, timeout=600)


def test_cli_md_prints_the_derivation_as_markdown():
    done = cli("solve", "-(x-2)**2 - (y-1)**2 + 10", "--max", "-s", "x = y", "--md",
               "--shadow-prices")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("$$\n") and r"\operatorname*{argmax}" in out
    assert r"x &= \frac{3}{2}, \quad y = \frac{3}{2}, \quad \lambda = 1" in out
    assert "## Shadow prices" in out
    fragments = fragments_dollar(out)
    assert katex_errors(fragments) == []


def test_cli_md_links_the_plot(tmp_path):
    plot = tmp_path / "the plot (1) [x].png"
    done = cli("solve", "x*y", "--max", "-s", "x + y = 2", "--md", "--plot", str(plot))
    assert done.returncode == 0, done.stderr
    assert plot.exists()
    images = [t for t in tokens_of(done.stdout) if t.type == "image"]
    assert len(images) == 1
    from urllib.parse import unquote
    assert unquote(images[0].attrs["src"]) == plot.as_posix()


def test_cli_myst():
    done = cli("solve", "x*y", "--max", "-s", "x + y = 2", "--myst")
    assert done.returncode == 0, done.stderr
    assert "```{math}" in done.stdout and "$" not in done.stdout
    assert katex_errors(fragments_myst(done.stdout)) == []


@pytest.mark.parametrize("other", [["--latex", "out.tex"], ["--json"], ["--myst"]])
def test_cli_md_excludes_the_other_outputs(other, tmp_path):
    done = cli("solve", "x*y", "--max", "-s", "x + y = 2", "--md", *other)
    assert done.returncode == 2
    assert "not allowed with" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.tex").exists()


# -- Jupyter Book's pipeline: Sphinx with MyST-Parser ---------------------------------------------

def test_a_sphinx_myst_build_typesets_both_exports(lecture, tmp_path):
    """Jupyter Book 1 is Sphinx with MyST-Parser (and ``dollarmath`` on): a site of the
    ``to_myst()`` and ``to_markdown()`` exports builds with warnings as errors, and every piece
    of math in its HTML (as Sphinx hands it to MathJax: ``\\[...\\]``, display math of several
    lines inside ``\\begin{split}``) is typeset by KaTeX."""
    pytest.importorskip("sphinx", reason="Sphinx is not installed (pip install '.[test]')")
    pytest.importorskip("myst_parser", reason="myst-parser is not installed (pip install '.[test]')")
    import html

    result, _ = lecture["kkt"]
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser"]\n'
                                 'myst_enable_extensions = ["dollarmath"]\n')
    (src / "index.md").write_text("# Notes\n\n```{toctree}\nmyst\nmarkdown\n```\n")
    (src / "myst.md").write_text(result.to_myst(title="KKT (MyST)"))
    (src / "markdown.md").write_text(result.to_markdown(title="KKT (Markdown)"))
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src),
                           str(tmp_path / "html")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ("myst", "markdown"):
        text = (tmp_path / "html" / f"{page}.html").read_text()
        displays = [html.unescape(m) for m in re.findall(r"\\\[(.*?)\\\]", text, re.S)]
        inlines = [html.unescape(m) for m in re.findall(r"\\\((.*?)\\\)", text, re.S)]
        assert len(displays) == len(latex_blocks(result.latex())) and inlines, page
        assert any(r"\begin{split}" in d for d in displays)
        assert katex_errors([(d, True) for d in displays] + [(i, False) for i in inlines]) == []
