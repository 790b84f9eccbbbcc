"""Page chrome: prev/next links, source links, header/footer templates and their effect
on incremental builds; bad values stop the build before anything is written."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import docutils_namespace
from storage_helpers import NS, parse_storage

AC, RI, X = ("{" + NS[k] + "}" for k in ("ac", "ri", "x"))


def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text("project = 'Chrome'\n"
                                 "extensions = ['sphinxcontrib.confluencebuilder']\n")
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   one\n   two\n")
    (src / "one.rst").write_text("One\n===\n\nFirst.\n")
    (src / "two.rst").write_text("Two\n===\n\nSecond.\n")
    (src / "header.tpl").write_text("<p>Docs of {{ product }} {{ version }}</p>")
    return src


def build(src: Path, out: Path, fresh: bool = True, **conf: Any) -> None:
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides=conf, status=io.StringIO(), warning=io.StringIO(),
                     freshenv=fresh, warningiserror=True)
        app.build()


def nav(out: Path, doc: str) -> list[list[str]]:
    """Titles linked by each prev/next paragraph of a page, top to bottom."""
    root = parse_storage((out / f"{doc}.conf").read_text(encoding="utf-8"))
    found = []
    for para in root.iter(f"{X}p"):
        if para.get("style") == "text-align: center;":
            found.append([p.get(f"{RI}content-title") for p in para.iter(f"{RI}page")])
    return found


@pytest.mark.parametrize(("location", "count"), [("top", 1), ("bottom", 1), ("both", 2)])
def test_prev_next_links_follow_the_toctree(tmp_path: Path, location: str, count: int) -> None:
    out = tmp_path / "out"
    build(project(tmp_path), out, confluence_prev_next_buttons_location=location)
    assert nav(out, "index") == [["One"]] * count
    assert nav(out, "one") == [["Home", "Two"]] * count
    assert nav(out, "two") == [["One"]] * count
    body = (out / "one.conf").read_text(encoding="utf-8")
    first = body.index("First.")
    where = [body.index('text-align: center;'), body.rindex('text-align: center;')]
    if location == "top":
        assert where[0] < first
    elif location == "bottom":
        assert where[0] > first
    else:
        assert where[0] < first < where[1]
    assert json.loads((out / "one.meta.json").read_text())["links"] == ["index", "two"]


def test_navdocs_transform_reorders_the_sequence(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(project(tmp_path), out, confluence_prev_next_buttons_location="top",
          confluence_navdocs_transform=lambda builder, docs: list(reversed(docs)))
    # reversed: two, one, index
    assert nav(out, "two") == [["One"]]
    assert nav(out, "one") == [["Two", "Home"]]
    assert nav(out, "index") == [["One"]]


def test_no_location_no_links(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(project(tmp_path), out)
    assert nav(out, "one") == []


def _source_links(out: Path, doc: str) -> list[tuple[str, str]]:
    root = parse_storage((out / f"{doc}.conf").read_text(encoding="utf-8"))
    return [(a.get("href") or "", a.text or "") for a in root.iter(f"{X}a")]


def test_sourcelink_templates(tmp_path: Path) -> None:
    out = tmp_path / "out"
    src = project(tmp_path)
    build(src, out, confluence_sourcelink={"type": "github", "owner": "me", "repo": "docs",
                                           "version": "main", "container": "doc"})
    assert _source_links(out, "one") == [
        ("https://github.com/me/docs/blob/main/doc/one.rst", "Edit Source")]
    build(src, tmp_path / "o2", confluence_sourcelink={
        "type": "gitlab", "owner": "g", "repo": "r", "version": "v1", "view": "edit",
        "text": "Edit me"})
    assert _source_links(tmp_path / "o2", "two") == [
        ("https://gitlab.com/g/r/-/edit/v1/two.rst", "Edit me")]
    build(src, tmp_path / "o3", confluence_sourcelink={
        "url": "https://src.example/{branch}/{page}{suffix}", "branch": "dev"})
    assert _source_links(tmp_path / "o3", "index") == [
        ("https://src.example/dev/index.rst", "Edit Source")]


@pytest.mark.parametrize(("value", "message"), [
    ({"type": "svn"}, "unknown type 'svn'"),
    ({"type": "github", "owner": "me"}, "needs 'repo', 'version'"),
    ({"owner": "me"}, "needs a 'type'"),
    ({"url": "x/{page}", "page": "p"}, "'page' is filled in"),
    ({"url": "x/{nope}"}, "unknown placeholder"),
])
def test_bad_sourcelink_is_a_config_error(tmp_path: Path, value: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=f"confluence_sourcelink: .*{message}"):
        build(project(tmp_path), tmp_path / "out", confluence_sourcelink=value)


def test_header_template_renders_its_data(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(project(tmp_path), out, confluence_header_file="header.tpl",
          confluence_header_data={"product": "Gizmo", "version": "2.1"})
    assert (out / "one.conf").read_text().startswith("<p>Docs of Gizmo 2.1</p>")
    # without data the file is used as it is
    build(project(tmp_path / "raw"), tmp_path / "o2", confluence_header_file="header.tpl")
    assert (tmp_path / "o2" / "one.conf").read_text().startswith("<p>Docs of {{ product }}")


def test_changed_header_file_rewrites_the_pages(tmp_path: Path) -> None:
    src, out = project(tmp_path), tmp_path / "out"
    conf = {"confluence_header_file": "header.tpl",
            "confluence_header_data": {"product": "A", "version": "1"}}
    build(src, out, **conf)
    (src / "header.tpl").write_text("<p>New header for {{ product }}</p>")
    build(src, out, fresh=False, **conf)
    for doc in ("index", "one", "two"):
        assert (out / f"{doc}.conf").read_text().startswith("<p>New header for A</p>")


def test_new_neighbour_rewrites_the_pages_next_to_it(tmp_path: Path) -> None:
    src, out = project(tmp_path), tmp_path / "out"
    build(src, out, confluence_prev_next_buttons_location="bottom")
    (src / "mid.rst").write_text("Mid\n===\n\nMiddle.\n")
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   one\n   mid\n   two\n")
    build(src, out, fresh=False, confluence_prev_next_buttons_location="bottom")
    assert nav(out, "one") == [["Home", "Mid"]]
    assert nav(out, "two") == [["Mid"]]


@pytest.mark.parametrize(("conf", "message"), [
    ({"confluence_prev_next_buttons_location": "left"},
     "confluence_prev_next_buttons_location: got 'left'; expected one of 'top'"),
    ({"confluence_header_file": "missing.tpl"}, "confluence_header_file: cannot read"),
    ({"confluence_footer_file": "bad.tpl", "confluence_footer_data": {}},
     "confluence_footer_file: template error in .*bad.tpl, line 1"),
    ({"confluence_header_file": "header.tpl", "confluence_header_data": {"product": "x"}},
     "confluence_header_file: .* uses a value confluence_header_data does not give"),
])
def test_bad_chrome_stops_before_anything_is_written(tmp_path: Path, confluence_emulator: Any,
                                                    conf: dict[str, Any], message: str) -> None:
    src = project(tmp_path)
    (src / "bad.tpl").write_text("<p>{% if x %}</p>")
    server = confluence_emulator
    before = len(server.requests)
    with pytest.raises(ConfigError, match=message):
        build(src, tmp_path / "out", confluence_publish=True, confluence_space_key="DOCS",
              confluence_server_url=server.url, confluence_server_user=server.user,
              confluence_api_token=server.api_token, **conf)
    assert not list((tmp_path / "out").glob("*.conf"))
    assert len(server.requests) == before


def test_navdocs_transform_returning_no_list_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="confluence_navdocs_transform: must return a list"):
        build(project(tmp_path), tmp_path / "out", confluence_prev_next_buttons_location="top",
              confluence_navdocs_transform=lambda builder, docs: None)
