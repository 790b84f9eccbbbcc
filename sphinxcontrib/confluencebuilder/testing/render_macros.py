"""The ``ac:`` side of storage rendering: macros, links, images, emoticons, tasks, layouts.

Each handler takes the rendering context and the element and returns escaped HTML.
Macros the preview can show as Confluence does (code, admonitions, panel, expand,
status, toc, excerpt, excerpt-include, anchor, children) are rendered; those that need
a service the emulator does not have (Jira, the HTML macro, PDF viewers, math add-ons,
anything unknown) become labelled placeholders that name the macro and list its
parameters. :func:`render_body` is the entry point.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..storage import WRAPPER_START
from . import render_links
from .render import (
    TOC_MARK,
    Ctx,
    Handler,
    attr,
    child,
    esc,
    inner,
    name_of,
    parse,
    placeholder,
    safe_style,
)

if TYPE_CHECKING:
    from .render import Linker
    from .state import Content, State

_ADMONITIONS = {"info": "Info", "note": "Note", "warning": "Warning", "tip": "Tip"}
_STATUS = frozenset({"grey", "red", "yellow", "green", "blue", "purple"})
_SEPARATORS = {"brackets": ("[ ", " ]", " ] [ "), "braces": ("{ ", " }", " } { "),
               "parens": ("( ", " )", " ) ( "), "pipe": ("", "", " | "),
               "newline": ("", "", "<br/>")}


def params(el: ET.Element) -> dict[str, str]:
    return {attr(p, "ac:name"): "".join(p.itertext()) for p in el
            if name_of(p) == "ac:parameter"}


def param_el(el: ET.Element, name: str) -> ET.Element | None:
    return next((p for p in el if name_of(p) == "ac:parameter" and attr(p, "ac:name") == name),
                None)


def body_html(ctx: Ctx, el: ET.Element) -> str:
    rich = child(el, "ac:rich-text-body")
    return inner(ctx, rich) if rich is not None else ""


def plain_body(el: ET.Element) -> str:
    body = child(el, "ac:plain-text-body")
    return (body.text or "") if body is not None else ""


def _param_list(values: dict[str, str]) -> str:
    shown = [f"{k or '(default)'}={v}" for k, v in values.items()]
    return ", ".join(shown)


# -- macros ----------------------------------------------------------------------------

def macro(ctx: Ctx, el: ET.Element) -> str:
    name = attr(el, "ac:name")
    handler = _MACROS.get(name)
    if handler is not None:
        return handler(ctx, el)
    return unknown_macro(ctx, el)


def unknown_macro(ctx: Ctx, el: ET.Element) -> str:
    name = attr(el, "ac:name") or "(unnamed)"
    plain = plain_body(el)
    body = body_html(ctx, el) or (f"<pre>{esc(plain)}</pre>" if plain else "")
    block = child(el, "ac:rich-text-body") is not None or bool(plain)
    return placeholder("macro", name, _param_list(params(el)), body, block=block)


def code(ctx: Ctx, el: ET.Element) -> str:
    p = params(el)
    lines = plain_body(el).split("\n")
    language = p.get("language", "none") if attr(el, "ac:name") == "code" else "none"
    if p.get("linenumbers", "").lower() == "true":
        first = int(p["firstline"]) if p.get("firstline", "").isdigit() else 1
        lines = [f'<span class="ln">{n}</span>{esc(line)}'
                 for n, line in enumerate(lines, first)]
    else:
        lines = [esc(line) for line in lines]
    title = f'<div class="code-title">{esc(p["title"])}</div>' if p.get("title") else ""
    block = (f'<div class="code-block" data-language="{esc(language)}">{title}'
             f'<pre class="code"><code>{chr(10).join(lines)}</code></pre></div>')
    if p.get("collapse", "").lower() == "true":
        return (f'<details class="code-collapse"><summary>Expand source</summary>'
                f"{block}</details>")
    return block


def admonition(ctx: Ctx, el: ET.Element) -> str:
    name = attr(el, "ac:name")
    title = params(el).get("title", "")
    head = f'<p class="admonition-title">{esc(title)}</p>' if title else ""
    return (f'<div class="admonition admonition-{name}" role="note">'
            f'<span class="admonition-icon">{_ADMONITIONS[name]}</span>'
            f"{head}{body_html(ctx, el)}</div>")


def panel(ctx: Ctx, el: ET.Element) -> str:
    p = params(el)
    width = p.get("borderWidth", "")
    style = safe_style(f"background-color: {p.get('bgColor', '')}; border-color: "
                       f"{p.get('borderColor', '')}; border-style: {p.get('borderStyle', '')};"
                       f" border-width: {width + 'px' if width.isdigit() else ''}")
    title_style = safe_style(f"background-color: {p.get('titleBGColor', '')}; "
                             f"color: {p.get('titleColor', '')}")
    title = (f'<div class="panel-title" style="{esc(title_style)}">{esc(p["title"])}</div>'
             if p.get("title") else "")
    return (f'<div class="panel" style="{esc(style)}">{title}'
            f'<div class="panel-body">{body_html(ctx, el)}</div></div>')


def expand(ctx: Ctx, el: ET.Element) -> str:
    title = params(el).get("title") or "Click here to expand..."
    return (f'<details class="expand"><summary>{esc(title)}</summary>'
            f'<div class="expand-body">{body_html(ctx, el)}</div></details>')


def status(ctx: Ctx, el: ET.Element) -> str:
    p = params(el)
    colour = p.get("colour", "Grey").lower()
    colour = colour if colour in _STATUS else "grey"
    subtle = " status-subtle" if p.get("subtle", "").lower() == "true" else ""
    return (f'<span class="status status-{colour}{subtle}">'
            f'{esc(p.get("title", colour).upper())}</span>')


def anchor(ctx: Ctx, el: ET.Element) -> str:
    name = params(el).get("", "")
    if not name:
        return ""
    ident = ctx.unique_id(ctx.anchor_id(name))
    return f'<span class="anchor" id="{esc(ident)}"></span>'


def toc(ctx: Ctx, el: ET.Element) -> str:
    ctx.tocs.append(params(el))
    return TOC_MARK.format(len(ctx.tocs) - 1)


def toc_html(ctx: Ctx, p: dict[str, str]) -> str:
    """The table of contents, made once all the page's headings are known."""
    low = int(p["minLevel"]) if p.get("minLevel", "").isdigit() else 1
    high = int(p["maxLevel"]) if p.get("maxLevel", "").isdigit() else 7
    chosen = [(lv, i, t) for lv, i, t in ctx.headings if low <= lv <= high
              and _toc_keep(t, p.get("include", ""), p.get("exclude", ""))]
    links = [(lv, f'<a href="#{esc(i)}">{esc(t)}</a>') for lv, i, t in chosen]
    if p.get("type") == "flat":
        start, end, sep = _SEPARATORS.get(p.get("separator", ""), _SEPARATORS["brackets"])
        return f'<div class="toc toc-flat">{esc(start)}{sep.join(a for _, a in links)}{esc(end)}</div>'
    items = "".join(f'<li class="toc-l{lv - low + 1}">{a}</li>' for lv, a in links)
    style = esc(p.get("style", "")) if re.fullmatch(r"[a-z-]*", p.get("style", "")) else ""
    return f'<div class="toc"><ul class="toc-list toc-style-{style}">{items}</ul></div>'


