"""Links, images and other non-macro ``ac:`` elements of storage, rendered for a reader.

A link to a page resolves by title in the space (an anchor goes to Confluence's
``<PageTitle>-<anchor>`` id); a link to an attachment and an image's source go to the
attachment as the emulator (or the export) serves it. What cannot resolve -- a page
that is not there, an attachment never uploaded -- stays visible and says so.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from .render import Ctx, Handler, attr, card, child, esc, inner, name_of, placeholder, safe_url

if TYPE_CHECKING:
    from .state import Content

_EMOTICONS = {
    "smile": "\U0001f642", "sad": "\U0001f641", "cheeky": "\U0001f61b", "laugh": "\U0001f600",
    "wink": "\U0001f609", "thumbs-up": "\U0001f44d", "thumbs-down": "\U0001f44e",
    "information": "\u2139\ufe0f", "tick": "\u2705", "cross": "\u274c", "warning": "\u26a0\ufe0f",
    "plus": "\u2795", "minus": "\u2796", "question": "\u2753", "light-on": "\U0001f4a1",
    "light-off": "\U0001f4a1", "yellow-star": "\u2b50", "red-star": "\u2b50",
    "green-star": "\u2b50", "blue-star": "\u2b50", "heart": "\u2764\ufe0f",
    "broken-heart": "\U0001f494",
}


def _link_body(ctx: Ctx, el: ET.Element, default: str) -> str:
    plain = child(el, "ac:plain-text-link-body")
    if plain is not None:
        return esc(plain.text or "")
    rich = child(el, "ac:link-body")
    if rich is not None:
        return inner(ctx, rich)
    return esc(default)


def link(ctx: Ctx, el: ET.Element) -> str:
    return card(attr(el, "ac:card-appearance"), _link(ctx, el))


def _link(ctx: Ctx, el: ET.Element) -> str:
    anchor = attr(el, "ac:anchor")
    page_ref, att_ref = child(el, "ri:page"), child(el, "ri:attachment")
    user_ref, space_ref = child(el, "ri:user"), child(el, "ri:space")
    if user_ref is not None:
        return _user(ctx, user_ref)
    if att_ref is not None:
        return _attachment_link(ctx, el, att_ref)
    if space_ref is not None:
        key = attr(space_ref, "ri:space-key")
        href = ctx.linker.home(key) if key in ctx.state.spaces else None
        return _anchor_tag(href, _link_body(ctx, el, key), f"space {key} is not here")
    other = next((name_of(c) for c in el if name_of(c).startswith("ri:")), "")
    if page_ref is None and other:  # a blog post, a content entity ...: not in the emulator
        return placeholder("link", other, "not resolved in the preview",
                           _link_body(ctx, el, ""), block=False)
    if page_ref is None:       # a link to an anchor of this page
        body = _link_body(ctx, el, anchor)
        return f'<a href="#{esc(ctx.anchor_id(anchor))}">{body}</a>'
    title, space = attr(page_ref, "ri:content-title"), attr(page_ref, "ri:space-key")
    target = ctx.find_page(title, space)
    body = _link_body(ctx, el, title)
    if target is None:
        return _anchor_tag(None, body, f"no page titled {title!r} in space "
                           f"{space or ctx.page.space_key}")
    href = ctx.linker.page(target, ctx.anchor_id(anchor, target) if anchor else "")
    return _anchor_tag(href, body, "")


def _anchor_tag(href: str | None, body: str, missing: str) -> str:
    if href is None:
        return f'<a class="broken-link" title="{esc(missing)}">{body}</a>'
    return f'<a href="{esc(href)}">{body}</a>'


def _user(ctx: Ctx, ref: ET.Element) -> str:
    ident = attr(ref, "ri:account-id") or attr(ref, "ri:userkey") or attr(ref, "ri:username")
    user = ctx.state.find_user(ident)
    name = user.display_name if user is not None else f"unknown user {ident}"
    return f'<span class="user-mention">@{esc(name)}</span>'


def _owner(ctx: Ctx, ref: ET.Element) -> tuple[Content | None, str]:
    """The page an ``ri:attachment`` belongs to (this one unless it names another)."""
    page_ref = child(ref, "ri:page")
    if page_ref is None:
        return ctx.page, ""
    title = attr(page_ref, "ri:content-title")
    return ctx.find_page(title, attr(page_ref, "ri:space-key")), title


def attachment_url(ctx: Ctx, ref: ET.Element) -> tuple[str | None, str]:
    """URL of the attachment ``ref`` names, or None with the reason."""
    filename = attr(ref, "ri:filename")
    owner, title = _owner(ctx, ref)
    if owner is None:
        return None, f"no page titled {title!r} for attachment {filename}"
    if ctx.find_attachment(owner, filename) is None:
        return None, f"attachment {filename} is not on the page"
    return ctx.linker.attachment(owner, filename), ""


def _attachment_link(ctx: Ctx, el: ET.Element, ref: ET.Element) -> str:
    href, missing = attachment_url(ctx, ref)
    return _anchor_tag(href, _link_body(ctx, el, attr(ref, "ri:filename")), missing)


def image(ctx: Ctx, el: ET.Element) -> str:
    att_ref, url_ref = child(el, "ri:attachment"), child(el, "ri:url")
    alt = attr(el, "ac:alt") or attr(el, "ac:title")
    if att_ref is not None:
        src, missing = attachment_url(ctx, att_ref)
        label = attr(att_ref, "ri:filename")
    elif url_ref is not None:
        src = safe_url(attr(url_ref, "ri:value"), schemes=("http", "https"))
        missing, label = "not a web address", attr(url_ref, "ri:value")
    else:
        src, missing, label = None, "no image source", ""
    if src is None:
        return placeholder("image", label, missing, block=False)
    extra = "".join(f' {name}="{esc(attr(el, "ac:" + name))}"' for name in ("width", "height")
                    if attr(el, "ac:" + name).isdigit())
    align = attr(el, "ac:align")
    cls = f"image image-{align}" if align in ("left", "right", "center") else "image"
    title = attr(el, "ac:title")
    title_attr = f' title="{esc(title)}"' if title else ""
    return f'<img class="{cls}" src="{esc(src)}" alt="{esc(alt)}"{title_attr}{extra}/>'


def file_macro(ctx: Ctx, el: ET.Element) -> str:
    """``viewpdf`` / ``view-file``: the embedded viewer is Confluence's; show a link."""
    name = attr(el, "ac:name")
    param = next((p for p in el if name_of(p) == "ac:parameter"
                  and attr(p, "ac:name") == "name"), None)
    ref = child(param, "ri:attachment") if param is not None else None
    if ref is None:
        return placeholder("macro", name, "no attachment named")
    href, missing = attachment_url(ctx, ref)
    body = _anchor_tag(href, esc(attr(ref, "ri:filename")), missing)
    return placeholder("file viewer", name, "the file:", body)


