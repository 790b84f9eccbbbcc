"""Progress that reads right: a line per step without a terminal, one redrawn line per
phase on one; no reorder noise on a first publish; a summary of what changed that names
pages left behind by removed documents and the option that would remove them."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sphinx.cmd.build import build_main
from test_conntest_support import clean_environment, write_project


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _project(tmp: Path, server: Any, docs: list[str]) -> Path:
    src = write_project(tmp / "p", server, extra="project = 'Progress'")
    toc = "".join(f"   {d}\n" for d in docs)
    (src / "index.rst").write_text(f"Progress Home\n=============\n\n.. toctree::\n\n{toc}",
                                   encoding="utf-8")
    for old in src.glob("d*.rst"):
        old.unlink()
    for doc in docs:
        (src / f"{doc}.rst").write_text(f"Page {doc}\n=======\n\nText.\n", encoding="utf-8")
    return src


def _build(capsys: Any, src: Path, out: Path, *flags: str) -> str:
    code = build_main([*flags, "-b", "confluence", str(src), str(out)])
    text = "".join(capsys.readouterr())
    assert code == 0, text
    return text


def test_a_line_per_step_without_a_terminal(tmp_path: Path, capsys: Any,
                                            confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    src = _project(tmp_path, server, ["d1", "d2", "d3"])
    text = _build(capsys, src, tmp_path / "out")
    lines = [line for line in text.splitlines() if line.startswith("publishing pages... ")]
    assert len(lines) == 4, text
    assert lines[0].startswith("publishing pages... [ 25%] 1/4 create ")
    assert lines[-1].startswith("publishing pages... [100%] 4/4 create ")
    assert "ordering pages" not in text and "reordered" not in text
    assert "published: 4 created (0 page(s) unchanged)" in text
    assert "confluence plan: 4 to create (0 page(s) unchanged)" in text  # no "0 to ..."
    # nothing changed: nothing is counted as published (-E: Sphinx 8.0 skips finish()
    # when no document is out of date)
    text = _build(capsys, src, tmp_path / "out", "-E")
    assert "publishing pages..." not in text
    assert "published: nothing changed (4 page(s) unchanged)" in text


def _run_on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run a command with its output on a pseudo-terminal; what it printed."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(args, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL,
                            env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_one_redrawn_line_on_a_terminal(tmp_path: Path,
                                        confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    src = _project(tmp_path, server, ["d1", "d2"])
    code, text = _run_on_a_terminal([sys.executable, "-m", "sphinx", "-b", "confluence",
                                     str(src), str(tmp_path / "out")])
    assert code == 0, text
    start = text.rindex("\x1b[2K", 0, text.index("publishing pages... "))
    phase = text[start:text.index("confluence: published", start)]
    # the phase ends at the first line printed after it (the inventory upload, say)
    phase = phase[:phase.index("\n") + 1] if "\n" in phase else phase
    # three steps redrawn in place on one line, ended by a single newline
    assert phase.count("\r") >= 3 and phase.count("\x1b[2K") == 3, repr(phase)
    assert phase.rstrip("\r\n").count("\n") == 0, repr(phase)
    assert "3/3" in phase and "100%" in phase


def test_summary_names_pages_left_behind(tmp_path: Path, capsys: Any,
                                         confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    src = _project(tmp_path, server, ["d1", "d2"])
    _build(capsys, src, tmp_path / "out")
    _project(tmp_path, server, ["d1"])
    text = _build(capsys, src, tmp_path / "out")
    assert "1 page(s) of removed documents were left in place: 'Page d2'" in text
    assert "confluence_cleanup_purge = True" in text
    text = _build(capsys, src, tmp_path / "out", "-E", "-D", "confluence_cleanup_purge=1")
    assert "1 removed" in text and "left in place" not in text
