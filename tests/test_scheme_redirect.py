"""An http -> https redirect is a scheme mismatch with its fix, not single sign-on
(issue 17, item 10), both in the build's errors and in connection-test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from connection_helpers import Received, settings_for, tiny_server
from test_conntest_support import clean_environment, run_doctor

from sphinxcontrib.confluencebuilder.errors import ConfluenceBadResponseError, ConfluenceSsoError
from sphinxcontrib.confluencebuilder.rest import make_client


def _to_https(got: Received) -> tuple[int, dict[str, str], bytes]:
    host = got.headers.get("Host", "")
    return 301, {"Location": f"https://{host}{got.path}"}, b""


def test_build_error_names_the_scheme_and_the_https_url() -> None:
    with tiny_server(_to_https) as server:
        url = server.url + "confluence/"
        client = make_client(settings_for(url, space_key="DOCS", publish_token="t" * 20))
        with pytest.raises(ConfluenceBadResponseError) as caught:
            client.get_space("DOCS")
    error = caught.value
    assert not isinstance(error, ConfluenceSsoError)
    assert "redirects http to https" in error.message
    assert "single sign-on" not in str(error) and "login at" not in str(error)
    fixed = url.replace("http://", "https://")
    assert f"confluence_server_url = {fixed!r}" in error.hint
    assert error.options == ("confluence_server_url",)
    assert len(server.received) == 1     # the redirect was not followed


def test_connection_test_reports_a_scheme_mismatch(tmp_path: Path, capsys: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)
    with tiny_server(_to_https) as server:
        project = tmp_path / "p"
        project.mkdir()
        (project / "conf.py").write_text(
            "extensions = ['sphinxcontrib.confluencebuilder']\nconfluence_publish = True\n"
            f"confluence_server_url = {server.url + 'confluence/'!r}\n"
            "confluence_space_key = 'DOCS'\nconfluence_publish_token = 'x' * 24\n",
            encoding="utf-8")
        run = run_doctor(capsys, project)
    assert run.code != 0
    assert "scheme-mismatch" in run.causes, run.out
    assert not any(c.startswith("sso") for c in run.causes)
    fixed = (server.url + "confluence/").replace("http://", "https://")
    assert fixed in run.out
    assert run.options_of("scheme-mismatch") == {"confluence_server_url"}
