"""External drawing tools for the math and diagram tests: skip marks that print what to
install, and ways to make a tool look absent."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import Any

import pytest

DEBIAN_LATEX = "apt-get install texlive-latex-base preview-latex-style dvipng dvisvgm"


def _tex_has(name: str) -> bool:
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return False
    found = subprocess.run([kpsewhich, name], capture_output=True, check=False)
    return found.returncode == 0 and bool(found.stdout.strip())


HAVE_LATEX = bool(shutil.which("latex") and shutil.which("dvipng"))
HAVE_DVISVGM = HAVE_LATEX and bool(shutil.which("dvisvgm"))
HAVE_PREVIEW = HAVE_LATEX and _tex_has("preview.sty")
try:
    import matplotlib  # noqa: F401

    HAVE_MATPLOTLIB = True
except ImportError:
    HAVE_MATPLOTLIB = False
HAVE_DOT = shutil.which("dot") is not None

needs_latex = pytest.mark.skipif(
    not HAVE_LATEX, reason=f"LaTeX with dvipng is not installed ({DEBIAN_LATEX})")
needs_dvisvgm = pytest.mark.skipif(
    not HAVE_DVISVGM, reason=f"LaTeX with dvisvgm is not installed ({DEBIAN_LATEX})")
needs_preview = pytest.mark.skipif(
    not HAVE_PREVIEW, reason=f"the LaTeX preview package is not installed ({DEBIAN_LATEX})")
needs_matplotlib = pytest.mark.skipif(
    not HAVE_MATPLOTLIB,
    reason="matplotlib is not installed (pip install 'sphinxcontrib-confluencebuilder[mathtext]')")
needs_dot = pytest.mark.skipif(
    not HAVE_DOT, reason="Graphviz dot is not installed (apt-get install graphviz)")

#: configuration that makes LaTeX look absent (the command does not exist)
NO_LATEX = {"imgmath_latex": "no-such-latex-command"}


def hide_matplotlib(monkeypatch: Any) -> None:
    """Make matplotlib look uninstalled for this test (imports of it fail)."""
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HAVE_MMDC = bool(shutil.which("mmdc") and CHROMIUM)
needs_mmdc = pytest.mark.skipif(
    not HAVE_MMDC,
    reason="the mermaid CLI or Chromium is not installed (apt-get install chromium; "
    "PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @mermaid-js/mermaid-cli)")


def puppeteer_config(folder: Any) -> str:
    """A puppeteer configuration for mmdc that uses the distribution's Chromium (no
    browser download) without its sandbox (tests may run as root)."""
    import json

    path = folder / "puppeteer.json"
    path.write_text(json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox"]}),
                    encoding="utf-8")
    return str(path)
