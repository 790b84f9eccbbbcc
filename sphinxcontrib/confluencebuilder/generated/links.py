"""Storage-format links from a generated page to a place in another page."""

from __future__ import annotations

from collections.abc import Mapping

from ..storage import cdata, end_tag, escape, start_tag
from ..translator.base import anchor_name


def page_link(titles: Mapping[str, str], uri: str, text: str) -> str:
    """A link to ``docname[#anchor]`` by the target page's title; plain text when the
    document has no page."""
    docname, _, anchor = uri.partition("#")
    title = titles.get(docname)
    if title is None:
        return escape(text)
    return (start_tag("ac:link", {"ac:anchor": anchor_name(anchor) if anchor else None})
            + start_tag("ri:page", {"ri:content-title": title}, empty=True)
            + "<ac:plain-text-link-body>" + cdata(text) + "</ac:plain-text-link-body>"
            + end_tag("ac:link"))


def targets_of(uri: str) -> str:
    """The docname a link points at."""
    return uri.partition("#")[0]
