"""Mermaid diagrams (``sphinxcontrib-mermaid``'s ``mermaid`` node), three ways:

* ``confluence_mermaid_html_macro = True``: the diagram goes into Confluence's HTML
  macro (``confluence_html_macro``, default ``html``) as a ``<pre class="mermaid">`` and
  the mermaid script (``mermaid_use_local`` or the CDN release ``mermaid_version``), so
  the browser draws it. The instance must have the HTML macro enabled.
* else, when the mermaid CLI (``mermaid_cmd``, default ``mmdc``) exists: drawn to PNG,
  or SVG when ``mermaid_output_format`` is ``'svg'``, attached, and cached under the
  doctree directory by a hash of the code, the command and the format. The CLI runs a
  headless browser; a failure is reported for that diagram.
* else the mermaid source in a ``code`` macro, with one ``confluence.mermaid`` warning per
  build (given from the main process, see ``notice_mermaid_early``).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..storage import end_tag, escape, macro_end, macro_start, plain_text_body, start_tag
from ..tools import MERMAID_PACKAGE, toolbox_of
from .base import warn_at
from .math_blocks import build_memory
from .svg import fix_svg

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object

CACHE_DIR = "confluence-mermaid"
MMDC_TIMEOUT = 180
MERMAID_CDN = "https://cdn.jsdelivr.net/npm/mermaid@{version}/dist/mermaid.esm.min.mjs"


class MermaidFailed(Exception):
    """The mermaid CLI did not produce an image."""


def _command(config: Any) -> list[str]:
    value = getattr(config, "mermaid_cmd", None) or "mmdc"
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def output_format(config: Any) -> str:
    value = str(getattr(config, "mermaid_output_format", None) or "png").lower()
    return "svg" if value == "svg" else "png"


def render_mermaid(code: str, config: Any, cache: Path) -> Path:
    """Draw mermaid code with the CLI into ``cache`` (reused when already there)."""
    image_format = output_format(config)
    command = _command(config) + [str(p) for p in getattr(config, "mermaid_params", None) or ()]
    key = hashlib.sha256("\0".join([code, image_format, *command]).encode()).hexdigest()[:32]
    target = cache / f"mermaid-{key}.{image_format}"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        source, out = Path(work, "diagram.mmd"), Path(work, f"diagram.{image_format}")
        source.write_text(code, encoding="utf-8")
        try:
            result = subprocess.run([*command, "-i", str(source), "-o", str(out)],
                                    capture_output=True, timeout=MMDC_TIMEOUT, check=False)
        except OSError as exc:
            raise MermaidFailed(f"{command[0]!r} cannot be run: {exc.strerror or exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise MermaidFailed(f"no result after {MMDC_TIMEOUT} s") from exc
        if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            lines = result.stderr.decode(errors="replace").strip().splitlines()
            raise MermaidFailed(lines[0] if lines else f"exit status {result.returncode}")
        if image_format == "svg":
            out.write_bytes(fix_svg(out.read_bytes()))
        os.replace(out, target)
    return target


class MermaidMixin(_Base):
    """Translator method for the ``mermaid`` node (see the module docstring)."""

    def visit_mermaid(self, node: nodes.Element) -> None:
        code = str(node.get("code", ""))
        if self.option("confluence_mermaid_html_macro", False):
            self.body.append(self.anchors_for(node) + self._mermaid_html(code))
            raise nodes.SkipNode
        filename = self._mermaid_image(node, code)
        if filename is not None:
            align = node.get("align")
            image = (
                start_tag("ac:image", {"ac:align": align if align in ("left", "center", "right")
                                       else None, "ac:alt": node.get("alt")})
                + start_tag("ri:attachment", {"ri:filename": filename}, empty=True)
                + end_tag("ac:image")
            )
            self.body.append(self.anchors_for(node) + start_tag("p") + image + end_tag("p"))
        else:
            self.body.append(self.anchors_for(node) + macro_start("code", {"language": "none"})
                             + plain_text_body(code) + macro_end())
        raise nodes.SkipNode

    def _mermaid_html(self, code: str) -> str:
        local = self.option("mermaid_use_local", "")
        version = self.option("mermaid_version", None) or "11"
        script = local or MERMAID_CDN.format(version=version)
        html = (
            f'<pre class="mermaid">{escape(code)}</pre>\n'
            f'<script type="module">import mermaid from "{script}"; '
            "mermaid.initialize({startOnLoad: true});</script>"
        )
        name = self.option("confluence_html_macro", "html") or "html"
        return macro_start(str(name)) + plain_text_body(html) + macro_end()

    def _mermaid_image(self, node: nodes.Element, code: str) -> str | None:
        if "ext-sphinxcontrib.mermaid" in (self.option("confluence_adv_restricted") or ()):
            return None  # confluence_adv_restricted: the diagram stays source, as asked
        if toolbox_of(self.builder).mmdc is None:
            notice_mermaid(self.builder, node)
            return None
        try:
            hack = self.option("confluence_adv_win32_imgmath_hack")  # on the output volume
            cache = Path(self.builder.outdir if hack else self.builder.doctreedir) / CACHE_DIR
            image = render_mermaid(code, self.config, cache)
        except MermaidFailed as exc:
            self.warn(f"the mermaid CLI could not draw this diagram ({exc}); it is published "
                      "as its source", node, subtype="mermaid")
            return None
        return self.add_attachment(image)


MERMAID_NOTICE = (f"mermaid diagrams are published as their source: the mermaid CLI was not "
                  f"found (install {MERMAID_PACKAGE})")


def notice_mermaid(builder: Any, node: nodes.Node) -> None:
    """The once-per-build warning that mermaid diagrams stay source."""
    seen = build_memory(builder, "_confluence_mermaid_noticed")
    if not seen:
        seen.add("noticed")
        warn_at(MERMAID_NOTICE, node, "mermaid")


def notice_mermaid_early(builder: Any, doctree: nodes.document) -> None:
    """Give the notice from the main process at the first mermaid node that needs it."""
    if getattr(builder.config, "confluence_mermaid_html_macro", False):
        return
    if toolbox_of(builder).mmdc is not None:
        return
    node = next(iter(doctree.findall(lambda n: type(n).__name__ == "mermaid")), None)
    if node is not None:
        notice_mermaid(builder, node)


__all__ = ["MermaidMixin", "notice_mermaid_early", "render_mermaid"]