def _toc_keep(title: str, include: str, exclude: str) -> bool:
    try:
        if include and not re.fullmatch(include, title):
            return False
        return not (exclude and re.fullmatch(exclude, title))
    except re.error:
        return True


def excerpt(ctx: Ctx, el: ET.Element) -> str:
    if params(el).get("hidden", "").lower() == "true":
        return ""                       # Confluence shows a hidden excerpt only where included
    return f'<div class="excerpt">{body_html(ctx, el)}</div>'


def excerpt_include(ctx: Ctx, el: ET.Element) -> str:
    p = params(el)
    target = param_el(el, "")
    link = child(target, "ac:link") if target is not None else None
    ref = child(link, "ri:page") if link is not None else None
    title = attr(ref, "ri:content-title") if ref is not None else ""
    space = attr(ref, "ri:space-key") if ref is not None else ""
    page = ctx.find_page(title, space) if title else None
    if page is None or page.id in ctx.including:
        detail = f"page {space + ':' if space else ''}{title} is not in this space"
        return placeholder("macro", "excerpt-include", detail)
    try:
        found = _find_excerpt(parse(page.body), p.get("name", ""))
    except ET.ParseError:
        found = None
    if found is None:
        return placeholder("macro", "excerpt-include", f"no excerpt on page {title}")
    sub = Ctx(ctx.state, page, ctx.linker, headings=ctx.headings, tocs=ctx.tocs,
              including=ctx.including + (ctx.page.id, page.id), ids=ctx.ids,
              handlers=ctx.handlers)
    body = body_html(sub, found)
    if p.get("nopanel", "").lower() == "true":
        return f'<div class="excerpt-include">{body}</div>'
    return f'<div class="excerpt-include panel"><div class="panel-body">{body}</div></div>'


