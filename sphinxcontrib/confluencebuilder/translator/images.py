"""Images and figures: local files become page attachments, remote ones ``ri:url``.

A local SVG is attached as a fixed-up copy (``svg.fix_svg``: XML declaration, pixel
size, the requested width/height/scale baked in), kept under the doctree directory
with its own file name; the image then carries no size attributes, which break an
attached SVG in Confluence.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

from ..storage import element, end_tag, escape, start_tag
from .svg import fix_svg, svg_size

if TYPE_CHECKING:
    from .base import TranslatorBase

    _Base = TranslatorBase
else:
    _Base = object

#: pixels per unit (CSS reference pixel: 96 per inch)
UNIT_PX = {
    "": 1.0,
    "px": 1.0,
    "pt": 96 / 72,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "em": 14.0,  # as the existing extension counts it
    "ex": 8.0,
}
#: page content width used to turn a percentage into pixels
CONTENT_WIDTH_PX = 760
#: sub-directory of the doctree directory holding fixed-up SVG copies
SVG_CACHE_DIR = "confluence-svg"
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([a-z%]*)\s*$")


def length_to_px(value: str | None, reference: float = CONTENT_WIDTH_PX) -> int | None:
    """A reST length (``200``, ``3em``, ``50%``, ``2.5cm``) in whole pixels, or None."""
    if not value:
        return None
    match = _LENGTH.match(str(value))
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit == "%":
        return max(round(reference * number / 100), 1)
    factor = UNIT_PX.get(unit)
    if factor is None:
        return None
    return max(round(number * factor), 1)


def _percent(value: str | None) -> str | None:
    """The number of a percentage length (``50%`` gives ``50``), else None."""
    match = _LENGTH.match(str(value or ""))
    return match.group(1) if match and match.group(2) == "%" else None


def _percent_div(percent: str, markup: str) -> str:
    style = f"display: inline-block;width: {percent}%;"
    return start_tag("div", {"style": style}) + markup + end_tag("div")


def _image_size(path: str) -> tuple[int, int] | None:
    try:
        import imagesize
    except ImportError:  # pragma: no cover - Sphinx depends on it
        return None
    try:
        width, height = imagesize.get(path)
    except (OSError, ValueError):
        return None
    return (width, height) if width > 0 and height > 0 else None


def _is_remote(uri: str) -> bool:
    return "://" in uri or uri.startswith("//")


def _reported_by_sphinx(node: nodes.image) -> bool:
    """Whether Sphinx already warned that this image is missing: its image collector
    checks every candidate file it recorded (``image file not readable``), and the
    builder's ``post_process_images`` reports a glob (``image.*``) it found no file for."""
    candidates = node.get("candidates") or {}
    if "?" in candidates:  # remote, or not seen by the collector
        return False
    return node.get("uri") in candidates.values() or "*" not in candidates


