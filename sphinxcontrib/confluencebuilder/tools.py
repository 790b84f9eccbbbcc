"""External tools the builder can draw with, detected once when a build starts.

Equations, diagrams and notebook output reach a Confluence reader as images when the
tools to draw them exist. Every tool is optional:

* math: LaTeX with ``dvipng`` (PNG) or ``dvisvgm`` (SVG) through ``sphinx.ext.imgmath``'s
  functions; else matplotlib's mathtext (the ``mathtext`` extra); else the LaTeX source;
* graphviz and inheritance diagrams: Graphviz' ``dot``; else the DOT source (or a class
  list);
* mermaid diagrams (``sphinxcontrib-mermaid``): the HTML macro when
  ``confluence_mermaid_html_macro`` is set; else the mermaid CLI (``mmdc``); else the
  mermaid source.

:func:`detect` looks once (``builder-inited``, main process, so parallel workers inherit
the answer). The translator reports a missing tool once, at the first document that
needs it, saying what the pages get instead and what to install. Nothing here runs a
tool on content.
"""

from __future__ import annotations

import importlib.util
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: ``sphinx.ext.imgmath``'s options and defaults; registered by :func:`register_imgmath_options`
#: when that extension is not loaded, so ``conf.py`` can tune the images without loading it
#: (loading it would make it the HTML builder's math renderer too)
IMGMATH_DEFAULTS: dict[str, Any] = {
    "imgmath_image_format": "png",
    "imgmath_dvipng": "dvipng",
    "imgmath_dvisvgm": "dvisvgm",
    "imgmath_latex": "latex",
    "imgmath_use_preview": False,
    "imgmath_dvipng_args": ["-gamma", "1.5", "-D", "110", "-bg", "Transparent"],
    "imgmath_dvisvgm_args": ["--no-fonts"],
    "imgmath_latex_args": [],
    "imgmath_latex_preamble": "",
    "imgmath_add_tooltips": True,
    "imgmath_font_size": 12,
}

LATEX_PACKAGES = "LaTeX with dvipng and dvisvgm (Debian: texlive-latex-base, preview-latex-style, dvipng, dvisvgm)"
MATHTEXT_PACKAGE = "matplotlib (pip install 'sphinxcontrib-confluencebuilder[mathtext]')"
GRAPHVIZ_PACKAGE = "Graphviz (Debian: graphviz) or set graphviz_dot"
MERMAID_PACKAGE = "the mermaid CLI (npm install -g @mermaid-js/mermaid-cli) or set confluence_mermaid_html_macro"


@dataclass(frozen=True)
class Toolbox:
    """What this machine offers (paths of found commands, None when missing)."""

    latex: str | None = None
    dvipng: str | None = None
    dvisvgm: str | None = None
    #: LaTeX packages imgmath's template loads that a minimal TeX Live may lack
    anyfontsize: bool = False
    preview: bool = False
    mathtext: bool = False
    dot: str | None = None
    mmdc: str | None = None

    def imgmath_ready(self, image_format: str) -> bool:
        """Whether ``sphinx.ext.imgmath``'s commands exist for this image format."""
        converter = self.dvisvgm if image_format == "svg" else self.dvipng
        return bool(self.latex and converter)


def register_imgmath_options(app: Any, config: Any) -> None:
    """``config-inited`` (late): add imgmath's options that no extension registered."""
    for name, default in IMGMATH_DEFAULTS.items():
        if name not in config:
            config.add(name, default, "env", ())


def _which(command: Any) -> str | None:
    if not command:
        return None
    return shutil.which(str(command))


def _tex_has(kpsewhich: str | None, filename: str) -> bool:
    if kpsewhich is None:
        return False
    try:
        result = subprocess.run([kpsewhich, filename], capture_output=True, timeout=30,
                                check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


def _mermaid_command(config: Any) -> str | None:
    """The program of ``mermaid_cmd`` (a command line or a list)."""
    value = getattr(config, "mermaid_cmd", None) or "mmdc"
    parts = shlex.split(value) if isinstance(value, str) else [str(v) for v in value]
    return parts[0] if parts else None


def detect(config: Any) -> Toolbox:
    """Look for every tool once (``shutil.which``; ``kpsewhich`` for LaTeX packages)."""
    latex = _which(getattr(config, "imgmath_latex", "latex"))
    kpsewhich = _which("kpsewhich") if latex else None
    return Toolbox(
        latex=latex,
        dvipng=_which(getattr(config, "imgmath_dvipng", "dvipng")),
        dvisvgm=_which(getattr(config, "imgmath_dvisvgm", "dvisvgm")),
        anyfontsize=_tex_has(kpsewhich, "anyfontsize.sty"),
        preview=_tex_has(kpsewhich, "preview.sty"),
        mathtext=importlib.util.find_spec("matplotlib") is not None,
        dot=_which(getattr(config, "graphviz_dot", None) or "dot"),
        mmdc=_which(_mermaid_command(config)),
    )


def toolbox_of(builder: Any) -> Toolbox:
    """The builder's toolbox (detected on first use if ``builder-inited`` did not run)."""
    found = getattr(builder, "_confluence_toolbox", None)
    if found is None:
        found = detect(builder.config)
        builder._confluence_toolbox = found
    return found


def math_plan(config: Any, tools: Toolbox) -> str:
    """How equations are published: 'macro', 'mathjax', 'imgmath', 'mathtext' or 'source'."""
    if getattr(config, "confluence_latex_macro", None):
        return "macro"
    if getattr(config, "confluence_mathjax", False):
        return "mathjax"
    image_format = str(getattr(config, "imgmath_image_format", "png")).lower()
    if tools.imgmath_ready(image_format):
        return "imgmath"
    if tools.mathtext:
        return "mathtext"
    return "source"


def summary(tools: Toolbox, config: Any) -> str:
    """One line naming what was found, for ``-v`` builds."""
    found = {
        "latex": tools.latex, "dvipng": tools.dvipng, "dvisvgm": tools.dvisvgm,
        "matplotlib": tools.mathtext, "dot": tools.dot, "mmdc": tools.mmdc,
    }
    have = ", ".join(name for name, value in found.items() if value) or "none"
    missing = ", ".join(name for name, value in found.items() if not value) or "none"
    return f"tools found: {have}; missing: {missing}; math published as {math_plan(config, tools)}"


def on_builder_inited(app: Any) -> None:
    """``builder-inited``: detect the tools once, in the main process. What is missing is
    reported once, at the first document that needs it (``translator.early_notices``)."""
    builder = app.builder
    if getattr(builder, "format", None) != "confluence_storage":
        return
    tools = detect(app.config)
    builder._confluence_toolbox = tools
    logger.verbose("confluence: %s", summary(tools, app.config))


def register(app: Any) -> None:
    """Hook tool detection into a Sphinx application (called from ``setup``).

    imgmath's options are added now when the project does not list ``sphinx.ext.imgmath``
    (so ``-D imgmath_...`` overrides are known), else after every extension is loaded."""
    if "sphinx.ext.imgmath" not in (getattr(app.config, "extensions", None) or ()):
        register_imgmath_options(app, app.config)
    app.connect("config-inited", register_imgmath_options, priority=900)
    app.connect("builder-inited", on_builder_inited)


__all__ = ["IMGMATH_DEFAULTS", "Toolbox", "detect", "math_plan", "register", "toolbox_of"]
