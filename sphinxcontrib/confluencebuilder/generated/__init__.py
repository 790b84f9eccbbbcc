"""Pages Sphinx's HTML builder makes that are no document: the general index
(``genindex``), domain indices (``py-modindex`` ...) and a search page.

``select(builder)`` decides which pages this build makes (from the options, and for
options left unset from what the documents refer to, see ``collect``) and their
headings; the builder gives them titles and places them under the root page with the
documents. ``write(builder, docname)`` writes one of them to disk like any page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sphinx.environment.adapters.indexentries import IndexEntries
from sphinx.locale import _

from .. import pages
from ..config import is_set_by_user
from ..errors import ConfluenceConfigError
from ..storage import element, macro_end, macro_start
from ..translator.structure import generation_notice
from ..userstop import ConfluenceConfigStop
from . import collect
from .chrome import check_config
from .compat import sorted_domains
from .indices import domain_index_body, genindex_body

__all__ = ["select", "write", "register", "domain_index_names"]


def domain_index_names(domains: Any) -> dict[str, Any]:
    """``<domain>-<index>`` -> (domain, index class) for every registered domain index."""
    found = {}
    for domain in domains:
        for index_cls in getattr(domain, "indices", ()):
            found[f"{domain.name}-{index_cls.name}"] = (domain, index_cls)
    return found


def _domain_indices(builder: Any, refs: set[str]) -> Iterator[tuple[str, str]]:
    config = builder.config
    value = getattr(config, "confluence_domain_indices", False)
    auto = not is_set_by_user(config, "confluence_domain_indices")
    for name, (domain, index_cls) in domain_index_names(sorted_domains(builder.env)).items():
        listed = isinstance(value, (list, tuple)) and name in value
        if value is True:
            content, _collapse = index_cls(domain).generate()
            if not content and name not in refs:
                continue
        elif not listed and not (auto and name in refs):
            continue
        yield name, str(index_cls.localname)


def select(builder: Any) -> list[tuple[str, str]]:
    """(docname, heading) of every generated page of this build."""
    config = builder.config
    refs = collect.referenced(builder.env)
    chosen: list[tuple[str, str]] = []
    use_index = getattr(config, "confluence_use_index", None)
    if use_index or (use_index is None and "genindex" in refs):
        chosen.append(("genindex", _("Index")))
    chosen.extend(_domain_indices(builder, refs))
    search = getattr(config, "confluence_include_search", None)
    if search or (search is None and "search" in refs):
        chosen.append(("search", _("Search")))
    return chosen


def search_body(config: Any) -> str:
    """Confluence's live search macro, limited to the space (and to our pages' labels)."""
    params: dict[str, object] = {}
    labels = getattr(config, "confluence_global_labels", None)
    if labels:
        params["labels"] = ",".join(labels)
    params["type"] = "page"
    out = macro_start("livesearch", params)
    key = getattr(config, "confluence_space_key", None)
    if key:
        out += ('<ac:parameter ac:name="spaceKey">'
                + element("ri:space", "", {"ri:space-key": key}) + "</ac:parameter>")
    return out + macro_end()


def body_of(builder: Any, docname: str) -> tuple[str, set[str]]:
    """Storage body of a generated page and the documents it links to."""
    titles = builder.titles
    if docname == "genindex":
        return genindex_body(IndexEntries(builder.env).create_index(builder), titles)
    if docname == "search":
        return search_body(builder.config), set()
    domain, index_cls = domain_index_names(sorted_domains(builder.env))[docname]
    content, _collapse = index_cls(domain).generate()
    return domain_index_body(content, titles)


def write(builder: Any, docname: str, decorate: Any) -> None:
    """Write one generated page; ``decorate(docname, body)`` adds the page chrome."""
    body, used = body_of(builder, docname)
    links = tuple(sorted(d for d in used if d in builder.titles and d != docname))
    meta = pages.PageMeta(
        docname=docname, title=builder.titles[docname],
        parent=builder.parents.get(docname),
        labels=tuple(sorted(getattr(builder.config, "confluence_global_labels", None) or ())),
        links=links, link_titles={d: builder.titles[d] for d in links})
    body = generation_notice(builder.config) + body
    pages.write_page(builder.outdir, builder.out_suffix, decorate(docname, body), meta)


def _check_domain_indices(app: Any, config: Any) -> None:
    """``confluence_domain_indices`` names only indices some loaded domain provides."""
    value = getattr(config, "confluence_domain_indices", None)
    if not isinstance(value, (list, tuple)):
        return
    known = domain_index_names(app.registry.domains.values())
    unknown = [name for name in value if name not in known]
    if unknown:
        error = ConfluenceConfigError(
            "confluence_domain_indices", f"unknown index {unknown[0]!r}",
            hint="Name indices as <domain>-<index>; known here: " + ", ".join(sorted(known)))
        raise ConfluenceConfigStop(f"confluence: {error}", error)


def register(app: Any) -> None:
    collect.register(app)
    app.connect("config-inited", check_config, priority=450)
    app.connect("config-inited", _check_domain_indices, priority=450)
