"""Where to look: ``preview``, ``sandbox --export``, ``demo --serve`` and the static export
(a folder of HTML that works from disk)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from view_helpers import (
    by_class,
    check_export,
    get_page,
    parse_html,
    publish_project,
    text_of,
)

from sphinxcontrib.confluencebuilder import preview
from sphinxcontrib.confluencebuilder.testing import sandbox
from sphinxcontrib.confluencebuilder.testing.export import export_space

ROOTS = Path(__file__).parent / "roots"
DOC = Path(__file__).parent.parent / "doc"


def test_export_of_a_published_project_works_from_disk(tmp_path, confluence_emulator):
    src = tmp_path / "views"
    import shutil

    shutil.copytree(ROOTS / "test-views", src)
    publish_project(src, tmp_path / "out", confluence_emulator)
    index = export_space(confluence_emulator.state, "DOCS", tmp_path / "site")
    seen = check_export(tmp_path / "site")
    assert seen["images"] >= 1 and seen["links"] >= 10
    root = parse_html(index.read_text("utf-8"))
    titles = [text_of(a) for a in by_class(root, "page-tree")[0].iter("a")]
    assert titles[:1] == ["Documentation Home"] and "Guide Page" in titles
    page = confluence_emulator.state.find_pages("DOCS", "Views Home")[0]
    png = next((tmp_path / "site" / "attachments" / page.id).glob("pic.png"))
    assert png.read_bytes() == (ROOTS / "test-views" / "pic.png").read_bytes()


def test_preview_export_of_doc_is_self_contained(tmp_path, capsys):
    status = preview.main([str(DOC), "--out", str(tmp_path / "out"),
                           "--export", str(tmp_path / "site")])
    out = capsys.readouterr().out
    assert status == 0
    assert "Static preview written:" in out and "/wiki/spaces/DOCS/overview" in out
    seen = check_export(tmp_path / "site")
    assert seen["pages"] >= 11 and seen["images"] >= 1 and seen["links"] >= 50


def test_preview_needs_a_project_and_a_directory(tmp_path, capsys):
    assert preview.main([str(tmp_path)]) == 2
    assert "has no conf.py" in capsys.readouterr().err
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    assert preview.main([str(ROOTS / "test-views"), "--export", str(afile)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_preview_publishes_to_the_emulator_whatever_conf_py_names(tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.setenv("CONFLUENCE_SERVER_URL", "https://env.invalid/wiki/")
    src = tmp_path / "proj"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['sphinxcontrib.confluencebuilder']\n"
        "confluence_server_url = 'https://real.invalid/wiki/'\n"
        "confluence_space_key = 'REAL'\nconfluence_parent_page = 'Team Docs'\n", "utf-8")
    (src / "index.rst").write_text("Proj Home\n=========\n\nBody.\n", "utf-8")
    assert preview.main([str(src), "--out", str(tmp_path / "out"),
                         "--export", str(tmp_path / "site")]) == 0
    index = parse_html((tmp_path / "site" / "index.html").read_text("utf-8"))
    tree = [text_of(a) for a in by_class(index, "page-tree")[0].iter("a")]
    assert tree == ["Documentation Home", "Proj Home"]


def test_preview_reports_a_failed_build(tmp_path, capsys):
    src = tmp_path / "bad"
    src.mkdir()
    (src / "conf.py").write_text("raise RuntimeError('broken conf')\n", "utf-8")
    assert preview.main([str(src), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "broken conf" in err and "Traceback" not in err
    (src / "conf.py").write_text("extensions = ['sphinxcontrib.confluencebuilder']\n"
                                 "confluence_publish_prefix = 7\n", "utf-8")
    (src / "index.rst").write_text("Title\n=====\n", "utf-8")
    assert preview.main([str(src), "--out", str(tmp_path / "out")]) != 0
    assert "Traceback" not in capsys.readouterr().err


def test_sandbox_export_writes_the_persisted_space(tmp_path, confluence_emulator, capsys):
    src = tmp_path / "views"
    import shutil

    shutil.copytree(ROOTS / "test-views", src)
    publish_project(src, tmp_path / "out", confluence_emulator)
    store = confluence_emulator.save(tmp_path / "state.json")
    assert sandbox.main(["--persist", str(store), "--json", "--time-limit", "0.1",
                         "--export", str(tmp_path / "site")]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert json.loads(first)["home"].endswith("/wiki/spaces/DOCS/overview")
    assert any("Static preview written" in line for line in rest)
    assert check_export(tmp_path / "site")["images"] >= 1
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    assert sandbox.main(["--time-limit", "0.1", "--export", str(afile)]) == 2
    assert "is a file" in capsys.readouterr().err


def _serve(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    """Start a serving command; returns it, the space-home URL it printed and its
    output so far."""
    proc = subprocess.Popen([sys.executable, "-m", "sphinxcontrib.confluencebuilder", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines = []
    home = ""
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Space home:"):
            home = line.split(":", 1)[1].strip()
        if line.startswith("Serving") and home:   # the signal handlers are in place
            return proc, home, lines
    proc.wait(timeout=30)
    pytest.fail("no space home printed:\n" + "".join(lines) + proc.stderr.read())


@pytest.mark.parametrize("command", ["demo", "preview"])
def test_demo_serve_and_preview_keep_serving_until_interrupted(tmp_path, command):
    extra = ["--serve"] if command == "demo" else ["--time-limit", "120"]
    proc, home, lines = _serve(command, str(ROOTS / "test-views"), "--out",
                               str(tmp_path / "o"), *extra)
    try:
        _, root = get_page(home)
        point = next(line for line in lines if "Publish point:" in line)
        _, published = get_page(point.split("Publish point:", 1)[1].strip())
        assert text_of(by_class(published, "page-title")[0]) == "Views Home"
        tree = [text_of(a) for a in by_class(root, "page-tree")[0].iter("a")]
        assert "Views Home" in tree and "Guide Page" in tree
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    with pytest.raises(requests.ConnectionError):
        requests.get(home, timeout=5)


def test_preview_open_starts_the_browser_on_the_space_home(tmp_path):
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text("import sys, pathlib\n"
                      f"pathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n", "utf-8")
    env = dict(os.environ, BROWSER=f"{sys.executable} {script} %s")
    proc = subprocess.Popen([sys.executable, "-m", "sphinxcontrib.confluencebuilder", "preview",
                             str(ROOTS / "test-views"), "--out", str(tmp_path / "o"),
                             "--open", "--time-limit", "120"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        home = next(line for line in proc.stdout if line.startswith("Space home:"))
        home = home.split(":", 1)[1].strip()
        next(line for line in proc.stdout if line.startswith("Serving"))
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    for _ in range(300):  # the browser command runs on its own; give it time to start
        if opened.exists() and opened.read_text():
            break
        time.sleep(0.1)
    assert opened.read_text() == home
