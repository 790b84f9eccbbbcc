"""Graphviz diagrams: ``graphviz`` and ``inheritance_diagram`` (``sphinx.ext`` nodes).

Confluence cannot render DOT, so a diagram is rendered to PNG, or SVG when
``graphviz_output_format`` is ``'svg'``, by the ``dot`` command (``graphviz_dot`` and
``graphviz_dot_args`` of ``sphinx.ext.graphviz``) and attached to the page. An SVG is
fixed up for Confluence (``svg.fix_svg``: XML declaration, pixel size from the
``viewBox``, links removed). Clickable image maps (``URL`` attributes) have no place in
an attached image: no map is made, and an SVG loses its links. The image is cached
under the doctree directory by a hash of the DOT code, the command and the format, so
rebuilds and parallel workers reuse it.

Without a usable ``dot`` the content is kept as text: a ``graphviz`` diagram becomes a
``code`` macro holding its DOT source, an inheritance diagram a bullet list of its
classes (linked when they resolve). One ``confluence.graphviz`` warning per build
says so; a ``dot`` that fails on a diagram is reported for that diagram.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..storage import end_tag, escape, macro_end, macro_start, plain_text_body, start_tag
from ..tools import GRAPHVIZ_PACKAGE
from .base import warn_at
from .math_blocks import build_memory
from .svg import fix_svg

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object

#: sub-directory of the doctree directory holding rendered diagrams
CACHE_DIR = "confluence-graphviz"
DOT_TIMEOUT = 120


class DotUnavailable(Exception):
    """The ``dot`` command cannot be run at all."""


class DotFailed(Exception):
    """``dot`` ran but did not produce an image."""


def render_image(code: str, dot: str, dot_args: list[str], cache: Path, cwd: Path,
                 image_format: str = "png") -> Path:
    """Render DOT code to a PNG or SVG in ``cache`` (reused when already there)."""
    parts = [code, dot, *dot_args] + ([image_format] if image_format != "png" else [])
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    target = cache / f"graphviz-{key}.{image_format}"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix="." + image_format, dir=cache)
    os.close(fd)
    try:
        try:
            result = subprocess.run(
                [dot, *dot_args, f"-T{image_format}", f"-o{tmp}"],
                input=code.encode(),
                capture_output=True,
                cwd=cwd if cwd.is_dir() else None,
                timeout=DOT_TIMEOUT,
                check=False,
            )
        except OSError as exc:
            raise DotUnavailable(str(exc.strerror or exc)) from exc
        except subprocess.TimeoutExpired as exc:
            raise DotFailed(f"no result after {DOT_TIMEOUT} s") from exc
        if result.returncode != 0 or os.path.getsize(tmp) == 0:
            stderr = result.stderr.decode(errors="replace").strip()
            raise DotFailed(stderr or f"exit status {result.returncode}")
        if image_format == "svg":
            Path(tmp).write_bytes(fix_svg(Path(tmp).read_bytes()))
        os.replace(tmp, target)
        return target
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class DiagramsMixin(_Base):
    """Translator methods for graphviz nodes (see the module docstring)."""

    def _render_diagram(self, node: nodes.Element, code: str) -> str | None:
        """Attachment name of the rendered diagram, or None (reported) when not possible."""
        restricted = self.option("confluence_adv_restricted") or ()
        if f"ext-{type(node).__name__}" in restricted:
            return None  # confluence_adv_restricted: published as text, as without dot
        dot = dot_command(self.config, node)
        dot_args = [str(a) for a in self.option("graphviz_dot_args", None) or ()]
        unavailable = build_memory(self.builder, "_confluence_dot_unavailable")
        if dot in unavailable:
            return None
        # confluence_adv_win32_imgmath_hack: rendered images (and their temporary files)
        # stay on the volume of the output directory
        hack = self.option("confluence_adv_win32_imgmath_hack")
        cache = Path(self.builder.outdir if hack else self.builder.doctreedir) / CACHE_DIR
        source = node.get("source") or self.builder.env.doc2path(self.docname)
        try:
            image = render_image(code, dot, dot_args, cache, Path(source).parent,
                                 output_format(self.config))
        except DotUnavailable as exc:
            unavailable.add(dot)
            warn_at(_unavailable_message(dot, str(exc)), node, "graphviz")
            return None
        except DotFailed as exc:
            self.warn(f"dot could not render this diagram: {exc}", node, subtype="graphviz")
            return None
        return self.add_attachment(image)

    def _diagram_image(self, node: nodes.Element, filename: str) -> str:
        align = node.get("align")
        values: dict[str, object] = {
            "ac:align": align if align in ("left", "center", "right") else None,
            "ac:alt": node.get("alt"),
        }
        image = (
            start_tag("ac:image", values)
            + start_tag("ri:attachment", {"ri:filename": filename}, empty=True)
            + end_tag("ac:image")
        )
        if isinstance(node.parent, nodes.TextElement):
            return image
        return self.anchors_for(node) + start_tag("p") + image + end_tag("p")

    def visit_graphviz(self, node: nodes.Element) -> None:
        code = str(node.get("code", ""))
        filename = self._render_diagram(node, code)
        if filename is not None:
            self.body.append(self._diagram_image(node, filename))
        else:
            out = [self.anchors_for(node)]
            if node.get("alt"):
                out.append(start_tag("p") + escape(str(node["alt"])) + end_tag("p"))
            out.append(macro_start("code", {"language": "none"}))
            out.append(plain_text_body(code) + macro_end())
            self.body.append("".join(out))
        raise nodes.SkipNode

    def visit_inheritance_diagram(self, node: nodes.Element) -> None:
        graph = node.get("graph")
        filename = None
        if graph is not None:
            name = "inheritance" + hashlib.sha256(str(node.get("content")).encode()).hexdigest()
            code = graph.generate_dot(name[:24], {}, env=self.builder.env)
            filename = self._render_diagram(node, code)
        if filename is not None:
            self.body.append(self._diagram_image(node, filename))
        else:
            # the children are the (resolved) references to the classes of the diagram
            items = "".join(f"<li>{self.render_node(child)}</li>" for child in node.children)
            self.body.append(self.anchors_for(node) + (f"<ul>{items}</ul>" if items else ""))
        raise nodes.SkipNode


def output_format(config: Any) -> str:
    """``graphviz_output_format``: 'svg' or 'png' (anything else draws a PNG)."""
    value = str(getattr(config, "graphviz_output_format", None) or "png").lower()
    return "svg" if value == "svg" else "png"


def dot_command(config: Any, node: nodes.Element) -> str:
    """The ``dot`` command for a diagram (its ``layout`` option, else ``graphviz_dot``)."""
    options: dict[str, Any] = node.get("options") or {}
    return str(options.get("graphviz_dot") or getattr(config, "graphviz_dot", None) or "dot")


def _unavailable_message(dot: str, reason: str) -> str:
    return (
        f"graphviz diagrams are published as text: the dot command {dot!r} cannot be run "
        f"({reason}); install {GRAPHVIZ_PACKAGE}"
    )


def notice_dot_early(builder: Any, doctree: nodes.document) -> None:
    """Report a ``dot`` that cannot be found once per build, from the main process
    (see ``math_blocks.notice_math_early``): parallel workers forked afterwards know
    the command is unavailable and neither retry nor repeat the warning."""
    unavailable = build_memory(builder, "_confluence_dot_unavailable")
    for node in doctree.findall(_is_diagram):
        dot = dot_command(builder.config, node)
        if dot not in unavailable and shutil.which(dot) is None:
            unavailable.add(dot)
            warn_at(_unavailable_message(dot, "not found"), node, "graphviz")


def _is_diagram(node: nodes.Node) -> bool:
    return any(cls.__name__ == "graphviz" for cls in type(node).__mro__)


__all__ = ["DiagramsMixin", "notice_dot_early", "output_format", "render_image"]
