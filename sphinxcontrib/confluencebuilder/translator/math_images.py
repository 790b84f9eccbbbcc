"""Equations drawn to image files, cached by a hash of what was drawn.

Two drawers, picked by ``tools.math_plan``:

* ``imgmath``: LaTeX and ``dvipng`` (PNG) or ``dvisvgm`` (SVG) through the functions of
  ``sphinx.ext.imgmath`` (its template, ``imgmath_*`` options and the project's
  ``templates_path``). The ``preview`` LaTeX package, when installed, gives the depth
  below the baseline so inline equations sit on the line. A minimal TeX Live lacks
  ``anyfontsize``, which imgmath's template loads: then a copy of the template without
  it is used (the default 12 pt size is a standard LaTeX size anyway).
* ``mathtext``: matplotlib's mathtext, pure Python, a subset of LaTeX.

An image lives in ``<doctreedir>/confluence-math/math-<hash>.<png|svg>``; the hash
covers the LaTeX document (or the mathtext expression), the format and the drawing
options, so an unchanged equation is never drawn twice and its attachment keeps its
name and content across builds. Files are written under a temporary name and renamed,
so parallel writers cannot see half an image. The depth is kept in the file (a PNG
text chunk or a trailing SVG comment, as imgmath does).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..tools import IMGMATH_DEFAULTS, Toolbox, math_plan
from .svg import fix_svg

CACHE_DIR = "confluence-math"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: mathtext's resolution for PNG (imgmath's default ``-D 110``)
MATHTEXT_DPI = 110


class MathUndrawable(Exception):
    """The drawer cannot draw this equation; the message says why."""


@dataclass(frozen=True)
class MathImage:
    path: Path
    #: pixels of the image below the text baseline (None when unknown)
    depth: int | None


class MathRenderer:
    """Draws equations for one build (see the module docstring)."""

    def __init__(self, builder: Any, tools: Toolbox) -> None:
        config = builder.config
        self.plan = math_plan(config, tools)
        self.format = str(getattr(config, "imgmath_image_format", "png")).lower()
        if self.format not in ("png", "svg"):
            self.format = "png"
        # confluence_adv_win32_imgmath_hack: images and their temporary files stay on the
        # volume of the output directory
        hack = getattr(config, "confluence_adv_win32_imgmath_hack", False)
        self.cache = Path(builder.outdir if hack else builder.doctreedir) / CACHE_DIR
        self.confdir = Path(builder.confdir)
        self.tools = tools
        self.imgmath = _imgmath_config(config, tools)
        self.hits = 0
        self.drawn = 0

    @property
    def draws(self) -> bool:
        return self.plan in ("imgmath", "mathtext")

    def inline(self, latex: str) -> MathImage:
        if self.plan == "imgmath":
            return self._imgmath("$" + latex + "$")
        return self._mathtext(latex)

    def block(self, latex: str, nowrap: bool) -> list[MathImage]:
        """Images of a display block: one for imgmath, one per equation for mathtext
        (blank lines separate equations in a ``math`` directive)."""
        if self.plan == "imgmath":
            from sphinx.util.math import wrap_displaymath

            return [self._imgmath(latex if nowrap else wrap_displaymath(latex, None, False))]
        parts = [part.strip() for part in latex.split("\n\n") if part.strip()]
        return [self._mathtext(part) for part in parts]

    # -- the cache -------------------------------------------------------------------

    def _target(self, key_text: str) -> Path:
        key = hashlib.sha256(key_text.encode()).hexdigest()[:24]
        return self.cache / f"math-{key}.{self.format}"

    def _cached(self, target: Path) -> MathImage | None:
        if not target.is_file():
            return None
        self.hits += 1
        return MathImage(target, _read_depth(target))

    def _temporary(self) -> Path:
        self.cache.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix="." + self.format, dir=self.cache)
        os.close(fd)
        return Path(name)

    def _store(self, tmp: Path, target: Path) -> MathImage:
        if self.format == "svg":
            data = tmp.read_bytes()
            tmp.write_bytes(fix_svg(data))
        os.replace(tmp, target)
        self.drawn += 1
        return MathImage(target, _read_depth(target))

    # -- imgmath -----------------------------------------------------------------------

    def _imgmath(self, math: str) -> MathImage:
        from sphinx.ext import imgmath

        cfg: Any = self.imgmath  # imgmath's functions read only these attributes
        document = self._latex_document(math)
        converter_args = cfg.imgmath_dvisvgm_args if self.format == "svg" else cfg.imgmath_dvipng_args
        target = self._target("\0".join(["imgmath", self.format, document, *map(str, converter_args)]))
        found = self._cached(target)
        if found is not None:
            return found
        try:
            dvi = _compile_math(imgmath, document, cfg)
        except imgmath.MathExtError as exc:
            raise MathUndrawable(f"LaTeX failed: {_latex_error(str(exc))}") from None
        except imgmath.InvokeError:
            raise MathUndrawable(f"the LaTeX command {cfg.imgmath_latex!r} cannot be run") from None
        tmp = self._temporary()
        try:
            _convert_dvi(imgmath, self.format, dvi, tmp, cfg)
            return self._store(tmp, target)
        except (imgmath.MathExtError, imgmath.InvokeError) as exc:
            raise MathUndrawable(f"converting LaTeX output failed: {_latex_error(str(exc))}") from None
        finally:
            tmp.unlink(missing_ok=True)
            shutil.rmtree(Path(dvi).parent, ignore_errors=True)

    def _latex_document(self, math: str) -> str:
        """imgmath's LaTeX document for ``math`` (``imgmath.generate_latex_macro`` does the
        same but hands a path object to Jinja, which Sphinx 9 rejects for project
        templates)."""
        from sphinx.ext.imgmath import templates_path
        from sphinx.util.template import LaTeXRenderer

        cfg = self.imgmath
        name = "preview.tex" if cfg.imgmath_use_preview else "template.tex"
        variables = {
            "fontsize": cfg.imgmath_font_size,
            "baselineskip": round(cfg.imgmath_font_size * 1.2),
            "preamble": cfg.imgmath_latex_preamble,
            "tightpage": "" if self.format == "png" else ",dvips,tightpage",
            "math": math,
        }
        for folder in [*cfg.templates_path, str(templates_path)]:
            for suffix in (".jinja", "_t"):
                template = self.confdir / folder / (name + suffix)
                if template.is_file():
                    return LaTeXRenderer([str(template.parent)]).render(template.name, variables)
        raise MathUndrawable(f"no imgmath template {name} found")  # pragma: no cover

    # -- mathtext ------------------------------------------------------------------------

    def _mathtext(self, latex: str) -> MathImage:
        size = int(self.imgmath.imgmath_font_size)
        text = "$" + " ".join(latex.split()) + "$"
        target = self._target("\0".join(["mathtext", self.format, str(size), text]))
        found = self._cached(target)
        if found is not None:
            return found
        tmp = self._temporary()
        try:
            depth = draw_mathtext(text, tmp, self.format, size)
            _write_depth(tmp, self.format, depth)
            return self._store(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def draw_mathtext(text: str, path: Path, image_format: str, size: int) -> int:
    """Draw ``$...$`` with matplotlib's mathtext; the depth below the baseline in pixels."""
    try:
        from matplotlib import rc_context
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties
        from matplotlib.mathtext import MathTextParser
    except ImportError as exc:  # detected at build start; gone since
        raise MathUndrawable("matplotlib is not installed") from exc
    prop = FontProperties(size=size)
    try:
        width, height, depth, _, _ = MathTextParser("path").parse(text, dpi=72, prop=prop)
    except ValueError as exc:
        raise MathUndrawable(f"mathtext cannot draw it ({_parse_error(str(exc))})") from None
    figure = Figure(figsize=(max(width, 1) / 72.0, max(height, 1) / 72.0))
    figure.text(0, depth / max(height, 1), text, fontproperties=prop)
    # no date and fixed ids: the same equation always gives the same bytes
    metadata = {"Date": None} if image_format == "svg" else {}
    with rc_context({"svg.hashsalt": "confluence-math"}):
        figure.savefig(path, dpi=MATHTEXT_DPI, format=image_format, transparent=True,
                       metadata=metadata)
    scale = MATHTEXT_DPI / 72.0 if image_format == "png" else 96 / 72.0
    return round(depth * scale)


