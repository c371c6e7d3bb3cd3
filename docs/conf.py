"""Sphinx configuration for the lagropt user guide and API reference."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "lagropt"
author = "the lagropt developers"
copyright = "2026, the lagropt developers"  # noqa: A001 - Sphinx's name

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "show-inheritance": False}
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
doctest_global_setup = """
import sympy as sp
import numpy as np
import lagropt
"""
nitpicky = False
suppress_warnings = ["myst.header"]


def _escape_bars(app, what, name, obj, options, lines):
    """Docstrings write |x| and ||beta|| as mathematicians do; reStructuredText would read the
    bars as substitutions. Escape them outside ``inline literals``."""
    import re

    for k, line in enumerate(lines):
        parts = re.split(r"(``.*?``)", line)
        lines[k] = "".join(p if p.startswith("``") else re.sub(r"(?<!\\)\|", r"\\|", p)
                           for p in parts)


def setup(app):
    app.connect("autodoc-process-docstring", _escape_bars)
