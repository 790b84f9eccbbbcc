"""pages.py on its own: the on-disk bundle format without a Sphinx build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sphinxcontrib.confluencebuilder import pages
from sphinxcontrib.confluencebuilder.errors import ConfluenceBuildError


def test_meta_round_trip_and_manifest(tmp_path: Path) -> None:
    source = tmp_path / "logo.svg"
    source.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    out = tmp_path / "out"
    first = pages.store_attachment(out, "logo.svg", source)
    again = pages.store_attachment(out, "renamed.svg", source)
    assert first.path == again.path  # stored once, by content
    assert len(list((out / pages.ATTACHMENTS_DIR).iterdir())) == 1
    assert first.media_type == "image/svg+xml"

    root = pages.PageMeta(docname="index", title="Home", attachments=(first,), links=("a/b",))
    child = pages.PageMeta(docname="a/b", title="Child & <Co>", parent="index", labels=("x",))
    pages.write_page(out, ".conf", "<p>home</p>", root)
    pages.write_page(out, ".conf", "<p>child</p>", child)
    assert pages.read_meta(out, "a/b") == child
    assert pages.read_meta(out, "missing") is None

    info = {"project": "P", "version": "1", "release": "1.0", "editor": "v2",
            "generated": "2026-01-01T00:00:00Z", "root": "index"}  # fmt: skip
    manifest = pages.write_manifest(
        out, info=info, order=["index", "gone", "a/b"], metas={"index": root, "a/b": child},
        suffix=".conf",
    )  # fmt: skip
    assert manifest["order"] == ["index", "a/b"]
    on_disk = json.loads((out / pages.MANIFEST).read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert on_disk["pages"]["a/b"]["file"] == "a/b.conf"

    bundle = pages.read_bundle(out)
    assert bundle.editor == "v2"
    assert bundle.root == "index"
    assert [(p.docname, p.title, p.parent, p.body) for p in bundle.pages] == [
        ("index", "Home", None, "<p>home</p>"),
        ("a/b", "Child & <Co>", "index", "<p>child</p>"),
    ]
    assert bundle.attachment_file(bundle.pages[0].meta.attachments[0]).read_bytes() == (
        source.read_bytes()
    )


def test_read_bundle_rejects_foreign_or_broken_output(tmp_path: Path) -> None:
    (tmp_path / pages.MANIFEST).write_text('{"spec": "other/9"}', encoding="utf-8")
    with pytest.raises(ConfluenceBuildError, match="not a scb-manifest/1 manifest"):
        pages.read_bundle(tmp_path)
    (tmp_path / pages.MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfluenceBuildError, match="cannot read"):
        pages.read_bundle(tmp_path)
    manifest = {
        "spec": pages.MANIFEST_SPEC,
        "order": ["index"],
        "pages": {"index": {"file": "index.conf", "meta": "index.meta.json",
                            "body_sha256": "0" * 64}},
    }
    (tmp_path / pages.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ConfluenceBuildError, match="'index'.*missing or unreadable"):
        pages.read_bundle(tmp_path)
