"""The emulator is safe on a developer's machine (issue 17, item 8): its admin API
refuses requests another origin sends (a web page's cross-origin ``text/plain`` POST),
every path answers only its own ``Host`` (DNS rebinding), and ``sandbox`` rejects a bad
``--port`` or an unwritable ``--persist`` path at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from sphinxcontrib.confluencebuilder.testing import sandbox

T = 5


def _knobs(server: Any) -> dict[str, Any]:
    return requests.get(server.origin + "/__emulator__/knobs", timeout=T).json()


def test_a_cross_origin_text_plain_post_cannot_switch_on_anonymous_access(
        confluence_emulator: Any) -> None:
    s = confluence_emulator
    attack = requests.post(s.origin + "/__emulator__/configure", timeout=T,
                           data='{"anonymous_access": true}',
                           headers={"Content-Type": "text/plain",
                                    "Origin": "https://evil.example",
                                    "Sec-Fetch-Site": "cross-site"})
    assert attack.status_code == 403
    assert "another origin" in attack.json()["message"]
    assert _knobs(s)["anonymous_access"] is False
    reset = requests.post(s.origin + "/__emulator__/reset", timeout=T,
                          headers={"Origin": "http://localhost:1"})
    assert reset.status_code == 403


def test_a_browser_request_marked_cross_site_is_refused(confluence_emulator: Any) -> None:
    s = confluence_emulator
    rsp = requests.post(s.origin + "/__emulator__/configure", timeout=T,
                        json={"anonymous_access": True},
                        headers={"Sec-Fetch-Site": "cross-site"})
    assert rsp.status_code == 403
    assert _knobs(s)["anonymous_access"] is False


def test_same_origin_admin_requests_still_work(confluence_emulator: Any) -> None:
    s = confluence_emulator
    for origin in (s.origin, f"http://localhost:{s.port}"):
        rsp = requests.post(s.origin + "/__emulator__/configure", timeout=T,
                            json={"latency": 0.0}, headers={"Origin": origin,
                                                            "Sec-Fetch-Site": "same-origin"})
        assert rsp.status_code == 200, rsp.text


@pytest.mark.parametrize("path", ["/__emulator__/state", "/wiki/rest/api/space/DOCS",
                                  "/wiki/api/v2/spaces"])
def test_only_its_own_host_is_answered(confluence_emulator: Any, path: str) -> None:
    """DNS rebinding: a hostile name resolving to 127.0.0.1 gets no answer from it."""
    s = confluence_emulator
    auth = (s.user, s.api_token)
    rebound = requests.get(s.origin + path, auth=auth, timeout=T,
                           headers={"Host": f"evil.example:{s.port}"})
    assert rebound.status_code in (403, 421)
    assert "answers only requests for" in rebound.json()["message"]
    assert "DOCS" not in rebound.text
    for host in (f"127.0.0.1:{s.port}", f"localhost:{s.port}"):
        ok = requests.get(s.origin + path, auth=auth, timeout=T, headers={"Host": host})
        assert ok.status_code == 200


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_sandbox_rejects_a_bad_port(port: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as caught:
        sandbox.main(["--port", port, "--time-limit", "0.1"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "--port" in err and "not a port number" in err and "Traceback" not in err


def test_sandbox_rejects_an_unwritable_persist_path_at_start(tmp_path: Path,
                                                             capsys: Any) -> None:
    target = tmp_path / "no-such-directory" / "state.json"
    assert sandbox.main(["--persist", str(target), "--time-limit", "30"]) == 1
    captured = capsys.readouterr()
    assert "cannot write the --persist file" in captured.err
    assert str(target) in captured.err
    assert "listening" not in captured.out      # refused before serving


def test_sandbox_persist_file_is_written_at_start(tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "state.json"
    assert sandbox.main(["--persist", str(target), "--time-limit", "0.1"]) == 0
    assert target.exists()
