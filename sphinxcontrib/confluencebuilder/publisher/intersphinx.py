"""``objects.inv`` for other Sphinx projects: the objects of the published pages with
their real page addresses, uploaded to the root page (``confluence_publish_intersphinx``).

The builder records every object (name, role, docname, Confluence anchor name) in
``scb-inventory.json``; after a publish the page address of each document is known and
the inventory is written in Sphinx's version 2 format, URIs relative to the site URL
(``intersphinx_mapping = {'name': ('<confluence_server_url>', None)}`` points at it).
Anchors follow Confluence: ``<page title without spaces>-<anchor name>``.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sphinx.util import logging

from ..pages import Bundle
from ..rest.base import ConfluenceClient

logger = logging.getLogger(__name__)

INVENTORY_DATA = "scb-inventory.json"
INVENTORY = "objects.inv"
MEDIA_TYPE = "application/octet-stream"


def inventory_bytes(project: str, version: str,
                    rows: Iterable[tuple[str, str, int, str, str]]) -> bytes:
    """Sphinx inventory v2 from (name, domain:role, priority, uri, display name) rows."""
    head = ("# Sphinx inventory version 2\n"
            f"# Project: {project}\n# Version: {version}\n"
            "# The remainder of this file is compressed using zlib.\n").encode()
    lines = []
    for name, role, prio, uri, dispname in sorted(set(rows)):
        if uri.endswith("#" + name):
            uri = uri[: -len(name)] + "$"
        shown = "-" if not dispname or dispname == name else dispname
        lines.append(f"{name} {role} {prio} {uri} {shown}\n")
    return head + zlib.compress("".join(lines).encode("utf-8"), 9)


def read_entries(outdir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((outdir / INVENTORY_DATA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def page_anchor(title: str, anchor: str) -> str:
    return "".join(title.split()) + "-" + anchor


def published_rows(data: Mapping[str, Any], titles: Mapping[str, str],
                   ids: Mapping[str, str], urls: Mapping[str, str], base_url: str
                   ) -> list[tuple[str, str, int, str, str]]:
    rows = []
    for entry in data.get("entries", ()):
        doc = entry.get("docname")
        if doc not in ids or doc not in titles:
            continue
        url = urls.get(doc) or f"{base_url}pages/viewpage.action?pageId={ids[doc]}"
        uri = url[len(base_url):] if url.startswith(base_url) else url
        if entry.get("anchor"):
            uri += "#" + page_anchor(titles[doc], entry["anchor"])
        rows.append((entry["name"], entry["type"], int(entry.get("prio", 1)), uri,
                     entry.get("dispname") or entry["name"]))
    return rows


def publish_inventory(client: ConfluenceClient, bundle: Bundle, ids: Mapping[str, str],
                      urls: Mapping[str, str], *, replace: bool = True) -> bool:
    """Write ``objects.inv`` with the page addresses and attach it to the root page
    (a new version only when it changed, and only with ``replace``: only-new leaves an
    existing one alone). True when it was uploaded."""
    data = read_entries(bundle.outdir)
    root_id = ids.get(bundle.root)
    if data is None or root_id is None:
        return False
    titles = {p.docname: p.title for p in bundle.pages}
    base = client.base_url if client.base_url.endswith("/") else client.base_url + "/"
    blob = inventory_bytes(str(data.get("project", "")), str(data.get("version", "")),
                           published_rows(data, titles, ids, urls, base))
    (bundle.outdir / INVENTORY).write_bytes(blob)
    digest = hashlib.sha256(blob).hexdigest()
    existing = next((a for a in client.list_attachments(root_id) if a.name == INVENTORY), None)
    if existing is not None and (digest in existing.comment or not replace):
        return False
    client.upload_attachment(root_id, INVENTORY, blob, MEDIA_TYPE,
                             comment=f"intersphinx inventory sha256:{digest}",
                             existing=existing)
    logger.info("confluence: intersphinx inventory attached to the root page (%s)", INVENTORY)
    return True
