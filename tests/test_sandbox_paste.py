"""The sandbox's printed conf.py block works as printed in every SSO mode, and its admin
URL answers with an index of the admin endpoints."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from sphinx.cmd.build import build_main
from test_conntest_support import clean_environment

from sphinxcontrib.confluencebuilder.testing.auth import SSO_MODES

START, END = "# -- Confluence emulator ", "# ------"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _printed_block(proc: subprocess.Popen[str]) -> tuple[dict[str, Any], list[str]]:
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    block: list[str] = []
    inside = False
    for line in proc.stdout:
        if line.startswith(START):
            inside = True
        elif line.startswith(END):
            break
        elif inside:
            block.append(line.rstrip("\n"))
    return info, block


@pytest.mark.parametrize("sso", [None, *SSO_MODES])
def test_printed_conf_block_publishes_as_printed(tmp_path: Path, capsys: Any,
                                                 sso: str | None) -> None:
    mode = "dc" if sso in ("negotiate", "login-page") else "cloud"
    args = ["--json", "--time-limit", "120", "--mode", mode] + (["--sso", sso] if sso else [])
    proc = subprocess.Popen([sys.executable, "-m", "sphinxcontrib.confluencebuilder", "sandbox",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        info, block = _printed_block(proc)
        src = tmp_path / "docs"
        src.mkdir()
        (src / "conf.py").write_text("extensions = ['sphinxcontrib.confluencebuilder']\n"
                                     + "\n".join(block) + "\n", encoding="utf-8")
        (src / "index.rst").write_text("Pasted Home\n===========\n\nHello.\n", encoding="utf-8")
        code = build_main(["-b", "confluence", str(src), str(tmp_path / "out")])
        text = "".join(capsys.readouterr())
        assert code == 0, (block, text)
        tree = requests.get(info["admin"] + "tree", timeout=10).json()
        assert "Pasted Home" in json.dumps(tree)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def test_admin_url_lists_the_admin_endpoints(confluence_emulator: Any) -> None:
    rsp = requests.get(confluence_emulator.origin + "/__emulator__/", timeout=10)
    assert rsp.status_code == 200
    endpoints = {(e["method"], e["path"]) for e in rsp.json()["endpoints"]}
    assert ("GET", "/__emulator__/tree") in endpoints
    assert ("POST", "/__emulator__/configure") in endpoints
    for method, path in endpoints:
        if method == "GET":
            assert requests.get(confluence_emulator.origin + path, timeout=10).status_code == 200
