"""Bodies of the general index (``genindex``) and of domain indices (``py-modindex``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..storage import element, end_tag, escape, start_tag
from .links import page_link, targets_of


def _targets(titles: Mapping[str, str], text: str, links: Iterable[tuple[Any, Any]],
             used: set[str]) -> str:
    """The entry's text linked to its first target, further targets as ``[2]``, ``[3]``."""
    out: list[str] = []
    for number, (main, uri) in enumerate(links, start=1):
        if not uri:
            continue
        used.add(targets_of(uri))
        label = text if not out else f"[{number}]"
        link = page_link(titles, uri, label)
        out.append(f"<strong>{link}</strong>" if main else link)
    return " ".join(out) if out else escape(text)


def genindex_body(entries: list[tuple[str, list[Any]]], titles: Mapping[str, str]
                  ) -> tuple[str, set[str]]:
    """Storage body of the general index from ``IndexEntries.create_index`` output, and
    the docnames it links to."""
    used: set[str] = set()
    parts: list[str] = []
    for key, items in entries:
        parts.append(element("h2", key) + start_tag("ul"))
        for name, (links, subitems, _category) in items:
            parts.append(start_tag("li") + _targets(titles, name, links, used))
            if subitems:
                parts.append(start_tag("ul"))
                for subname, sublinks in subitems:
                    parts.append(start_tag("li") + _targets(titles, subname, sublinks, used)
                                 + end_tag("li"))
                parts.append(end_tag("ul"))
            parts.append(end_tag("li"))
        parts.append(end_tag("ul"))
    return "".join(parts), used


def _domain_entry(titles: Mapping[str, str], entry: Any, used: set[str]) -> str:
    name, _subtype, docname, anchor, extra, qualifier, descr = entry
    if docname:
        used.add(docname)
        text = page_link(titles, f"{docname}#{anchor}" if anchor else docname, name)
    else:
        text = escape(name)
    notes = ", ".join(x for x in (qualifier, extra) if x)
    if notes:
        text += " " + element("em", f"({notes})")
    if descr:
        text += " " + escape(f"\u2014 {descr}")
    return text


def domain_index_body(content: Iterable[tuple[str, list[Any]]], titles: Mapping[str, str]
                      ) -> tuple[str, set[str]]:
    """Storage body of a domain index from ``Index.generate()`` output (subtype 1: an
    entry with sub-entries, 2: a sub-entry)."""
    used: set[str] = set()
    parts: list[str] = []
    closing = {None: "", "open": end_tag("li"), "sub": end_tag("ul") + end_tag("li")}
    for letter, entries in content:
        parts.append(element("h2", letter) + start_tag("ul"))
        state: str | None = None
        for entry in entries:
            if entry[1] == 2 and state is not None:
                if state == "open":
                    parts.append(start_tag("ul"))
                    state = "sub"
                parts.append(start_tag("li") + _domain_entry(titles, entry, used) + end_tag("li"))
                continue
            parts.append(closing[state])
            parts.append(start_tag("li") + _domain_entry(titles, entry, used))
            state = "open"
        parts.append(closing[state] + end_tag("ul"))
    return "".join(parts), used