class ImagesMixin(_Base):
    """``image``, ``figure``, ``caption`` and ``legend``."""

    #: ids of image nodes already found missing in this document
    _missing_images: set[int]

    def _image_source(self, node: nodes.image) -> tuple[str, str] | None:
        """('url', value) or ('attachment', filename); None when the file is missing.

        A missing file is reported once: not at all when Sphinx already reported it
        while reading (``image file not readable``), and only on the first call for a
        node (a v2 figure tries its image before the image itself is visited).
        """
        uri = node.get("uri", "")
        if _is_remote(uri):
            return "url", uri
        path = self.relative_source_path(uri)
        if not os.path.isfile(path):
            if id(node) not in self._missing_images and not _reported_by_sphinx(node):
                self.warn(
                    f"image file not found: {uri!r}; the page shows its alternate text instead",
                    node,
                    subtype="missing-image",
                )
            self._missing_images.add(id(node))
            return None
        if path.lower().endswith(".svg"):
            path = self._fixed_svg(node, path)
        return "attachment", self.add_attachment(path)

    def _fixed_svg(self, node: nodes.image, path: str) -> str:
        """A copy of an SVG fixed up for Confluence with the requested size baked in."""
        try:
            data = Path(path).read_bytes()
        except OSError:
            return path
        width, height = length_to_px(node.get("width")), length_to_px(node.get("height"))
        scale = node.get("scale")
        if scale:
            natural = svg_size(data)
            if width is None and height is None and natural is not None:
                width, height = natural
            width = round(width * scale / 100) if width else None
            height = round(height * scale / 100) if height else None
        fixed = fix_svg(data, width, height)
        key = hashlib.sha256(fixed).hexdigest()[:16]
        target = Path(self.builder.doctreedir) / SVG_CACHE_DIR / key / os.path.basename(path)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(fixed)
            os.replace(tmp, target)
        return str(target)

    def _image_size_attrs(self, node: nodes.image, source: tuple[str, str]) -> dict[str, object]:
        if source[0] == "attachment" and source[1].lower().endswith(".svg"):
            return {}  # the size is in the SVG itself
        width = length_to_px(node.get("width"))
        height = length_to_px(node.get("height"))
        scale = node.get("scale")
        if scale and source[0] == "attachment":
            natural = _image_size(self.attachments[source[1]])
            if natural is not None:
                if width is None and height is None:
                    width = natural[0]  # the height follows the width's ratio
                width = round(width * scale / 100) if width else None
                height = round(height * scale / 100) if height else None
        return {"ac:width": width, "ac:height": height}

    def _image_align(self, node: nodes.image) -> str | None:
        """The image's own alignment, else its figure's (a figure centres by default),
        else ``confluence_default_alignment`` for a block image."""
        align = node.get("align")
        in_figure = isinstance(node.parent, nodes.figure)
        if align is None and in_figure:
            align = node.parent.get("align")
        if align is None and not isinstance(node.parent, nodes.TextElement):
            align = self.option("confluence_default_alignment", None)
        if align is None and in_figure:
            align = "center"
        return align if align in ("left", "center", "right") else None

    def image_markup(
        self, node: nodes.image, caption: str = "", block: bool = False
    ) -> str | None:
        """Storage markup of one image (with an optional v2 caption), None if missing.

        A block image with a width in percent is wrapped, as the existing extension
        does, in an inline-block ``div`` of that CSS width instead of an ``ac:width``.
        """
        source = self._image_source(node)
        if source is None:
            return None
        align = self._image_align(node)
        values: dict[str, object] = {"ac:align": align, "ac:alt": node.get("alt")}
        values.update(self._image_size_attrs(node, source))
        percent = _percent(node.get("width")) if block else None
        if percent is not None and source[0] == "attachment" and source[1].lower().endswith(".svg"):
            percent = None  # the size is baked into the SVG
        if percent is not None:
            values["ac:width"] = None
        if align == "right":
            values["ac:style"] = "float: right;"
        if self.editor == "v2" and self.option("confluence_adv_inlined_images"):
            values["ac:inline"] = "true"
        kind, value = source
        if kind == "url":
            inner = start_tag("ri:url", {"ri:value": value}, empty=True)
        else:
            inner = start_tag("ri:attachment", {"ri:filename": value}, empty=True)
        if caption:
            inner += "<ac:caption>" + caption + "</ac:caption>"
        markup = start_tag("ac:image", values) + inner + end_tag("ac:image")
        return markup if percent is None else _percent_div(percent, markup)

    def visit_image(self, node: nodes.image) -> None:
        if node.get("confluence_done"):
            raise nodes.SkipNode
        inline = isinstance(node.parent, (nodes.TextElement, nodes.reference))
        markup = self.image_markup(node, block=not inline)
        if markup is None:
            alt = node.get("alt") or node.get("uri", "")
            markup = element("em", f"[image: {alt}]")
        if inline:
            self.body.append(markup)
        elif markup.startswith("<div"):
            self.body.append(self.anchors_for(node) + markup)
        else:
            self.body.append(self.anchors_for(node) + start_tag("p") + markup + end_tag("p"))
        raise nodes.SkipNode

    # -- figures --------------------------------------------------------------------

    def figure_number(self, node: nodes.Element) -> str:
        if not self.config.numfig:
            return ""
        numbers = None
        figures = self.builder.env.toc_fignumbers.get(self.docname, {}).get("figure", {})
        for ident in node.get("ids", ()):
            numbers = figures.get(ident)
            if numbers:
                break
        if not numbers:
            return ""
        template: str = self.config.numfig_format.get("figure", "Fig. %s")
        return template % ".".join(str(n) for n in numbers) + " "

    def visit_figure(self, node: nodes.figure) -> None:
        self.body.append(self.anchors_for(node))
        caption = next(iter(node.findall(nodes.caption, include_self=False)), None)
        image = next(iter(node.findall(nodes.image, include_self=False)), None)
        if self.editor == "v2" and caption is not None and image is not None:
            if image.parent is node:
                text = escape(self.figure_number(node)) + self.render_children(caption)
                markup = self.image_markup(image, caption=f"<p>{text}</p>", block=True)
                if markup is not None:
                    self.body.append(markup)
                    node["confluence_caption_done"] = True
                    image["confluence_done"] = True

    def depart_figure(self, node: nodes.figure) -> None:
        if self.editor == "v2":  # as the existing extension: text resumes below a float
            self.body.append(start_tag("div", {"style": "clear: both"}) + " " + end_tag("div"))

    def visit_caption(self, node: nodes.caption) -> None:
        if isinstance(node.parent, nodes.figure):
            if node.parent.get("confluence_caption_done"):
                raise nodes.SkipNode
            align = node.parent.get("align") or "center"
            self.body.append(
                start_tag("p", {"style": f"clear: both;text-align: {align};"})
                + escape(self.figure_number(node.parent))
            )
            self.push_end(end_tag("p"))
        else:
            self.body.append(start_tag("p") + start_tag("strong"))
            self.push_end(end_tag("strong") + end_tag("p"))

    def depart_caption(self, node: nodes.caption) -> None:
        self.pop_end()

    def visit_legend(self, node: nodes.legend) -> None:
        align = node.parent.get("align") if isinstance(node.parent, nodes.figure) else None
        style = {"style": f"text-align: {align};"} if align else None
        self.body.append(start_tag("div", style))

    def depart_legend(self, node: nodes.legend) -> None:
        self.body.append(end_tag("div"))
