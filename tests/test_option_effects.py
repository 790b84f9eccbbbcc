"""Options that change one thing each: manifest data, extra image types, linkcode and the
``confluence_adv_*`` switches."""

from __future__ import annotations

import base64
import io
import json
import shutil
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import Doc, client_for, publish, write_bundle, writes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import docutils_namespace


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def project(tmp_path: Path, index: str, conf: str = "") -> Path:
    src = tmp_path / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    (src / "conf.py").write_text("project = 'Opts'\nextensions = "
                                 "['sphinxcontrib.confluencebuilder']\n" + conf)
    (src / "index.rst").write_text(index)
    (src / "pic.png").write_bytes(png())
    return src


def build(src: Path, out: Path, **conf: Any) -> tuple[str, str]:
    warning = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides=conf, status=io.StringIO(), warning=warning, freshenv=True)
        app.build()
    return (out / "index.conf").read_text(encoding="utf-8"), warning.getvalue()


PAGE = "Opts Home\n=========\n\n.. _here:\n\nText.\n\n.. image:: pic.png\n"


def test_manifest_data_embeds_pages_and_attachments(tmp_path: Path) -> None:
    out = tmp_path / "out"
    body, _ = build(project(tmp_path, PAGE), out, confluence_manifest_data=True)
    entry = json.loads((out / "scb-manifest.json").read_text())["pages"]["index"]
    assert base64.b64decode(entry["data"]).decode() == body
    assert base64.b64decode(entry["attachments"][0]["data"]) == png()
    build(project(tmp_path, PAGE), tmp_path / "o2")
    assert "data" not in json.loads((tmp_path / "o2" / "scb-manifest.json").read_text()
                                    )["pages"]["index"]


def test_additional_mime_types_let_sphinx_pick_more_images(tmp_path: Path) -> None:
    src = project(tmp_path, "Opts Home\n=========\n\n.. image:: art.*\n")
    (src / "art.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    body, warnings = build(src, tmp_path / "out")
    assert 'ri:filename="art.webp"' not in body and "image for confluence builder not found" \
        in warnings
    body, warnings = build(src, tmp_path / "o2", confluence_additional_mime_types=["image/webp"])
    assert 'ri:filename="art.webp"' in body
    _, warnings = build(src, tmp_path / "o3", confluence_additional_mime_types=["image/x-nope"])
    assert "unknown MIME type 'image/x-nope'" in warnings


def test_linkcode_source_links(tmp_path: Path) -> None:
    conf = ("extensions.append('sphinx.ext.linkcode')\n"
            "def linkcode_resolve(domain, info):\n"
            "    return 'https://code.example/' + info['fullname']\n")
    body, _ = build(project(tmp_path, "Opts Home\n=========\n\n.. py:function:: go()\n",
                           conf), tmp_path / "out")
    assert '<a href="https://code.example/go">' in body and "[source]" in body


def test_adv_inlined_images_and_anchor_fix(tmp_path: Path) -> None:
    src = project(tmp_path, PAGE)
    body, _ = build(src, tmp_path / "a", confluence_editor="v2")
    assert 'ac:inline="true"' not in body and ">OptsHome-here<" in body
    body, _ = build(src, tmp_path / "b", confluence_editor="v2",
                    confluence_adv_inlined_images=True, confluence_adv_disable_anchor_fix=True)
    assert 'ac:inline="true"' in body
    assert ">here<" in body and ">OptsHome-here<" not in body


def _shout(translator: Any, node: Any) -> None:
    translator.body.append("<p>" + node.astext().upper() + "</p>")


def test_adv_node_handler_writes_the_node(tmp_path: Path) -> None:
    body, _ = build(project(tmp_path, PAGE), tmp_path / "out",
                    confluence_adv_node_handler={"paragraph": _shout})
    assert "<p>TEXT.</p>" in body


def test_adv_permit_editor(tmp_path: Path) -> None:
    src = project(tmp_path, PAGE)
    with pytest.raises(ConfigError, match="confluence_editor"):
        build(src, tmp_path / "a", confluence_editor="v3")
    build(src, tmp_path / "b", confluence_editor="v3", confluence_adv_permit_editor=True)
    assert json.loads((tmp_path / "b" / "scb-manifest.json").read_text())["editor"] == "v3"


def test_adv_restricted_and_win32_hack_for_diagrams(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("graphviz 'dot' is not installed")
    src = project(tmp_path, "Opts Home\n=========\n\n.. graphviz::\n\n   digraph { a -> b }\n",
                  "extensions.append('sphinx.ext.graphviz')\n")
    body, _ = build(src, tmp_path / "a")
    assert "<ac:image" in body and not (tmp_path / "a" / "confluence-graphviz").exists()
    body, _ = build(src, tmp_path / "b", confluence_adv_win32_imgmath_hack=True)
    assert list((tmp_path / "b" / "confluence-graphviz").glob("*.png"))
    body, warnings = build(src, tmp_path / "c", confluence_adv_restricted=["ext-graphviz"])
    assert "<ac:image" not in body and "digraph { a -> b }" in body and "graphviz" not in warnings


@pytest.mark.parametrize(("bulk", "calls"), [(False, 2), (True, 1)])
def test_adv_bulk_archiving(confluence_emulator_factory: Any, tmp_path: Path, bulk: bool,
                            calls: int) -> None:
    server = confluence_emulator_factory(mode="cloud")
    out = tmp_path / "out"
    docs = [Doc("index", "Root"), Doc("a", "A", "index"), Doc("b", "B", "index")]
    write_bundle(out, docs)
    publish(client_for(server), out)
    write_bundle(out, docs[:1])
    before = len(writes(server))
    publish(client_for(server), out, cleanup_archive=True, bulk_archiving=bulk)
    archive = [r for r in writes(server)[before:] if "archive" in r.get("path", "")]
    assert len(archive) == calls


def test_adv_restricted_and_win32_hack_for_math(tmp_path: Path) -> None:
    if not (shutil.which("latex") and shutil.which("dvipng")):
        pytest.skip("LaTeX and dvipng are not installed")
    src = project(tmp_path, "Opts Home\n=========\n\n.. math:: a^2 + b^2 = c^2\n")
    body, _ = build(src, tmp_path / "a")
    assert "<ac:image" in body and not (tmp_path / "a" / "confluence-math").exists()
    build(src, tmp_path / "b", confluence_adv_win32_imgmath_hack=True)
    assert list((tmp_path / "b" / "confluence-math").glob("math-*.png"))
    body, warnings = build(src, tmp_path / "c", confluence_adv_restricted=["ext-imgmath"])
    assert "<ac:image" not in body and "a^2 + b^2 = c^2" in body and "math" not in warnings