def _imgmath_config(config: Any, tools: Toolbox) -> SimpleNamespace:
    """imgmath's options as its functions read them, adjusted to the installed LaTeX:
    the ``preview`` package gives the baseline depth; without ``anyfontsize`` our copy of
    the template (after the project's ``templates_path``) leaves it out."""
    values = {name: getattr(config, name, default) for name, default in IMGMATH_DEFAULTS.items()}
    values["imgmath_use_preview"] = tools.preview
    templates = list(getattr(config, "templates_path", None) or [])
    if not tools.anyfontsize:
        templates.append(str(TEMPLATES / "imgmath-lean"))
    values["templates_path"] = templates
    return SimpleNamespace(**values)


def _parse_error(text: str) -> str:
    """mathtext's complaint without the parser's position noise."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = lines[-1] if lines else "parse error"
    last = last.split(": ", 1)[1] if last.startswith("Parse") and ": " in last else last
    return last.split(", found ")[0].split("  (at char")[0]


def _latex_error(text: str) -> str:
    """The first LaTeX error line (``! ...``) of a failure report, else its first line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("!"):
            return line
    return lines[0] if lines else "unknown error"


def _write_depth(path: Path, image_format: str, depth: int) -> None:
    from sphinx.ext.imgmath import write_svg_depth
    from sphinx.util.png import write_png_depth

    if image_format == "svg":
        write_svg_depth(path, depth)
    else:
        write_png_depth(str(path), depth)


def _read_depth(path: Path) -> int | None:
    from sphinx.ext.imgmath import read_svg_depth
    from sphinx.util.png import read_png_depth

    if path.suffix == ".svg":
        return read_svg_depth(path)
    return read_png_depth(str(path))


def math_renderer(builder: Any) -> MathRenderer:
    """The builder's renderer (one per build; forked workers inherit it)."""
    from ..tools import toolbox_of

    found = getattr(builder, "_confluence_math_renderer", None)
    if found is None:
        found = MathRenderer(builder, toolbox_of(builder))
        builder._confluence_math_renderer = found
    return found


__all__ = ["CACHE_DIR", "MathImage", "MathRenderer", "MathUndrawable", "math_renderer"]


# -- imgmath's functions take the configuration since Sphinx 8.1, a builder before ------


def _takes_builder(function: Any) -> bool:
    import inspect

    return "builder" in inspect.signature(function).parameters


def _compile_math(imgmath: Any, document: str, cfg: Any) -> Any:
    if _takes_builder(imgmath.compile_math):
        # Sphinx 8.0: only ``builder.config`` and a temporary folder are used
        return imgmath.compile_math(document, SimpleNamespace(config=cfg))
    return imgmath.compile_math(document, config=cfg)


def _convert_dvi(imgmath: Any, fmt: str, dvi: Any, out: Path, cfg: Any) -> None:
    convert = imgmath.convert_dvi_to_svg if fmt == "svg" else imgmath.convert_dvi_to_png
    if _takes_builder(convert):
        convert(str(dvi), SimpleNamespace(config=cfg), str(out))
    else:
        convert(dvi, out, config=cfg)
