"""The confluence builder: pages on disk, metadata, manifest, read_bundle, publish hook."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sphinx.errors import ConfigError
from storage_helpers import NS, parse_storage

from sphinxcontrib.confluencebuilder import pages
from sphinxcontrib.confluencebuilder.builder import publish_order, resolve_editor
from sphinxcontrib.confluencebuilder.errors import ConfluenceBuildError

ROOTS = Path(__file__).parent / "roots"


def build(make_app: Any, tmp_path: Path, root: str = "builder", **conf: Any) -> Any:
    src = tmp_path / root
    if not src.exists():
        shutil.copytree(ROOTS / f"test-{root}", src)
    app = make_app("confluence", srcdir=src, confoverrides=conf, freshenv=True)
    app.build()
    return app


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pages_meta_and_manifest(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    out = Path(app.outdir)
    for doc in ("index", "chapter/one", "chapter/two", "extra", "orphan"):
        parse_storage((out / f"{doc}.conf").read_text(encoding="utf-8"))

    index = json.loads((out / "index.meta.json").read_text())
    assert index["title"] == "Home Page"
    assert index["parent"] is None
    assert index["links"] == ["chapter/one", "chapter/two"]
    names = {a["name"]: a for a in index["attachments"]}
    assert set(names) == {"pic.png", "data.txt"}
    pic = names["pic.png"]
    source = Path(app.srcdir) / "img" / "pic.png"
    assert pic["sha256"] == sha256(source)
    assert pic["media_type"] == "image/png"
    assert pic["size"] == source.stat().st_size
    assert pic["path"] == f"_attachments/{pic['sha256']}.png"
    assert (out / pic["path"]).read_bytes() == source.read_bytes()

    one = json.loads((out / "chapter/one.meta.json").read_text())
    assert one["parent"] == "index"
    assert one["title"] == "Chapter One"
    # two different files with the same base name get distinct names on the page
    assert sorted(a["name"] for a in one["attachments"]) == ["pic.png", "pic_2.png"]
    assert json.loads((out / "extra.meta.json").read_text())["title"] == "autogen-extra"
    assert json.loads((out / "extra.meta.json").read_text())["parent"] == "index"

    manifest = json.loads((out / "scb-manifest.json").read_text())
    assert manifest["spec"] == "scb-manifest/1"
    assert manifest["project"] == "Builder Test"
    assert (manifest["version"], manifest["release"]) == ("1.2", "1.2.3")
    assert manifest["editor"] == "v1"
    assert manifest["root"] == "index"
    assert manifest["order"] == ["index", "chapter/one", "chapter/two", "extra", "orphan"]
    for doc, entry in manifest["pages"].items():
        assert entry["body_sha256"] == sha256(out / entry["file"])
        assert entry["meta"] == f"{doc}.meta.json"
    assert manifest["pages"]["orphan"]["parent"] is None
    assert manifest["pages"]["chapter/two"]["parent"] == "index"


def test_read_bundle_parents_first_and_verified(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    out = Path(app.outdir)
    bundle = pages.read_bundle(out)
    assert [p.docname for p in bundle.pages] == [
        "index",
        "chapter/one",
        "chapter/two",
        "extra",
        "orphan",
    ]
    seen: set[str] = set()
    for page in bundle.pages:
        assert page.parent is None or page.parent in seen
        seen.add(page.docname)
        assert page.body == page.file.read_text(encoding="utf-8")
    index = bundle.pages[0]
    assert index.title == "Home Page"
    for attachment in index.meta.attachments:
        assert bundle.attachment_file(attachment).is_file()

    # the bundle is self-contained: it can be moved and read elsewhere
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    shutil.rmtree(Path(app.srcdir) / "img")
    assert [p.title for p in pages.read_bundle(moved).pages] == [p.title for p in bundle.pages]

    (moved / "chapter/two.conf").write_text("<p>edited</p>", encoding="utf-8")
    with pytest.raises(ConfluenceBuildError, match="sha256"):
        pages.read_bundle(moved)
    with pytest.raises(ConfluenceBuildError, match="scb-manifest.json"):
        pages.read_bundle(tmp_path / "nowhere")


def test_file_suffix_header_footer_labels(make_app: Any, tmp_path: Path) -> None:
    app = build(
        make_app,
        tmp_path,
        confluence_file_suffix=".xml",
        confluence_header_file="header.xml",
        confluence_footer_file="footer.xml",
        confluence_global_labels=["docs", "generated"],
    )
    out = Path(app.outdir)
    assert not (out / "index.conf").exists()
    body = (out / "index.xml").read_text(encoding="utf-8")
    assert body.startswith("<p>HEADER</p>")
    assert body.endswith("<p>FOOTER</p>")
    parse_storage(body)
    assert json.loads((out / "index.meta.json").read_text())["labels"] == ["docs", "generated"]
    assert pages.read_bundle(out).pages[0].body == body


def test_missing_header_file_is_a_config_error(make_app: Any, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="confluence_header_file: cannot read"):
        build(make_app, tmp_path, confluence_header_file="nope.xml")


def test_disable_autogen_title_skips_untitled(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path, confluence_disable_autogen_title=True)
    out = Path(app.outdir)
    assert not (out / "extra.conf").exists()
    assert "extra" not in json.loads((out / "scb-manifest.json").read_text())["pages"]
    warnings = app.warning.getvalue()
    assert warnings.count("'extra' has no title") == 1
    assert "confluence.title" in warnings


def test_incremental_rewrites_only_outdated(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    out = Path(app.outdir)
    src = Path(app.srcdir)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.conf")}
    orphan_body = (out / "orphan.conf").read_text()

    # change the title of chapter/two: its page and the pages linking to it are rewritten
    text = (src / "chapter/two.rst").read_text().replace("Chapter Two\n===", "Renamed Two\n===")
    (src / "chapter/two.rst").write_text(text)
    app2 = make_app("confluence", srcdir=src, freshenv=False)
    app2.build()
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*.conf")}
    changed = {p.relative_to(out).as_posix() for p in after if after[p] != before[p]}
    assert "chapter/two.conf" in changed
    assert "chapter/one.conf" in changed  # links to two by title
    assert "orphan.conf" not in changed
    assert "extra.conf" not in changed
    assert (out / "orphan.conf").read_text() == orphan_body
    assert 'ri:content-title="Renamed Two"' in (out / "chapter/one.conf").read_text()
    manifest = json.loads((out / "scb-manifest.json").read_text())
    assert manifest["pages"]["chapter/two"]["title"] == "Renamed Two"
    assert len(manifest["order"]) == 5


def test_publish_happens_only_when_enabled(
    make_app: Any, tmp_path: Path, confluence_emulator_factory: Any
) -> None:
    server = confluence_emulator_factory(mode="dc")
    conf = {
        "confluence_server_url": server.url,
        "confluence_space_key": server.space_key,
        "confluence_publish_token": server.pat,
    }
    build(make_app, tmp_path, **conf)
    assert server.requests == [], "a build without confluence_publish must not connect"

    app = build(make_app, tmp_path, confluence_publish=True, **conf)
    titles = {page.title for page in server.state.find_pages(server.space_key)}
    manifest = json.loads((Path(app.outdir) / "scb-manifest.json").read_text("utf-8"))
    expected = {entry["title"] for entry in manifest["pages"].values()}
    assert expected and expected <= titles


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "v1"),
        ({"confluence_server_url": "https://wiki.example.com/"}, "v1"),
        ({"confluence_server_url": "https://acme.atlassian.net/wiki/"}, "v2"),
        ({"confluence_cloud": True, "confluence_server_url": "https://wiki.example.com/"}, "v2"),
        ({"confluence_editor": "v1", "confluence_server_url": "https://a.atlassian.net/"}, "v1"),
        ({"confluence_editor": "v2"}, "v2"),
        ({"confluence_server_url": "https://notatlassian.net.evil.com/"}, "v1"),
    ],
)
def test_resolve_editor(values: dict[str, Any], expected: str) -> None:
    assert resolve_editor(SimpleNamespace(**values)) == expected


def test_cloud_build_uses_v2(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path, confluence_server_url="https://acme.atlassian.net/wiki/")
    assert app.builder.editor == "v2"
    assert pages.read_bundle(app.outdir).editor == "v2"


def test_publish_order_depth_first_then_orphans() -> None:
    env = SimpleNamespace(
        found_docs={"index", "a", "a1", "b", "z-orphan", "c-orphan"},
        toctree_includes={"index": ["a", "b"], "a": ["a1", "b"], "b": ["index"]},
    )
    order, parents = publish_order(env, "index")  # type: ignore[arg-type]
    assert order == ["index", "a", "a1", "b", "c-orphan", "z-orphan"]
    assert parents == {
        "index": None,
        "a": "index",
        "b": "index",
        "a1": "a",
        "c-orphan": None,
        "z-orphan": None,
    }


def test_attachment_elements_match_metadata(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    out = Path(app.outdir)
    root = parse_storage((out / "chapter/one.conf").read_text(encoding="utf-8"))
    used = {e.get(f"{{{NS['ri']}}}filename") for e in root.iter(f"{{{NS['ri']}}}attachment")}
    meta = json.loads((out / "chapter/one.meta.json").read_text())
    assert used == {a["name"] for a in meta["attachments"]}


def test_removed_document_leaves_the_bundle(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    out = Path(app.outdir)
    assert (out / "orphan.conf").exists()
    (Path(app.srcdir) / "orphan.rst").unlink()
    app2 = make_app("confluence", srcdir=app.srcdir, freshenv=False)
    app2.build()
    assert not (out / "orphan.conf").exists()
    assert not (out / "orphan.meta.json").exists()
    assert [p.docname for p in pages.read_bundle(out).pages] == [
        "index",
        "chapter/one",
        "chapter/two",
        "extra",
    ]


def test_changed_suffix_rewrites_every_page(make_app: Any, tmp_path: Path) -> None:
    app = build(make_app, tmp_path)
    app2 = make_app(
        "confluence",
        srcdir=app.srcdir,
        freshenv=False,
        confoverrides={"confluence_file_suffix": ".xml"},
    )
    app2.build()
    bundle = pages.read_bundle(app2.outdir)
    assert len(bundle.pages) == 5
    assert all(p.file.suffix == ".xml" and p.file.is_file() for p in bundle.pages)


def test_children_of_a_skipped_page_move_up(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "builder"
    shutil.copytree(ROOTS / "test-builder", src)
    (src / "extra.rst").write_text("No heading here.\n\n.. toctree::\n\n   child\n")
    (src / "child.rst").write_text("Child Page\n==========\n\nBody.\n")
    app = build(make_app, tmp_path, confluence_disable_autogen_title=True)
    bundle = pages.read_bundle(app.outdir)
    parents = {p.docname: p.parent for p in bundle.pages}
    assert "extra" not in parents
    assert parents["child"] == "index"
    assert [p.docname for p in bundle.pages].index("child") > 0
