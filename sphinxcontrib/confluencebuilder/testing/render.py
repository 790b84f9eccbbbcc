"""Storage format to HTML, the way a reader sees a page in Confluence Cloud.

The emulator's page views (``views.py``) and the static export (``export.py``) show
what was published. Rendering is deliberately honest rather than pretty:

* a newline inside paragraph text is a line break, as in Confluence 7+ and Cloud;
* storage this module does not know (an element, a macro) is never dropped: it shows
  as a visible, labelled placeholder with its name;
* everything taken from a page is escaped; only allow-listed HTML elements and
  attributes pass, ``style`` keeps only plain declarations, and links with a scheme
  other than http(s), mailto, ftp or tel lose their target -- a page body can never
  run script in the viewer.

URLs come from a :class:`Linker` so the same rendering serves the live emulator
(absolute paths) and the static export (relative file names). Macros live in
``render_macros.py``, which also has the entry point, ``render_body``.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..storage import wrap_fragment
from .xhtml import NAMED_ENTITIES

if TYPE_CHECKING:
    from .state import Content, State

_NS = {
    "http://www.atlassian.com/schema/confluence/4/ac/": "ac:",
    "http://www.atlassian.com/schema/confluence/4/ri/": "ri:",
    "http://www.atlassian.com/schema/confluence/4/at/": "at:",
    "http://www.atlassian.com/schema/confluence/4/": "",
}
#: HTML elements passed through (with allow-listed attributes).
_PASS = frozenset(
    "p h1 h2 h3 h4 h5 h6 ul ol li blockquote pre hr br table thead tbody tfoot tr th td "
    "colgroup col caption div span strong b em i u s del ins strike code sub sup small big "
    "tt kbd samp var cite q abbr dl dt dd a center figure figcaption".split())
_VOID = frozenset({"br", "hr", "col"})
#: Elements whose whitespace-only text is inline (a newline in it is a line break).
_INLINE = frozenset(
    "p h1 h2 h3 h4 h5 h6 span strong b em i u s del ins strike code sub sup small big tt kbd "
    "samp var cite q abbr a caption dt figcaption".split())
_ATTRS = frozenset({"colspan", "rowspan", "class", "title", "align", "valign", "start",
                    "type", "datetime", "data-layout", "reversed", "width"})
_STYLE_PROPS = frozenset({
    "width", "min-width", "max-width", "height", "text-align", "vertical-align",
    "margin-left", "margin-right", "margin", "padding", "padding-left", "color",
    "background-color", "float", "font-weight", "font-style", "text-decoration",
    "border", "border-color", "border-style", "border-width", "list-style-type"})
_STYLE_VALUE = re.compile(r"^[#\w\s.%,()+-]*$")
_SAFE_SCHEMES = ("http", "https", "mailto", "ftp", "tel")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
Handler = Callable[["Ctx", ET.Element], str]
TOC_MARK = "\x00toc:{}\x00"  # never in a parsed page: XML forbids U+0000


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def safe_url(url: str, *, schemes: tuple[str, ...] = _SAFE_SCHEMES) -> str | None:
    """``url`` when following it cannot run script, else None."""
    squeezed = _CONTROL.sub("", url)
    m = _SCHEME.match(squeezed)
    if m is None:
        return url.strip()
    return url.strip() if m.group(1).lower() in schemes else None


def safe_style(style: str) -> str:
    """Keep the plain declarations of an allow-listed property; drop the rest."""
    kept = []
    for decl in style.split(";"):
        name, _, value = decl.partition(":")
        name, value = name.strip().lower(), value.strip()
        low = value.lower()
        if (name in _STYLE_PROPS and value and _STYLE_VALUE.match(value)
                and "url" not in low and "expression" not in low):
            kept.append(f"{name}: {value}")
    return "; ".join(kept)


def compact(text: str) -> str:
    """Confluence's anchor id material: the text without whitespace."""
    return re.sub(r"\s+", "", text)


class Linker(Protocol):
    """Where things are: the live emulator and the static export answer differently."""

    def page(self, page: Content, anchor: str = "") -> str: ...
    def attachment(self, page: Content, filename: str) -> str: ...
    def version(self, page: Content, number: int) -> str: ...
    def diff(self, page: Content, old: int, new: int) -> str: ...
    def home(self, space_key: str) -> str: ...


@dataclass
class Ctx:
    """One rendering: the page, where links go, and what the table of contents needs."""

    state: State
    page: Content
    linker: Linker
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # level, id, text
    tocs: list[dict[str, str]] = field(default_factory=list)
    including: tuple[str, ...] = ()    # excerpt-include chain (pages), against loops
    ids: set[str] = field(default_factory=set)
    handlers: dict[str, Handler] = field(default_factory=dict)  # ac:/ri: elements

    def anchor_id(self, name: str, page: Content | None = None) -> str:
        return compact((page or self.page).title) + "-" + compact(name)

    def unique_id(self, base: str) -> str:
        ident, n = base, 1
        while ident in self.ids:
            n += 1
            ident = f"{base}.{n}"
        self.ids.add(ident)
        return ident

    def find_page(self, title: str, space_key: str = "") -> Content | None:
        space = space_key or self.page.space_key
        found = self.state.find_pages(space, title)
        return found[0] if found else None

    def find_attachment(self, page: Content, filename: str) -> Content | None:
        return self.state.attachment_named(page, filename)


