"""Redaction of the final text: a server that echoes the token (in a header, a redirect
``Location``, a page link, an error body; as is, lower-cased or URL-encoded) never
makes it appear in a log line, an error, the publish summary, ``confluence-plan.json``
or ``connection-test``'s text and JSON, at any verbosity. A wrongly typed secret
option shows only its type."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hostile_helpers import build, echo_proxy, find_secrets, make_project, scan_tree
from publish_helpers import current_pages
from test_conntest_support import clean_environment, run_doctor, write_project

from sphinxcontrib.confluencebuilder.redaction import redact


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _echo_everywhere(method: str, path: str, sent: dict[str, str], status: int,
                     headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Echo the caller's credential in a header (lower-cased), and put it URL-encoded
    into every page link of a JSON answer."""
    token = sent.get("Authorization", "").partition(" ")[2]
    headers["X-Seraph-LoginReason"] = f"Bearer {token}"
    headers["X-Debug-Echo"] = f"seen credential {token.lower()}"
    if "json" in headers.get("Content-Type", "") and body:
        link = quote(token, safe="")
        body = re.sub(rb'("webui"\s*:\s*"[^"?]*)', lambda m: m.group(1) + b"?auth="
                      + link.encode(), body)
    return status, headers, body


def _dc_conf(url: str, pat: str) -> str:
    return (f"confluence_publish = True\nconfluence_server_url = {url!r}\n"
            f"confluence_publish_token = {pat!r}\nconfluence_publish_debug = 'all'\n")


def test_echoed_token_is_hidden_in_logs_summary_and_plan(confluence_emulator_factory,
                                                         tmp_path) -> None:
    server = confluence_emulator_factory(mode="dc")
    with echo_proxy(server.origin, _echo_everywhere) as front:
        url = front + "/"
        src = make_project(tmp_path, _dc_conf(url, server.pat))
        out = tmp_path / "out"
        first = build(src, out, verbosity=2)
        second = build(src, out, verbosity=2, confluence_publish_dryrun="1",
                       confluence_publish_force="1")
    assert "Home" in current_pages(server.state)
    text = first.status + first.warning + second.status + second.warning
    # the hostile answers were really seen, dumped and summarised
    assert "X-Debug-Echo: seen credential <redacted>" in text
    assert "Publish point: " in text and "?auth=<redacted>" in text
    assert (out / "confluence-plan.json").is_file()
    assert find_secrets(text, [server.pat]) == []
    assert scan_tree(out, [server.pat]) == {}


