"""Generated pages: genindex, domain indices and search, reachable from toctree and refs."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import docutils_namespace
from storage_helpers import NS, parse_storage

ROOT = Path(__file__).parent / "roots" / "test-generated"
AC, RI = "{" + NS["ac"] + "}", "{" + NS["ri"] + "}"


def build(tmp_path: Path, index: str | None = None, **conf: Any) -> tuple[Path, str]:
    src = tmp_path / "src"
    if not src.exists():
        shutil.copytree(ROOT, src)
    if index is not None:
        (src / "index.rst").write_text(index, encoding="utf-8")
    out = tmp_path / "out"
    warning = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides=conf, status=io.StringIO(), warning=warning,
                     freshenv=True, warningiserror=True)
        app.build()
    return out, warning.getvalue()


def links(out: Path, docname: str) -> list[tuple[str, str]]:
    """(page title, anchor) of every link to another page."""
    root = parse_storage((out / f"{docname}.conf").read_text(encoding="utf-8"))
    found = []
    for link in root.iter(f"{AC}link"):
        page = link.find(f"{RI}page")
        if page is not None:
            found.append((page.get(f"{RI}content-title"), link.get(f"{AC}anchor") or ""))
    return found


def anchors(out: Path, docname: str) -> set[str]:
    root = parse_storage((out / f"{docname}.conf").read_text(encoding="utf-8"))
    return {p.text or "" for m in root.iter(f"{AC}structured-macro")
            if m.get(f"{AC}name") == "anchor" for p in m.iter(f"{AC}parameter")}


def test_index_modindex_and_search_exist_and_are_linked(tmp_path: Path) -> None:
    out, warnings = build(tmp_path)
    assert not warnings
    manifest = json.loads((out / "scb-manifest.json").read_text(encoding="utf-8"))
    titles = {doc: entry["title"] for doc, entry in manifest["pages"].items()}
    assert titles["genindex"] == "Index" and titles["search"] == "Search"
    assert titles["py-modindex"] == "Python Module Index"
    for doc in ("genindex", "py-modindex", "search"):
        assert manifest["pages"][doc]["parent"] == "index"
    home = links(out, "index")
    # linked from :ref: / :doc: in the text and from the toctree
    for title in ("Index", "Python Module Index", "Search"):
        assert home.count((title, "")) == 2, home


def test_general_index_links_land_on_anchors(tmp_path: Path) -> None:
    out, _ = build(tmp_path)
    index_links = links(out, "genindex")
    assert ("API", "index-0") in index_links  # the `.. index::` entry
    assert ("API", "gadget.spin") in index_links
    assert ("API", "module-gadget") in index_links
    api_anchors = anchors(out, "api")
    for _title, anchor in index_links:
        assert anchor in api_anchors, (anchor, api_anchors)


def test_module_index_lists_modules_with_working_links(tmp_path: Path) -> None:
    out, _ = build(tmp_path)
    mod_links = links(out, "py-modindex")
    assert mod_links == [("API", "module-gadget"), ("API", "module-gadget.parts")]
    assert {a for _t, a in mod_links} <= anchors(out, "api")


def test_search_page_uses_the_live_search_macro_of_the_space(tmp_path: Path) -> None:
    out, _ = build(tmp_path, confluence_space_key="DOCS", confluence_global_labels=["mydocs"])
    root = parse_storage((out / "search.conf").read_text(encoding="utf-8"))
    macro = next(root.iter(f"{AC}structured-macro"))
    assert macro.get(f"{AC}name") == "livesearch"
    space = macro.find(f"{AC}parameter/{RI}space")
    assert space is not None and space.get(f"{RI}space-key") == "DOCS"
    params = {p.get(f"{AC}name"): p.text for p in macro.findall(f"{AC}parameter")}
    assert params["labels"] == "mydocs"


def test_options_switch_pages_on_and_off(tmp_path: Path) -> None:
    plain = "Home\n====\n\n.. toctree::\n\n   api\n"
    out, _ = build(tmp_path, plain)
    assert not (out / "genindex.conf").exists() and not (out / "search.conf").exists()
    assert not (out / "py-modindex.conf").exists()
    assert "index-0" not in anchors(out, "api")  # no index: no index anchors
    out, _ = build(tmp_path, plain, confluence_use_index=True, confluence_include_search=True,
                   confluence_domain_indices=True)
    assert (out / "genindex.conf").exists() and (out / "search.conf").exists()
    assert (out / "py-modindex.conf").exists()
    assert "index-0" in anchors(out, "api")
    out, _ = build(tmp_path, confluence_use_index=False, confluence_include_search=False,
                   confluence_domain_indices=False, suppress_warnings=["confluence"])
    assert not (out / "genindex.conf").exists() and not (out / "py-modindex.conf").exists()
    out, _ = build(tmp_path, plain, confluence_domain_indices=["py-modindex"],
                   confluence_page_generation_notice="Generated.")
    assert (out / "py-modindex.conf").read_text().startswith(
        '<p style="font-size: small; color: #707070;"><em>Generated.</em></p>')


def test_unknown_domain_index_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="(?s)confluence_domain_indices: unknown index "
                                          "'py-nothing'.*py-modindex"):
        build(tmp_path, confluence_domain_indices=["py-nothing"])
    assert not (tmp_path / "out" / "scb-manifest.json").exists()


def test_adv_disable_init_keeps_other_builders_clean(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)

    def env_refs(**conf: Any) -> Any:
        with docutils_namespace():
            app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "dt"),
                         "html", confoverrides=conf, status=io.StringIO(),
                         warning=io.StringIO(), freshenv=True)
            app.build()
        return getattr(app.env, "confluence_generated_refs", None)

    assert env_refs() == {"index": ["genindex", "py-modindex", "search"]}
    assert env_refs(confluence_adv_disable_init=True) is None
    # the confluence builder itself is not affected
    out, _ = build(tmp_path / "c", confluence_adv_disable_init=True)
    assert (out / "genindex.conf").exists()
