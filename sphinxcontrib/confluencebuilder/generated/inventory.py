"""Objects of the built pages for intersphinx: ``scb-inventory.json`` (read by the
publisher, which knows the page addresses) and a local ``objects.inv`` whose URIs are
``<docname><confluence_link_suffix>#<anchor>`` (file links into the output directory)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..publisher.intersphinx import INVENTORY, INVENTORY_DATA, inventory_bytes
from ..translator.base import anchor_name
from .compat import sorted_domains


def entries(builder: Any, anchors: Mapping[tuple[str, str], str] | None = None
            ) -> Iterator[dict[str, Any]]:
    """Every object of a document with a page; ``anchors`` maps (docname, id) to the id
    on the page when documents were merged (singleconfluence)."""
    root = builder.config.root_doc
    for domain in sorted_domains(builder.env):
        for name, dispname, typ, docname, anchor, prio in domain.get_objects():
            if anchors is not None:  # one page: documents not on it are left out
                start = anchors.get((docname, f"document-{docname}"))
                if docname != root and start is None:
                    continue
                anchor = anchors.get((docname, anchor), anchor) if anchor else (start or "")
                docname = root
            if docname not in builder.titles:
                continue
            yield {"name": str(name), "type": f"{domain.name}:{typ}", "prio": int(prio),
                   "docname": docname, "anchor": anchor_name(anchor) if anchor else "",
                   "dispname": str(dispname)}


def write(builder: Any, anchors: Mapping[tuple[str, str], str] | None = None) -> None:
    found = sorted(entries(builder, anchors), key=lambda e: (e["type"], e["name"],
                                                             e["docname"], e["anchor"]))
    config = builder.config
    data = {"project": config.project, "version": config.version, "entries": found}
    (builder.outdir / INVENTORY_DATA).write_text(json.dumps(data, indent=0) + "\n",
                                                  encoding="utf-8")
    suffix = getattr(config, "confluence_link_suffix", None) or builder.out_suffix
    rows = [(e["name"], e["type"], e["prio"],
             e["docname"] + suffix + (f"#{e['anchor']}" if e["anchor"] else ""),
             e["dispname"]) for e in found]
    (builder.outdir / INVENTORY).write_bytes(
        inventory_bytes(str(config.project), str(config.version), rows))