def emoticon(ctx: Ctx, el: ET.Element) -> str:
    name = attr(el, "ac:name")
    glyph = _EMOTICONS.get(name)
    if glyph is None:
        return placeholder("emoticon", name, block=False)
    return f'<span class="emoticon" title="{esc(name)}">{glyph}</span>'


def task_list(ctx: Ctx, el: ET.Element) -> str:
    items = []
    for task in el:
        if name_of(task) != "ac:task":
            continue
        status, body = child(task, "ac:task-status"), child(task, "ac:task-body")
        done = status is not None and (status.text or "").strip() == "complete"
        mark = "\u2611" if done else "\u2610"
        items.append(f'<li class="task{" task-done" if done else ""}">'
                     f'<span class="task-box">{mark}</span> '
                     f'{inner(ctx, body) if body is not None else ""}</li>')
    return f'<ul class="task-list">{"".join(items)}</ul>'


def _div(cls: str) -> Handler:
    def render(ctx: Ctx, el: ET.Element) -> str:
        kind = attr(el, "ac:type")
        extra = f" {cls}-{esc(kind)}" if kind.replace("_", "").isalnum() else ""
        return f'<div class="{cls}{extra}">{inner(ctx, el)}</div>'
    return render


def time_element(ctx: Ctx, el: ET.Element) -> str:
    when = el.get("datetime", "")
    return f'<time datetime="{esc(when)}">{esc(when)}</time>'


ELEMENTS: dict[str, Handler] = {
    "ac:link": link, "ac:image": image, "ac:emoticon": emoticon, "ac:task-list": task_list,
    "ac:layout": _div("layout"), "ac:layout-section": _div("layout-section"),
    "ac:layout-cell": _div("layout-cell"), "time": time_element,
    "ac:inline-comment-marker": lambda ctx, el: inner(ctx, el),
    "ac:rich-text-body": lambda ctx, el: inner(ctx, el),
}
