"""Secrets never leak: not in debug dumps, logs, printed output, errors or reprs, and never
to another host, even when the server redirects there."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from connection_helpers import capture_logs, emulator_settings, settings_for, tiny_server

from sphinxcontrib.confluencebuilder import errors as E
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.rest.base import Space
from sphinxcontrib.confluencebuilder.session import build_session, redact_headers, redact_text

GW_SECRET = "gw-secret-value-7f3a9c"
COOKIE_SECRET = "cookie-secret-value-91be"
PROVIDER_TOKEN_NAME = "X-Provider-Token"


def _secrets(server) -> list[str]:
    basic = base64.b64encode(f"{server.user}:{server.api_token}".encode()).decode()
    return [server.api_token, basic, GW_SECRET, COOKIE_SECRET, server.password,
            server.creds.sso_client_secret]


def test_debug_all_never_prints_a_secret(confluence_emulator, capsys, caplog) -> None:
    server = confluence_emulator
    caplog.set_level("DEBUG")
    settings = emulator_settings(
        server, publish_debug="all",
        publish_headers={"X-Gateway-Key": GW_SECRET},
        server_cookies={"SESSION": COOKIE_SECRET},
        publish_credential_provider=lambda: {"headers": {
            PROVIDER_TOKEN_NAME: server.creds.sso_client_secret}})
    with capture_logs() as lines:
        client = make_client(settings)
        space = client.get_space("DOCS")
        page = client.create_page(space, "Dumped", "<p>body</p>", None, properties={"k": 1})
        client.upload_attachment(page.id, "x.bin", b"\x00\x01", "application/octet-stream")
        client.get_page(page.id, body=True)
        with pytest.raises(E.ConfluenceNotFoundError) as info:
            client.get_space("MISSING")
        server.creds.api_token = "rotated-token-0000000000"  # a failing call is dumped too
        with pytest.raises(E.ConfluenceAuthError) as auth_info:
            client.get_space("DOCS")
        client.close()
    out = capsys.readouterr()
    text = "\n".join([*lines, caplog.text, out.out, out.err, str(info.value),
                      str(auth_info.value), repr(settings), repr(client.transport.session.auth)])
    # the dumps really happened, with headers and bodies, and redaction markers
    assert "confluence: request GET" in text and "confluence: response 200" in text
    assert "X-Gateway-Key: <redacted>" in text
    assert "Authorization: <redacted>" in text
    assert f"{PROVIDER_TOKEN_NAME}: <redacted>" in text
    assert '"title": "Dumped"' in text  # headers-and-data: JSON bodies are dumped
    assert "Starting new HTTP connection" in text  # urllib3 debug logging is on
    for secret in _secrets(server):
        assert secret not in text, secret


def test_redirect_to_another_port_receives_nothing_secret(confluence_emulator) -> None:
    """The API answers with a redirect to a second server; the client never goes there."""
    server = confluence_emulator
    with tiny_server(lambda r: (200, {"Content-Type": "application/json"}, b"{}")) as other:
        target = other.url + "collect"

        def redirect(req):
            return 302, {"Location": target + req.path}, b""

        with tiny_server(redirect) as front:
            settings = emulator_settings(
                server, server_url=front.url + "wiki/",
                publish_headers={"X-Gateway-Key": GW_SECRET},
                server_cookies={"SESSION": COOKIE_SECRET})
            with pytest.raises(E.ConfluenceSsoError) as info:
                make_client(settings).get_space("DOCS")
            assert len(front.received) == 1
            sent = front.received[0].headers
            assert sent["X-Gateway-Key"] == GW_SECRET and "Authorization" in sent
        assert other.received == []
    assert "127.0.0.1" in info.value.message
    assert "Credentials are never sent to the redirect target" in info.value.hint


def test_foreign_pagination_link_is_refused() -> None:
    leaked = []
    with tiny_server(lambda r: leaked.append(r) or (200, {}, b"{}")) as other:
        links = {"base": other.url.rstrip("/"), "next": "/rest/api/x?start=5"}
        page = json.dumps({"results": [], "_links": links}).encode()
        with tiny_server(lambda r: (200, {"Content-Type": "application/json"}, page)) as api:
            client = make_client(settings_for(api.url, publish_token="pat-never-leaks"))
            with pytest.raises(E.ConfluenceBadResponseError) as info:
                client.list_pages(Space("1", "DOCS", "Docs"))
    assert leaked == []
    assert "not the configured server" in info.value.message


def test_redact_headers_hides_credentials_and_injected_names() -> None:
    headers = {"Authorization": "Basic abc", "Cookie": "a=b", "Set-Cookie": "c=d",
               "Proxy-Authorization": "Basic x", "CF-Access-Client-Secret": "s",
               "X-Custom": "injected", "Accept": "application/json",
               "X-Atlassian-Token": "no-check"}
    out = redact_headers(headers, extra_names=("X-Custom",))
    for name in ("Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization",
                 "CF-Access-Client-Secret", "X-Custom"):
        assert out[name] == "<redacted>"
    assert out["Accept"] == "application/json" and out["X-Atlassian-Token"] == "no-check"


def test_redact_text_patterns() -> None:
    text = ("Authorization: Bearer abc.def-123\ncookie: JSESSIONID=xyz\n"
            "proxy http://user:pa55word@proxy:3128 and Basic dXNlcjpwdw== and my-token-99")
    out = redact_text(text, secrets=["my-token-99"])
    for secret in ("abc.def-123", "JSESSIONID=xyz", "pa55word", "dXNlcjpwdw==", "my-token-99"):
        assert secret not in out
    assert "http://user:<redacted>@proxy:3128" in out


def test_session_registers_its_secrets_for_later_redaction(confluence_emulator) -> None:
    server = confluence_emulator
    build_session(emulator_settings(server, publish_headers={"X-Api-Gate": "zz-gate-secret"}))
    assert "zz-gate-secret" not in redact_text("value was zz-gate-secret here")
    assert redact_headers({"X-Api-Gate": "v"})["X-Api-Gate"] == "<redacted>"
    assert server.api_token not in redact_text(f"token {server.api_token}")


def test_error_messages_never_contain_the_server_echo_of_a_secret() -> None:
    body = b'{"message": "bad token pat-echoed-123456 supplied"}'
    with tiny_server(lambda r: (400, {"Content-Type": "application/json"}, body)) as srv:
        settings = settings_for(srv.url, publish_token="pat-echoed-123456")
        with pytest.raises(E.ConfluenceBadRequestError) as info:
            make_client(settings).get_space("DOCS")
    assert "pat-echoed-123456" not in str(info.value)
    assert "<redacted>" in str(info.value)


def test_requests_to_the_server_carry_credentials(confluence_emulator) -> None:
    """The counterpart of the redirect test: the configured origin does get them."""
    server = confluence_emulator
    session = build_session(emulator_settings(server))
    reply = session.get(server.url + "rest/api/space/DOCS", timeout=5)
    assert reply.status_code == 200
    assert isinstance(session.auth, requests.auth.HTTPBasicAuth)


@pytest.mark.parametrize(("text", "kept"), [
    ("Basic authentication with passwords is deprecated.", "Basic authentication"),
    ('WWW-Authenticate: Basic realm="Confluence"', 'Basic realm="Confluence"'),
    ("your token has expired", "your token has expired"),
])
def test_redact_text_keeps_prose(text: str, kept: str) -> None:
    assert kept in redact_text(text)


@pytest.mark.parametrize("secret", ["dXNlcjpwYXNzd29yZA==", "abcDEFghi", "abc123", "x.y.z"])
def test_redact_text_hides_scheme_values(secret: str) -> None:
    assert secret not in redact_text(f"sent Basic {secret} and Bearer {secret}")