def name_of(el: ET.Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return _NS.get(uri, "?:") + local
    return tag


def attr(el: ET.Element, name: str, default: str = "") -> str:
    """An attribute by its prefixed name (``ac:name``, ``ri:filename``)."""
    prefix, _, local = name.rpartition(":")
    if prefix:
        uri = next(u for u, p in _NS.items() if p == prefix + ":")
        return el.get(f"{{{uri}}}{local}", default)
    return el.get(name, default)


def child(el: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in el if name_of(c) == name), None)


def parse(body: str) -> ET.Element:
    parser = ET.XMLParser()
    parser.entity.update({k: chr(v) for k, v in NAMED_ENTITIES.items()})
    parser.feed(wrap_fragment(body))
    return parser.close()


def placeholder(kind: str, name: str, detail: str = "", inner: str = "",
                block: bool = True, macro: str = "") -> str:
    """A visible, labelled box for storage the preview does not render (``data-macro``
    names the macro or element, for tests and for a reader's browser tools)."""
    tag = "div" if block else "span"
    label = f"{esc(kind)}: <b>{esc(name)}</b>" + (f" <i>{esc(detail)}</i>" if detail else "")
    body = f'<{tag} class="ph-body">{inner}</{tag}>' if inner else ""
    return (f'<{tag} class="placeholder" data-macro="{esc(macro or name)}">'
            f'<{tag} class="ph-label">{label}</{tag}>{body}</{tag}>')


# -- the walk ------------------------------------------------------------------------

def text(value: str | None, parent: str, *, pre: bool = False) -> str:
    """Escaped text; newlines become line breaks where Confluence shows them so."""
    if not value:
        return ""
    if pre:
        return esc(value)
    if not value.strip() and parent not in _INLINE:
        return esc(value)
    return "<br/>".join(esc(part) for part in value.split("\n"))


def inner(ctx: Ctx, el: ET.Element, *, pre: bool = False) -> str:
    """The rendered content of ``el`` (its text, children and their tails)."""
    parent = name_of(el)
    out = [text(el.text, parent, pre=pre)]
    for c in el:
        out.append(node(ctx, c, pre=pre or parent == "pre"))
        out.append(text(c.tail, parent, pre=pre))
    return "".join(out)


def node(ctx: Ctx, el: ET.Element, *, pre: bool = False) -> str:
    tag = name_of(el)
    handler = ctx.handlers.get(tag)
    if handler is not None:
        return handler(ctx, el)
    if tag in _PASS:
        return html_element(ctx, el, tag, pre=pre)
    if tag == "ac:placeholder":      # editor hints, invisible when viewing
        return ""
    return placeholder("unsupported storage", f"<{tag}>", inner=inner(ctx, el, pre=pre))


def html_element(ctx: Ctx, el: ET.Element, tag: str, *, pre: bool = False) -> str:
    attrs = []
    for key, value in el.attrib.items():
        if key == "style":
            style = safe_style(value)
            if style:
                attrs.append(f' style="{esc(style)}"')
        elif key in _ATTRS:
            attrs.append(f' {key}="{esc(value)}"')
    if tag == "a":
        attrs.extend(_link_attrs(ctx, el))
    if tag == "table":
        attrs.extend(_table_attrs(el))
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return heading(ctx, el, tag, "".join(attrs))
    if tag in _VOID:
        return f"<{tag}{''.join(attrs)}/>"
    out = f"<{tag}{''.join(attrs)}>{inner(ctx, el, pre=pre)}</{tag}>"
    return card(el.get("data-card-appearance", ""), out) if tag == "a" else out


def _link_attrs(ctx: Ctx, el: ET.Element) -> list[str]:
    href = el.get("href")
    if href is None:
        return []
    url = safe_url(href)
    if url is None:
        return [' class="unsafe-link" title="link target removed: not a web address"']
    if url.startswith("#"):
        url = "#" + ctx.anchor_id(url[1:])
    return [f' href="{esc(url)}"']


def _table_attrs(el: ET.Element) -> list[str]:
    """The new editor's table width and alignment (``data-table-width``, ``data-layout``)."""
    width = el.get("data-table-width", "")
    layout = {"center": "margin-left: auto; margin-right: auto",
              "align-end": "margin-left: auto"}.get(el.get("data-layout", ""), "")
    style = "; ".join(s for s in (f"width: {width}px" if width.isdigit() else "", layout) if s)
    return [f' style="{esc(style)}"'] if style and not el.get("style") else []


def card(kind: str, link: str) -> str:
    """A smart link shown as a card (``block``, ``embed``) or inline."""
    if kind in ("block", "embed"):
        return f'<span class="card card-{kind}">{link}</span>'
    return link


def heading(ctx: Ctx, el: ET.Element, tag: str, attrs: str) -> str:
    body = inner(ctx, el)
    plain = plain_text(el)
    ident = ctx.unique_id(ctx.anchor_id(plain))
    ctx.headings.append((int(tag[1]), ident, plain.strip()))
    return f'<{tag} id="{esc(ident)}"{attrs}>{body}</{tag}>'




def plain_text(el: ET.Element) -> str:
    """The reader-visible text of ``el``, without macro parameters (anchors in headings)."""
    out = [el.text or ""]
    for c in el:
        if name_of(c) not in ("ac:structured-macro", "ac:parameter"):
            out.append(plain_text(c))
        out.append(c.tail or "")
    return "".join(out)
