"""SVG files made fit for a Confluence attachment.

Confluence shows an attached SVG through an ``<img>``: without an XML declaration it
does not render it at all, and sizes in ``pt`` or ``%`` (or none) give a wrong or zero
size, so the root element gets its width and height in pixels, taken from the
requested size, the given size or the ``viewBox`` (a ``viewBox`` is added when missing
so a new size scales the drawing instead of cropping it). Processing instructions other
than the XML declaration are dropped (PlantUML's once broke rendering), and so are the
links of clickable diagrams (image maps): inside an ``<img>`` they cannot be followed.

Only the declaration, the root ``<svg>`` tag and ``<a>`` wrappers are touched; the rest of
the file is kept byte for byte (including imgmath's trailing depth comment).
"""

from __future__ import annotations

import re

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
_PI = re.compile(r"<\?(?!xml\s)[^>]*\?>\s*")
_DECLARATION = re.compile(r"^\s*<\?xml\s[^>]*\?>\s*")
_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_ANCHOR = re.compile(r"<a\b[^>]*>|</a\s*>", re.S)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*([a-z%]*)\s*$")
#: pixels per unit (96 per inch)
_UNIT_PX = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
            "mm": 96 / 25.4}


def _attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}\s*=\s*(["\'])(.*?)\1', tag, re.S)
    return match.group(2) if match else None


def _set_attr(tag: str, name: str, value: str) -> str:
    pattern = re.compile(rf'\s{name}\s*=\s*(["\']).*?\1', re.S)
    if pattern.search(tag):
        return pattern.sub(f' {name}="{value}"', tag, count=1)
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end]} {name}="{value}"{tag[end:]}'


def _px(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match or match.group(2) not in _UNIT_PX:
        return None
    return float(match.group(1)) * _UNIT_PX[match.group(2)]


def _number(value: float) -> str:
    return str(round(value)) if abs(value - round(value)) < 0.01 else f"{value:.2f}"


def natural_size(root_tag: str) -> tuple[float, float] | None:
    """Width and height in pixels: the given size, else the ``viewBox``."""
    width, height = _px(_attr(root_tag, "width")), _px(_attr(root_tag, "height"))
    box = (_attr(root_tag, "viewBox") or "").replace(",", " ").split()
    box_size = (float(box[2]), float(box[3])) if len(box) == 4 else None
    if width and height:
        return width, height
    if box_size and box_size[0] > 0 and box_size[1] > 0:
        if width:  # one given dimension keeps the aspect ratio of the box
            return width, width * box_size[1] / box_size[0]
        if height:
            return height * box_size[0] / box_size[1], height
        return box_size
    return None


def _sized(root_tag: str, size: tuple[float, float] | None,
           want: tuple[float | None, float | None]) -> str:
    if size is None:
        return root_tag
    width, height = size
    if _attr(root_tag, "viewBox") is None:
        # keep the drawing's own coordinates: the original numbers, without units
        old_w = _LENGTH.match(_attr(root_tag, "width") or "")
        old_h = _LENGTH.match(_attr(root_tag, "height") or "")
        if old_w and old_h:
            root_tag = _set_attr(root_tag, "viewBox", f"0 0 {old_w.group(1)} {old_h.group(1)}")
    want_w, want_h = want
    if want_w and want_h:
        width, height = want_w, want_h
    elif want_w:
        width, height = want_w, height * want_w / width
    elif want_h:
        width, height = width * want_h / height, want_h
    root_tag = _set_attr(root_tag, "width", _number(width))
    return _set_attr(root_tag, "height", _number(height))


def fix_svg(data: bytes, width: float | None = None, height: float | None = None) -> bytes:
    """The SVG fixed up for Confluence; ``width``/``height`` (pixels) are baked in."""
    text = data.decode("utf-8-sig", errors="replace")
    text = _DECLARATION.sub("", text, count=1)
    text = _PI.sub("", text)
    match = _ROOT.search(text)
    if match is not None:
        tag = match.group(0)
        fixed = _sized(tag, natural_size(tag), (width, height))
        text = text[: match.start()] + fixed + _ANCHOR.sub("", text[match.end():])
    return (XML_DECLARATION + text.lstrip()).encode("utf-8")


def svg_size(data: bytes) -> tuple[int, int] | None:
    """The pixel size of an SVG (after :func:`fix_svg` it is the size Confluence uses)."""
    match = _ROOT.search(data.decode("utf-8-sig", errors="replace"))
    size = natural_size(match.group(0)) if match else None
    return (round(size[0]), round(size[1])) if size else None


__all__ = ["XML_DECLARATION", "fix_svg", "natural_size", "svg_size"]
