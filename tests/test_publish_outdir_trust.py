"""``publish OUTDIR`` trusts nothing in the output directory (issue 17, item 9).

A tampered directory (a CI artifact made by a less trusted job) naming a file outside
it, through a path or a symlink, or whose metadata does not match its files, publishes
nothing: the command exits non-zero with a clear error and the emulator sees no write."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import Doc, writes
from publish_helpers import write_bundle as write_docs

from sphinxcontrib.confluencebuilder.publisher.command import main as publish_main

SECRET = b"the contents of a file outside the output directory\n"


@pytest.fixture
def setup(confluence_emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
          ) -> tuple[Any, Path, list[str]]:
    server = confluence_emulator
    for name in list(os.environ):
        if name.upper().startswith("CONFLUENCE_"):
            monkeypatch.delenv(name)
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['sphinxcontrib.confluencebuilder']\n"
        f"confluence_server_url = {server.url!r}\nconfluence_space_key = 'DOCS'\n"
        f"confluence_cloud = True\nconfluence_server_user = {server.user!r}\n"
        "confluence_publish = True\n", encoding="utf-8")
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", server.api_token)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    out = write_docs(tmp_path / "deep" / "out", [
        Doc("index", "Root", files={"logo.png": b"logo"}), Doc("a", "A", "index")])
    return server, out, [str(out), "--work-dir", str(src)]


def _meta(out: Path, docname: str) -> dict[str, Any]:
    return json.loads((out / f"{docname}.meta.json").read_text(encoding="utf-8"))


def _set_meta(out: Path, docname: str, meta: dict[str, Any]) -> None:
    (out / f"{docname}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _point_attachment_at(target: str) -> Callable[[Path], None]:
    def tamper(out: Path) -> None:
        meta = _meta(out, "index")
        meta["attachments"][0].update(path=target, size=len(SECRET),
                                      sha256=hashlib.sha256(SECRET).hexdigest())
        _set_meta(out, "index", meta)
    return tamper


def _symlink_attachment(out: Path) -> None:
    digest = hashlib.sha256(SECRET).hexdigest()
    link = out / "_attachments" / f"{digest}.png"
    link.symlink_to(out.parent.parent / "secret.txt")
    _point_attachment_at(f"_attachments/{digest}.png")(out)


def _page_file_outside(out: Path) -> None:
    manifest = json.loads((out / "scb-manifest.json").read_text(encoding="utf-8"))
    (out.parent / "evil.conf").write_bytes(SECRET)
    manifest["pages"]["a"].update(file="../evil.conf",
                                  body_sha256=hashlib.sha256(SECRET).hexdigest())
    (out / "scb-manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _wrong_size(out: Path) -> None:
    meta = _meta(out, "index")
    meta["attachments"][0]["size"] += 1
    _set_meta(out, "index", meta)


def _junk_manifest(out: Path) -> None:
    manifest = json.loads((out / "scb-manifest.json").read_text(encoding="utf-8"))
    manifest["pages"]["a"]["file"] = ["a.conf"]
    (out / "scb-manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _junk_meta(out: Path) -> None:
    meta = _meta(out, "a")
    meta["labels"] = "not-a-list"
    _set_meta(out, "a", meta)


CASES = {
    "attachment _attachments/../../../secret.txt": (
        _point_attachment_at("_attachments/../../../secret.txt"),
        "resolves outside the output directory"),
    "attachment ../../../etc/hostname": (_point_attachment_at("../../../etc/hostname"),
                                         "not in _attachments/"),
    "attachment absolute path": (_point_attachment_at("/etc/hostname"), "not in _attachments/"),
    "attachment symlink": (_symlink_attachment, "resolves outside the output directory"),
    "page file outside": (_page_file_outside, "resolves outside the output directory"),
    "attachment size": (_wrong_size, "its metadata says"),
    "manifest shape": (_junk_manifest, "'file' is not a file name"),
    "metadata shape": (_junk_meta, "'labels' is not a list of strings"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_tampered_output_directory_publishes_nothing(setup: Any, capsys: Any,
                                                       case: str) -> None:
    server, out, args = setup
    tamper, words = CASES[case]
    tamper(out)
    assert publish_main(args) != 0
    captured = capsys.readouterr()
    assert words in captured.err, captured.err
    assert "rebuild" in captured.err.lower()
    assert "Traceback" not in captured.out + captured.err
    assert SECRET.decode().strip() not in captured.out + captured.err
    assert writes(server) == []
    assert all(SECRET not in (a.data or b"") for a in server.state.content.values()
               if getattr(a, "data", None) is not None)


def test_an_untampered_output_directory_still_publishes(setup: Any) -> None:
    server, out, args = setup
    assert publish_main(args) == 0
    assert len(writes(server)) > 0
