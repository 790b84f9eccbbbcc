"""build_session against the emulator: every way to authenticate, SSO front ends, proxies,
default headers, and config errors raised before any request."""

from __future__ import annotations

import http.cookiejar
import time

import pytest
import requests
from connection_helpers import emulator_settings
from requests.auth import AuthBase

from sphinxcontrib.confluencebuilder.errors import ConfluenceAuthError, ConfluenceConfigError
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.session import build_session


def _space_ok(settings) -> None:
    client = make_client(settings)
    assert client.get_space("DOCS").key == "DOCS"


def _last(server) -> dict:
    return server.requests[-1]


def test_cloud_basic_with_api_token(confluence_emulator) -> None:
    settings = emulator_settings(confluence_emulator)
    _space_ok(settings)
    entry = _last(confluence_emulator)
    assert entry["headers"]["Authorization"].startswith("Basic ")
    assert entry["user"] == confluence_emulator.user


def test_cloud_basic_with_password_slot(confluence_emulator) -> None:
    # confluence_server_pass is the same Basic slot as the API token
    settings = emulator_settings(confluence_emulator, api_token=None,
                                 server_pass=confluence_emulator.api_token)
    _space_ok(settings)


def test_dc_bearer_token(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    _space_ok(emulator_settings(server))
    assert _last(server)["headers"]["Authorization"].startswith("Bearer ")


def test_dc_basic_user_password(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    _space_ok(emulator_settings(server, publish_token=None, server_user=server.user,
                                server_pass=server.password))
    assert _last(server)["user"] == server.user


def test_wrong_token_is_auth_error_naming_the_option(confluence_emulator) -> None:
    settings = emulator_settings(confluence_emulator, api_token="wrong-token-value")
    with pytest.raises(ConfluenceAuthError) as info:
        make_client(settings).get_space("DOCS")
    assert "confluence_api_token" in info.value.options
    assert "wrong-token-value" not in str(info.value)


class NegotiateAuth(AuthBase):
    """A stand-in for requests-gssapi: adds a fixed Negotiate token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls = 0

    def __call__(self, request):  # type: ignore[no-untyped-def]
        self.calls += 1
        request.headers["Authorization"] = f"Negotiate {self.token}"
        return request


def test_custom_requests_auth(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc", sso="negotiate")
    auth = NegotiateAuth(server.negotiate_token)
    _space_ok(emulator_settings(server, publish_token=None, server_auth=auth))
    assert auth.calls >= 1
    assert _last(server)["status"] == 200


def test_sso_header_gateway_with_publish_headers(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(sso="header")
    _space_ok(emulator_settings(server, publish_headers=server.sso_headers))


def test_sso_cookie_dict(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie")
    cookies = {server.sso_cookie_name: server.sso_cookie}
    _space_ok(emulator_settings(server, server_cookies=cookies))


def test_sso_cookie_file_netscape_format(confluence_emulator_factory, tmp_path) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie")
    jar = http.cookiejar.MozillaCookieJar(str(tmp_path / "cookies.txt"))
    jar.set_cookie(http.cookiejar.Cookie(
        0, server.sso_cookie_name, server.sso_cookie, None, False, "127.0.0.1", True, False,
        "/", True, False, int(time.time()) + 3600, False, None, None, {}))
    jar.save(ignore_discard=True)
    _space_ok(emulator_settings(server, server_cookies=str(tmp_path / "cookies.txt")))


def test_unreadable_cookie_file_fails_before_any_request(confluence_emulator_factory,
                                                         tmp_path) -> None:
    server = confluence_emulator_factory(mode="dc")
    bad = tmp_path / "cookies.txt"
    bad.write_text("this is not a netscape cookie file\n")
    with pytest.raises(ConfluenceConfigError) as info:
        make_client(emulator_settings(server, server_cookies=str(bad)))
    assert info.value.option == "confluence_server_cookies"
    assert server.requests == []


def test_cookies_only_go_to_the_configured_host(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    session = build_session(emulator_settings(server, server_cookies={"SID": "cookie-v"}))
    cookies = session.cookies.get_dict(domain="127.0.0.1")
    assert cookies == {"SID": "cookie-v"}
    other = requests.Request("GET", "http://localhost:1/").prepare()
    other.prepare_cookies(session.cookies)
    assert "Cookie" not in other.headers


def test_header_with_newline_fails_before_any_request(confluence_emulator) -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        emulator_settings(confluence_emulator, publish_headers={"X-Key": "v\r\nX-Evil: 1"})
    assert info.value.option == "confluence_publish_headers"
    assert confluence_emulator.requests == []


def test_malformed_url_fails_before_any_request(confluence_emulator) -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        emulator_settings(confluence_emulator, server_url=confluence_emulator.url + " x y")
    assert info.value.option == "confluence_server_url"
    assert confluence_emulator.requests == []


def test_session_override_hook_is_applied_last(confluence_emulator) -> None:
    seen = []

    def override(session: requests.Session) -> None:
        seen.append(session)
        session.headers["X-Override"] = "hooked"

    settings = emulator_settings(confluence_emulator, request_session_override=override)
    _space_ok(settings)
    assert len(seen) == 1
    assert _last(confluence_emulator)["headers"]["X-Override"] == "hooked"


def test_default_headers(confluence_emulator) -> None:
    _space_ok(emulator_settings(confluence_emulator))
    headers = _last(confluence_emulator)["headers"]
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("sphinxcontrib-confluencebuilder/")
    assert headers["X-Atlassian-Token"] == "no-check"


def test_explicit_proxy_with_credentials(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(sso="proxy")
    # without the proxy the front end refuses direct connections
    direct = emulator_settings(server)
    with pytest.raises(Exception):  # noqa: B017 - the type is tested in test_rest_classify
        make_client(direct).get_space("DOCS")
    _space_ok(emulator_settings(server, proxy=server.proxy_url))
    assert _last(server)["proxied"] is True


def test_proxy_from_environment_still_works(confluence_emulator_factory, monkeypatch) -> None:
    server = confluence_emulator_factory(sso="proxy")
    monkeypatch.setenv("HTTP_PROXY", server.proxy_url)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.delenv("no_proxy", raising=False)
    _space_ok(emulator_settings(server))
    assert _last(server)["proxied"] is True


def test_timeout_is_passed(confluence_emulator) -> None:
    from sphinxcontrib.confluencebuilder.errors import ConfluenceTimeoutError
    confluence_emulator.configure(latency=0.5)
    settings = emulator_settings(confluence_emulator, timeout=0.1)
    with pytest.raises(ConfluenceTimeoutError) as info:
        make_client(settings).get_space("DOCS")
    assert "confluence_timeout" in info.value.options


def test_cookies_reach_a_host_name_without_dots(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie")
    cookies = {server.sso_cookie_name: server.sso_cookie}
    settings = emulator_settings(server, server_url=f"http://localhost:{server.port}/",
                                 server_cookies=cookies)
    _space_ok(settings)