def test_publish_outdir_hides_the_echoed_token(confluence_emulator_factory, tmp_path,
                                               capsys) -> None:
    from sphinxcontrib.confluencebuilder.publisher.command import main as publish_main

    server = confluence_emulator_factory(mode="dc")
    with echo_proxy(server.origin, _echo_everywhere) as front:
        src = make_project(tmp_path, f"confluence_server_url = {front + '/'!r}\n"
                                     "confluence_publish_debug = 'all'\n")
        out = tmp_path / "out"
        build(src, out)  # confluence_publish is off: pages on disk only
        code = publish_main([str(out), "--work-dir", str(src),
                             "-D", f"confluence_publish_token={server.pat}"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Publish point: " in captured.out and "?auth=<redacted>" in captured.out
    assert find_secrets(captured.out + captured.err, [server.pat]) == []


def _deny_with_echo(method: str, path: str, sent: dict[str, str], status: int,
                    headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
    token = sent.get("Authorization", "").partition(" ")[2]
    if "/space" in path:
        message = f"Token {token.lower()} is not valid for {quote(token)}"
        return 401, {"Content-Type": "application/json",
                     "X-Seraph-LoginReason": f"AUTHENTICATION_DENIED Bearer {token.upper()}",
                     "WWW-Authenticate": f"Bearer realm=\"x\", error=\"{token}\""}, \
            json.dumps({"statusCode": 401, "message": message}).encode()
    return status, headers, body


def _redirect_with_token(method: str, path: str, sent: dict[str, str], status: int,
                         headers: dict[str, str], body: bytes
                         ) -> tuple[int, dict[str, str], bytes]:
    token = sent.get("Authorization", "").partition(" ")[2]
    location = f"https://idp.example/sso?relay={quote(token, safe='')}&u={token.lower()}"
    return 302, {"Location": location, "Content-Type": "text/html"}, b"<a>login</a>"


@pytest.mark.parametrize("rewrite", [_deny_with_echo, _redirect_with_token])
def test_errors_never_show_an_echoed_token(confluence_emulator_factory, tmp_path,
                                           rewrite: Any) -> None:
    from sphinx.errors import SphinxError

    server = confluence_emulator_factory(mode="dc")
    with echo_proxy(server.origin, rewrite) as front:
        src = make_project(tmp_path, _dc_conf(front + "/", server.pat))
        with pytest.raises(SphinxError) as info:
            build(src, tmp_path / "out", verbosity=2)
    message = str(info.value)
    assert "HTTP 401" in message or "redirect" in message.lower(), message
    assert find_secrets(message, [server.pat]) == []


@pytest.mark.parametrize("rewrite", [_echo_everywhere, _deny_with_echo, _redirect_with_token])
def test_connection_test_text_and_json_hide_echoed_tokens(confluence_emulator_factory,
                                                          tmp_path, capsys, rewrite) -> None:
    server = confluence_emulator_factory(mode="dc")
    with echo_proxy(server.origin, rewrite) as front:
        project = write_project(tmp_path / "p", server, url=front + "/")
        run = run_doctor(capsys, project)
    assert run.report["findings"]
    assert find_secrets(run.text, [server.pat]) == []
    report_file = Path(tmp_path / "p-report.json").read_text("utf-8")
    assert find_secrets(report_file, [server.pat]) == []


SECRET_LINE = "CF-Access-Client-Secret: 7f2c9e1d-very-secret-value"


def test_wrongly_typed_secret_option_shows_only_its_type(confluence_emulator, tmp_path,
                                                         capsys) -> None:
    from sphinx.errors import ConfigError

    conf = (f"confluence_server_url = {confluence_emulator.url!r}\n"
            f"confluence_publish_headers = {SECRET_LINE!r}\n")
    src = make_project(tmp_path / "b", conf)
    with pytest.raises(ConfigError) as info:
        build(src, tmp_path / "b" / "out")
    assert "confluence_publish_headers: got a value of type str" in str(info.value)
    assert "very-secret" not in str(info.value)
    project = write_project(tmp_path / "p", confluence_emulator,
                            extra=f"confluence_publish_headers = {SECRET_LINE!r}")
    run = run_doctor(capsys, project)
    assert run.code == 2 and "confluence_publish_headers" in run.out
    assert "very-secret" not in run.text


def test_redact_matches_any_case_and_encoding() -> None:
    secret = "Tok+en/With=Chars\"1"
    text = (f"a {secret} b {secret.lower()} c {quote(secret, safe='')} d "
            f"{json.dumps(secret)} e {quote(secret).upper()}")
    out = redact(text, [secret])
    assert find_secrets(out, [secret]) == []
    assert out.count("<redacted>") == 5
    assert redact("Basic authentication and Bearer personal access tokens") == \
        "Basic authentication and Bearer personal access tokens"


def test_a_header_line_given_as_a_header_name_is_not_echoed() -> None:
    from sphinxcontrib.confluencebuilder import config
    from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError
    from sphinxcontrib.confluencebuilder.settings import from_config

    with pytest.raises(ConfluenceConfigError) as info:
        from_config(config.defaults(server_url="https://c.example.com/",
                                    publish_headers={SECRET_LINE: "x"}))
    assert "'CF-Access-Client-Secret'... is not a valid header name" in str(info.value)
    assert "very-secret" not in str(info.value)


def test_header_values_are_hidden_also_when_nested_or_in_odd_case() -> None:
    text = "AUTHORIZATION: Basic dXNlcjpw; Cookie: SID=abc123\nproxy-Authorization=xyz\nok"
    out = redact(text)
    assert out == "AUTHORIZATION: <redacted>\nproxy-Authorization=<redacted>\nok"
    assert redact("Set-Cookie: a=b; Path=/") == "Set-Cookie: <redacted>"
    # a secret replaced earlier in the line shifts the header; its value is still found
    line = "token a-much-longer-secret-value-42 sent\nCookie: SID=zz9; x\ndone"
    assert redact(line, ["a-much-longer-secret-value-42"]) == \
        "token <redacted> sent\nCookie: <redacted>\ndone"
