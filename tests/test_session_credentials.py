"""Short-lived credentials from confluence_publish_credential_provider: fetched at start,
refreshed once when the server answers 401 or redirects to a login."""

from __future__ import annotations

import json
import sys

import pytest
from connection_helpers import emulator_settings

from sphinxcontrib.confluencebuilder.errors import (
    ConfluenceAuthError,
    ConfluenceConfigError,
    ConfluenceSsoError,
)
from sphinxcontrib.confluencebuilder.rest import make_client


class Vault:
    """A credential source that hands out whatever the server currently accepts."""

    def __init__(self, server) -> None:
        self.server = server
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return self.server.pat


def test_callable_token_is_bearer_on_dc(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    vault = Vault(server)
    client = make_client(emulator_settings(server, publish_token=None,
                                           publish_credential_provider=vault))
    assert client.get_space("DOCS").key == "DOCS"
    assert vault.calls == 1
    assert server.requests[-1]["headers"]["Authorization"].startswith("Bearer ")


def test_token_rotated_mid_run_is_refreshed_once(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    vault = Vault(server)
    client = make_client(emulator_settings(server, publish_token=None,
                                           publish_credential_provider=vault))
    client.get_space("DOCS")
    server.creds.pat = "rotated-" + server.pat[:20]    # the old token expires
    assert client.get_space("DOCS").key == "DOCS"     # 401 -> refresh -> retry
    assert vault.calls == 2
    statuses = [r["status"] for r in server.requests]
    assert statuses[-2:] == [401, 200]


def test_refresh_happens_only_once_per_failure(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    calls = []

    def stale() -> str:
        calls.append(1)
        return "always-stale-token"

    client = make_client(emulator_settings(server, publish_token=None,
                                           publish_credential_provider=stale))
    with pytest.raises(ConfluenceAuthError) as info:
        client.get_space("DOCS")
    assert len(calls) == 2  # at start, then one refresh
    assert "confluence_publish_credential_provider" in info.value.options
    assert "always-stale-token" not in str(info.value)
    assert [r["status"] for r in server.requests] == [401, 401]


def test_cloud_callable_token_uses_basic_with_user(confluence_emulator) -> None:
    server = confluence_emulator
    client = make_client(emulator_settings(server, api_token=None,
                                           publish_credential_provider=lambda: server.api_token))
    assert client.get_space("DOCS").key == "DOCS"
    assert server.requests[-1]["headers"]["Authorization"].startswith("Basic ")


def test_dict_with_cookies_refreshed_after_login_redirect(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie")
    issued = []

    def session_cookie() -> dict:
        issued.append(server.sso_cookie)
        return {"cookies": {server.sso_cookie_name: server.sso_cookie}}

    client = make_client(emulator_settings(server, publish_credential_provider=session_cookie))
    client.get_space("DOCS")
    server.creds.sso_cookie = "NEWSESSION0123456789"   # the SSO session expired
    assert client.get_space("DOCS").key == "DOCS"      # 302 to login -> refresh -> retry
    assert issued[-1] == "NEWSESSION0123456789" and len(issued) == 2


def test_login_redirect_without_provider_is_sso_error(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie")
    with pytest.raises(ConfluenceSsoError) as info:
        make_client(emulator_settings(server)).get_space("DOCS")
    assert "confluence_server_cookies" in info.value.options


def test_command_printing_a_token(confluence_emulator_factory, tmp_path) -> None:
    server = confluence_emulator_factory(mode="dc")
    token_file = tmp_path / "token"
    token_file.write_text(server.pat + "\n")
    command = f'{sys.executable} -c "import sys; print(open(sys.argv[1]).read())" {token_file}'
    client = make_client(emulator_settings(server, publish_token=None,
                                           publish_credential_provider=command))
    assert client.get_space("DOCS").key == "DOCS"
    server.creds.pat = "second-token-abcdef"
    token_file.write_text("second-token-abcdef")
    assert client.get_space("DOCS").key == "DOCS"


def test_command_printing_json_headers(confluence_emulator_factory, tmp_path) -> None:
    server = confluence_emulator_factory(sso="header")
    script = tmp_path / "gw.py"
    headers = json.dumps(server.sso_headers)
    script.write_text(f"import json; print(json.dumps({{'headers': {headers}}}))")
    client = make_client(emulator_settings(
        server, publish_credential_provider=f"{sys.executable} {script}"))
    assert client.get_space("DOCS").key == "DOCS"


def test_failing_command_is_config_error_before_any_request(confluence_emulator) -> None:
    command = f'{sys.executable} -c "import sys; sys.stderr.write(\'nope\'); sys.exit(3)"'
    with pytest.raises(ConfluenceConfigError) as info:
        make_client(emulator_settings(confluence_emulator, publish_credential_provider=command))
    assert info.value.option == "confluence_publish_credential_provider"
    assert "status 3" in str(info.value)
    assert confluence_emulator.requests == []


def test_provider_returning_garbage_is_config_error(confluence_emulator) -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        make_client(emulator_settings(confluence_emulator,
                                      publish_credential_provider=lambda: {"bogus": 1}))
    assert info.value.option == "confluence_publish_credential_provider"
    assert confluence_emulator.requests == []
