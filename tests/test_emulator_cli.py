"""The ``sandbox`` subcommand: a foreground emulator for humans and CI scripts."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from tls_helpers import make_ca_and_cert

from sphinxcontrib.confluencebuilder.testing import sandbox


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sphinxcontrib.confluencebuilder", "sandbox",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_sandbox_json_first_line_then_serves_until_signal(tmp_path: Path, stop: int) -> None:
    store = tmp_path / "state.json"
    proc = _spawn("--mode", "dc", "--json", "--persist", str(store), "--time-limit", "30")
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["mode"] == "dc" and info["space_key"] == "DOCS"
        assert info["url"].startswith("http://127.0.0.1:")
        rsp = requests.get(info["url"] + "rest/api/space/DOCS", timeout=5,
                           headers={"Authorization": f"Bearer {info['pat']}"})
        assert rsp.status_code == 200
        basic = requests.get(info["url"] + "rest/api/space/DOCS", timeout=5,
                             auth=(info["user"], info["password"]))
        assert basic.status_code == 200
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out
    saved = json.loads(store.read_text())
    assert [s["key"] for s in saved["spaces"]] == ["DOCS"]


def test_sandbox_time_limit_exits_cleanly() -> None:
    started = time.monotonic()
    proc = _spawn("--port", "0", "--time-limit", "0.5")
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert time.monotonic() - started < 15
    assert "/wiki/" in out and "api_token" in out and "DOCS" in out


def test_sandbox_main_in_process(capsys) -> None:
    assert sandbox.main(["--json", "--time-limit", "0.1", "--sso", "cookie",
                         "--user", "ci@example.com", "--api-token", "fixed-token"]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    info = json.loads(first)
    assert info["mode"] == "cloud" and info["sso"] == "cookie"
    assert (info["user"], info["api_token"]) == ("ci@example.com", "fixed-token")
    assert info["cloud_id"] and info["gateway_url"].endswith("/wiki/")
    assert any("listening on" in line for line in rest)


def test_sandbox_port_in_use_fails_with_message(capsys) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert sandbox.main(["--port", str(port), "--time-limit", "0.1"]) == 1
    assert "cannot start" in capsys.readouterr().err


def test_sandbox_https(tmp_path: Path, capsys) -> None:
    ca, cert, key = make_ca_and_cert(tmp_path)
    proc = _spawn("--json", "--tls", str(cert), str(key), "--time-limit", "30")
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["url"].startswith("https://127.0.0.1:")
        rsp = requests.get(info["url"] + "rest/api/space/DOCS", verify=str(ca), timeout=5,
                           auth=(info["user"], info["api_token"]))
        assert rsp.status_code == 200
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert sandbox.main(["--tls", str(tmp_path / "missing.pem"), str(key)]) == 1
    assert "cannot start" in capsys.readouterr().err


def test_sandbox_conf_snippet_publishes(tmp_path: Path, make_app,
                                        confluence_emulator_factory) -> None:
    from sphinxcontrib.confluencebuilder.testing.sandbox import conf_snippet

    for mode in ("cloud", "dc"):
        server = confluence_emulator_factory(mode=mode)
        src = tmp_path / mode
        src.mkdir()
        (src / "conf.py").write_text(
            "extensions = ['sphinxcontrib.confluencebuilder']\n"
            + "\n".join(conf_snippet(server)) + "\n", encoding="utf-8")
        (src / "index.rst").write_text("Snippet Home\n============\n\nHello.\n",
                                       encoding="utf-8")
        app = make_app("confluence", srcdir=src)
        app.build()
        assert app.statuscode == 0
        titles = {page.title for page in server.state.find_pages(server.space_key)}
        assert "Snippet Home" in titles, mode
