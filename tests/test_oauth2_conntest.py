"""connection-test with OAuth 2.0 client credentials: each failure of the flow is named
with its cause, the options to set and exit code 1; secrets never appear."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_conntest_support import clean_environment, run_doctor, secrets_of, write_project

from sphinxcontrib.confluencebuilder.oauth2 import forget_caches


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Any:
    clean_environment(monkeypatch)
    forget_caches()
    yield
    forget_caches()


def oauth_lines(server: Any, *, secret: str | None = None, url: str | None = None,
                **extra: Any) -> str:
    lines = [f"confluence_oauth2_token_url = {url or server.token_url!r}",
             f"confluence_oauth2_client_id = {server.oauth.client_id!r}",
             f"confluence_oauth2_client_secret = {secret or server.oauth.client_secret!r}",
             "confluence_oauth2_scopes = ['read:page:confluence', 'write:page:confluence']"]
    lines += [f"confluence_oauth2_{k} = {v!r}" for k, v in extra.items()]
    return "\n".join(lines)


def doctor(tmp_path: Path, capsys: Any, server: Any, *, creds: str = "none", **kw: Any) -> Any:
    url = server.gateway_url if server.mode == "cloud" else server.url
    creds_lines = oauth_lines(server, **kw) + ("\n" + creds if creds != "none" else "")
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds=creds_lines, url=url))
    run.assert_no_secret(*secrets_of(server), server.oauth.client_secret, *server.oauth.history)
    return run


def expect(run: Any, cause: str, *options: str) -> None:
    assert run.code == 1, run.out
    assert cause in run.causes and cause in run.out, run.out
    assert set(options) <= run.options_of(cause), run.out
    for name in options:
        assert name in run.out


def test_working_service_account(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud")
    run = doctor(tmp_path, capsys, server)
    assert run.code == 0, run.out
    assert "the token endpoint issued an access token" in run.out
    assert server.oauth.issued == 1  # the live checks reuse the doctor's token


def test_token_endpoint_unreachable(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud")
    run = doctor(tmp_path, capsys, server, url="http://127.0.0.1:9/oauth/token")
    expect(run, "oauth2-unreachable", "confluence_oauth2_token_url")


def test_invalid_client(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud")
    run = doctor(tmp_path, capsys, server, secret="not-the-secret-at-all")
    expect(run, "oauth2-invalid-client", "confluence_oauth2_client_secret",
           "confluence_oauth2_client_id")
    assert "not-the-secret-at-all" not in run.text


def test_invalid_scope(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud", oauth_scopes=("read:page:confluence",))
    expect(doctor(tmp_path, capsys, server), "oauth2-invalid-scope", "confluence_oauth2_scopes")


def test_invalid_audience(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud", oauth_audience="api.atlassian.com")
    run = doctor(tmp_path, capsys, server, audience="https://wrong.example")
    expect(run, "oauth2-invalid-audience", "confluence_oauth2_audience")


def test_token_endpoint_answering_html(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud", oauth_fail="html")
    run = doctor(tmp_path, capsys, server)
    expect(run, "oauth2-not-json", "confluence_oauth2_token_url")
    assert "text/html" in run.out


def test_gateway_accepts_but_confluence_refuses(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud", oauth_confluence_refuses=True)
    expect(doctor(tmp_path, capsys, server), "oauth2-confluence-refused",
           "confluence_oauth2_client_id")


def test_proxy_accepts_but_confluence_refuses_the_pat(tmp_path, capsys,
                                                       confluence_emulator_factory):
    server = confluence_emulator_factory(mode="dc", sso="oauth2-proxy")
    run = doctor(tmp_path, capsys, server, header="X-Forwarded-Access-Token",
                 creds="confluence_publish_token = 'an-expired-personal-token'")
    expect(run, "oauth2-confluence-refused", "confluence_publish_token",
           "confluence_oauth2_header")


def test_proxy_with_the_pat_works(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="dc", sso="oauth2-proxy")
    run = doctor(tmp_path, capsys, server, header="X-Forwarded-Access-Token",
                 creds=f"confluence_publish_token = {server.pat!r}")
    assert run.code == 0, run.out


def test_entra_proxy_works(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="dc", sso="entra-proxy")
    assert doctor(tmp_path, capsys, server).code == 0


def test_clock_skew(tmp_path, capsys, confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud", oauth_clock_offset=900)
    run = doctor(tmp_path, capsys, server)
    expect(run, "oauth2-clock-skew", "confluence_oauth2_refresh_margin")
    assert "900 s ahead" in run.out or "899 s ahead" in run.out


def test_missing_secret_is_a_configuration_error(tmp_path, capsys,
                                                 confluence_emulator_factory):
    server = confluence_emulator_factory(mode="cloud")
    lines = oauth_lines(server).replace(
        f"confluence_oauth2_client_secret = {server.oauth.client_secret!r}", "")
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds=lines,
                                           url=server.gateway_url))
    assert run.code == 2 and "confluence_oauth2_client_secret" in run.out
    assert "Traceback" not in run.text
