"""From disk: `-b confluence` publishes in finish (with events), and `publish OUTDIR`
publishes an existing output without a Sphinx build."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import current_pages, identity, writes
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from sphinxcontrib.confluencebuilder.publisher.command import main as publish_main
from sphinxcontrib.confluencebuilder.publishglue import register


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def make_project(root: Path) -> Path:
    src = root / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "project = 'Sphinx Proj'\nextensions = ['sphinxcontrib.confluencebuilder']\n"
        "confluence_space_key = 'DOCS'\nconfluence_parent_page = 'Docs Parent'\n",
        encoding="utf-8")
    (src / "index.rst").write_text("Welcome\n=======\n\nHello.\n\n.. toctree::\n\n   guide\n",
                                   encoding="utf-8")
    (src / "guide.rst").write_text("Guide\n=====\n\nSee the picture.\n\n.. image:: pic.png\n",
                                   encoding="utf-8")
    (src / "pic.png").write_bytes(_png())
    return src


@pytest.fixture
def server(confluence_emulator_factory: Any) -> Any:
    server = confluence_emulator_factory(mode="cloud", max_limit=250)
    home = server.state.spaces["DOCS"].homepage_id
    server.state.create_page("DOCS", "Docs Parent", "<p>x</p>", home)
    return server


def build(src: Path, out: Path, **overrides: Any) -> tuple[Sphinx, list[tuple[Any, ...]]]:
    status, warning = io.StringIO(), io.StringIO()
    seen: list[tuple[Any, ...]] = []
    # docutils registrations are module globals: scope them to this build
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides=overrides, status=status, warning=warning, freshenv=True)
        register(app)
        app.connect("confluence-publish-page", lambda _a, *args: seen.append(("page", *args)))
        app.connect("confluence-publish-attachment",
                    lambda _a, *args: seen.append(("attachment", *args)))
        app.connect("confluence-publish-point", lambda _a, *args: seen.append(("point", *args)))
        app.build()
    app._test_status = status  # type: ignore[attr-defined]
    return app, seen


def test_builder_publishes_in_finish_and_emits_events(server, tmp_path, monkeypatch):
    src = make_project(tmp_path)
    app, seen = build(src, tmp_path / "out", confluence_publish=True,
                      confluence_server_url=server.url, confluence_server_user=server.user,
                      confluence_api_token=server.api_token)
    pages = current_pages(server.state)
    assert pages["Welcome"].parent_id == pages["Docs Parent"].id
    assert pages["Guide"].parent_id == pages["Welcome"].id
    assert identity(pages["Guide"])["project"] == "Sphinx Proj"
    atts = server.state.children(pages["Guide"].id, "attachment")
    assert len(atts) == 1 and atts[0].data == _png()
    kinds = [s[0] for s in seen]
    assert kinds.count("page") == 2 and kinds.count("attachment") == 1
    assert kinds[-1] == "point" and pages["Welcome"].id in seen[-1][1]
    page_events = {s[1]: s[2] for s in seen if s[0] == "page"}
    assert page_events == {"index": pages["Welcome"].id, "guide": pages["Guide"].id}
    log = app._test_status.getvalue()  # type: ignore[attr-defined]
    assert "2 created" in log and "Publish point" in log
    assert server.api_token not in log


def test_publish_command_publishes_an_existing_output(server, tmp_path, monkeypatch, capsys):
    src = make_project(tmp_path)
    out = tmp_path / "out"
    build(src, out)                                   # build only, no publish
    assert writes(server) == []
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", server.api_token)
    args = [str(out), "--work-dir", str(src), "-D", f"confluence_server_url={server.url}",
            "-D", f"confluence_server_user={server.user}"]
    assert publish_main([*args, "--dry-run"]) == 0
    assert writes(server) == []
    plan = json.loads((out / "confluence-plan.json").read_text("utf-8"))
    assert {p["docname"]: p["action"] for p in plan["pages"]} == {"index": "create",
                                                                  "guide": "create"}
    assert publish_main(args) == 0
    pages = current_pages(server.state)
    assert pages["Guide"].parent_id == pages["Welcome"].id
    captured = capsys.readouterr()
    assert "2 created" in captured.out and server.api_token not in captured.out + captured.err


def test_publish_command_reports_bad_input_clearly(server, tmp_path, capsys):
    assert publish_main([str(tmp_path / "missing"), "--work-dir", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert "scb-manifest.json" in err and "sphinx-build -b confluence" in err