def _find_excerpt(root: ET.Element, name: str) -> ET.Element | None:
    for el in root.iter():
        if name_of(el) == "ac:structured-macro" and attr(el, "ac:name") == "excerpt":
            if not name or params(el).get("name", "") == name:
                return el
    return None


def jira(ctx: Ctx, el: ET.Element) -> str:
    p = params(el)
    server = f" on {p['server']}" if p.get("server") else ""
    if p.get("key"):
        return placeholder("Jira issue", p["key"], f"not resolved in the preview{server}",
                           block=False, macro="jira")
    return placeholder("Jira issues", p.get("jqlQuery", ""),
                       f"query not run in the preview{server}", macro="jira")


def html_macro(ctx: Ctx, el: ET.Element) -> str:
    return placeholder("macro", "html", "raw HTML is not rendered in the preview",
                       f"<pre>{esc(plain_body(el))}</pre>")


def children(ctx: Ctx, el: ET.Element) -> str:
    kids = ctx.state.children(ctx.page.id)
    items = "".join(f'<li><a href="{esc(ctx.linker.page(k))}">{esc(k.title)}</a></li>'
                    for k in kids)
    return f'<ul class="children-macro">{items}</ul>'


_ADF_PANELS = {"info": "info", "note": "note", "warning": "warning", "error": "warning",
               "success": "tip", "tip": "tip"}


def adf_extension(ctx: Ctx, el: ET.Element) -> str:
    """The Cloud editor's ADF nodes: panels are rendered, others use their fallback."""
    node = child(el, "ac:adf-node")
    kind = attr(node, "type") if node is not None else ""
    if node is not None and kind == "panel":
        attrs = {attr(a, "key"): (a.text or "") for a in node if name_of(a) == "ac:adf-attribute"}
        panel_type = attrs.get("panel-type", "info")
        css = _ADF_PANELS.get(panel_type, "info")
        content = child(node, "ac:adf-content")
        return (f'<div class="admonition admonition-{css}" role="note">'
                f'<span class="admonition-icon">{esc(panel_type)}</span>'
                f'{inner(ctx, content) if content is not None else ""}</div>')
    fallback = child(el, "ac:adf-fallback")
    detail = "shown by its fallback" if fallback is not None else ""
    return placeholder("editor node", kind or "adf-extension", detail,
                       inner(ctx, fallback) if fallback is not None else "")


_MACROS: dict[str, Handler] = {
    "code": code, "noformat": code, "panel": panel, "expand": expand, "status": status,
    "anchor": anchor, "toc": toc, "excerpt": excerpt, "excerpt-include": excerpt_include,
    "jira": jira, "html": html_macro, "children": children,
    "viewpdf": render_links.file_macro, "view-file": render_links.file_macro,
    **{name: admonition for name in _ADMONITIONS},
}

ELEMENTS: dict[str, Handler] = {
    "ac:structured-macro": macro, "ac:macro": macro, "ac:adf-extension": adf_extension,
    **render_links.ELEMENTS,
}


def render_body(state: State, page: Content, linker: Linker, body: str
                ) -> tuple[str, list[tuple[int, str, str]]]:
    """The HTML of a page body and its headings (level, id, text).

    A body that does not parse shows as a placeholder with its escaped source.
    """
    ctx = Ctx(state, page, linker, handlers=ELEMENTS)
    try:
        root = parse(body)
    except ET.ParseError as exc:
        line, col = exc.position
        where = f"line {line}, column {col - len(WRAPPER_START) if line == 1 else col}"
        reason = str(exc).split(":")[0]
        return placeholder("storage that does not parse", f"{reason} at {where}",
                           inner=f"<pre>{esc(body)}</pre>"), []
    out = inner(ctx, root)
    for index, p in enumerate(ctx.tocs):
        out = out.replace(TOC_MARK.format(index), toc_html(ctx, p))
    return out, ctx.headings
