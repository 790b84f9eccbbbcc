"""Partial builds (``sphinx-build -b confluence SRC OUT index.rst``) behave as in Sphinx:
no warnings about pages not written, and a publish touches only what is on disk."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from publish_helpers import current_pages, writes
from sphinx.cmd.build import build_main


def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("project = 'Part'\n"
                                 "extensions = ['sphinxcontrib.confluencebuilder']\n")
    (src / "index.rst").write_text("Part Home\n=========\n\n.. toctree::\n\n   a\n   b\n")
    (src / "a.rst").write_text("A\n=\n\nFirst.\n")
    (src / "b.rst").write_text("B\n=\n\nSecond.\n")
    return src


def run(src: Path, out: Path, *files: str, opts: tuple[str, ...] = ()) -> tuple[int, str]:
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = build_main(["-b", "confluence", "-W", "-q", *opts, str(src), str(out), *files])
    return code, err.getvalue()


def test_partial_build_into_a_fresh_directory(tmp_path: Path) -> None:
    src, out = project(tmp_path), tmp_path / "out"
    code, err = run(src, out, str(src / "a.rst"))
    assert code == 0, err
    assert not err
    manifest = json.loads((out / "scb-manifest.json").read_text())
    # Sphinx also writes the documents whose toctree holds the named one
    assert manifest["order"] == ["index", "a"] and manifest["partial"] is True
    assert not (out / "b.conf").exists()


def test_publish_after_partial_build_touches_nothing_else(tmp_path: Path, monkeypatch: Any,
                                                          confluence_emulator: Any) -> None:
    server = confluence_emulator
    src = project(tmp_path)
    conf = ("-D", "confluence_publish=1", "-D", "confluence_space_key=DOCS",
            "-D", f"confluence_server_url={server.url}",
            "-D", f"confluence_server_user={server.user}",
            "-D", "confluence_cleanup_purge=1")
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", server.api_token)
    assert run(src, tmp_path / "full", opts=conf)[0] == 0
    before = {t: (c.id, c.version.number) for t, c in current_pages(server.state).items()}
    inventory = server.state.download(before["Part Home"][0], "objects.inv")
    assert inventory is not None and inventory.version.number == 1
    (src / "a.rst").write_text("A\n=\n\nFirst, changed.\n")
    count = len(writes(server))
    code, err = run(src, tmp_path / "partial", str(src / "a.rst"), opts=conf)
    assert code == 0, err
    after = {t: (c.id, c.version.number) for t, c in current_pages(server.state).items()}
    assert after["A"] == (before["A"][0], before["A"][1] + 1)
    for title in ("Part Home", "B"):
        assert after[title] == before[title]  # neither removed nor rewritten
    # the inventory of the whole documentation is not replaced by a partial one
    assert server.state.download(before["Part Home"][0], "objects.inv").version.number == 1
    changed = [w for w in writes(server)[count:] if w.get("method") in ("PUT", "DELETE")]
    assert all(before["A"][0] in w.get("path", "") for w in changed), changed
