"""The common set-up mistakes, each against the emulator: a publishing build fails before
Sphinx writes a page, says the cause and the option in connection-test's words, and
shows no traceback, no crash report and no secret."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sphinx.cmd.build import build_main
from test_conntest_support import clean_environment, run_doctor, secrets_of, write_project
from tls_helpers import make_self_signed

SSO = ("confluence_server_cookies", "confluence_publish_headers")
WRONG_TOKEN = "ATATT3xWRONGTOKEN0123456789"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _index(src: Path) -> Path:
    (src / "index.rst").write_text("Home\n====\n\nHello.\n", encoding="utf-8")
    return src


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Setup = Callable[[Path, Any], "tuple[Path, Any]"]


@dataclass(frozen=True)
class Mistake:
    name: str
    #: the doctor's cause name (network mistakes), or None for configuration mistakes
    cause: str | None
    options: tuple[str, ...]
    setup: Setup


def _emu(factory: Any, **kw: Any) -> Any:
    return factory(**kw)


def wrong_token(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="cloud")
    creds = f"confluence_server_user = {server.user!r}\nconfluence_api_token = {WRONG_TOKEN!r}"
    return write_project(tmp / "p", server, creds=creds), server


def cloud_without_wiki(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="cloud")
    return write_project(tmp / "p", server, url=server.origin + "/"), server


def https_on_http(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="dc")
    return write_project(tmp / "p", server, url=server.url.replace("http://", "https://")), \
        server


def http_on_https(tmp: Path, factory: Any) -> tuple[Path, Any]:
    cert, key = make_self_signed(tmp)
    server = factory(mode="dc", tls=(str(cert), str(key)))
    return write_project(tmp / "p", server, url=server.url.replace("https://", "http://")), \
        server


def unknown_space(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="dc")
    return write_project(tmp / "p", server, space="NOPE"), server


def missing_parent(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="cloud")
    extra = "confluence_parent_page = 'No Such Parent'"
    return write_project(tmp / "p", server, extra=extra), server


def sso_login_page(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="dc", sso="login-page")
    return write_project(tmp / "p", server), server


def saml_redirect(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="dc", sso="saml-redirect")
    return write_project(tmp / "p", server), server


def self_signed(tmp: Path, factory: Any) -> tuple[Path, Any]:
    cert, key = make_self_signed(tmp)
    server = factory(mode="dc", tls=(str(cert), str(key)))
    return write_project(tmp / "p", server), server


def cloud_without_user(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="cloud")
    return write_project(tmp / "p", server,
                         creds=f"confluence_api_token = {server.api_token!r}"), server


def misspelt_option(tmp: Path, factory: Any) -> tuple[Path, Any]:
    server = factory(mode="cloud")
    return write_project(tmp / "p", server, extra="confluence_publish_dry_run = True"), server


def unresolvable_host(tmp: Path, factory: Any) -> tuple[Path, Any]:
    extra = ("confluence_server_url = 'https://confluence.example.invalid/'\n"
             "confluence_publish_token = 'NjE2NzQ4MzU0OTk2OkRDcGF0c2VjcmV0'")
    return write_project(tmp / "p", extra=extra), None


def refused(tmp: Path, factory: Any) -> tuple[Path, Any]:
    extra = (f"confluence_server_url = 'http://127.0.0.1:{_closed_port()}/'\n"
             "confluence_publish_token = 'NjE2NzQ4MzU0OTk2OkRDcGF0c2VjcmV0'")
    return write_project(tmp / "p", extra=extra), None


MISTAKES = [
    Mistake("wrong token", "auth-rejected", ("confluence_api_token",), wrong_token),
    Mistake("cloud url without /wiki", "cloud-url-missing-wiki", ("confluence_server_url",),
            cloud_without_wiki),
    Mistake("https url on an http server", "https-on-http", ("confluence_server_url",),
            https_on_http),
    Mistake("http url on an https server", "http-on-https", ("confluence_server_url",),
            http_on_https),
    Mistake("unknown space", "space-not-found", ("confluence_space_key",), unknown_space),
    Mistake("missing parent page", "parent-page-not-found", ("confluence_parent_page",),
            missing_parent),
    Mistake("sso login page", "sso-login-page", SSO, sso_login_page),
    Mistake("saml redirect", "sso-saml-redirect", SSO, saml_redirect),
    Mistake("self-signed certificate", "tls-unknown-ca", ("confluence_ca_cert",), self_signed),
    Mistake("cloud without confluence_server_user", None, ("confluence_server_user",),
            cloud_without_user),
    Mistake("misspelt option name", None, ("confluence_publish_dryrun",), misspelt_option),
    Mistake("host that does not resolve", "dns", ("confluence_server_url",), unresolvable_host),
    Mistake("connection refused", "unreachable", ("confluence_server_url",), refused),
]


def _build(capsys: Any, src: Path, out: Path) -> tuple[int, str]:
    code = build_main(["-b", "confluence", str(src), str(out)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_stops_the_build_before_any_page(tmp_path: Path, capsys: Any,
                                                 confluence_emulator_factory: Any,
                                                 mistake: Mistake) -> None:
    src, server = mistake.setup(tmp_path, confluence_emulator_factory)
    _index(src)
    out = tmp_path / "out"
    code, text = _build(capsys, src, out)

    assert code != 0, text
    assert not list(out.rglob("*.conf")), "a page was written before the mistake was found"
    assert "Traceback" not in text and "sphinx-doc/sphinx/issues" not in text, text
    for option in mistake.options:
        assert option in text, text
    if server is not None:
        assert [r for r in server.requests if r["method"] not in ("GET", "HEAD")] == []
        for secret in secrets_of(server) + [WRONG_TOKEN]:
            assert not secret or secret not in text, "a secret leaked into the build output"

    doctor = run_doctor(capsys, src)
    if mistake.cause is None:
        # found at configuration time: no request at all, the doctor's own words
        assert server is None or server.requests == []
        assert doctor.report["error"]["message"] in text, (doctor.out, text)
        return
    assert f"cause: {mistake.cause}" in text, text
    assert mistake.cause in doctor.causes, doctor.out
    failure = next(f for f in doctor.failures if f["cause"] == mistake.cause)
    assert failure["title"] in text, (failure["title"], text)
    assert f"fix: {failure['fix'].splitlines()[0]}" in text
    assert "connection-test" in text


@pytest.mark.parametrize("flag", ["-T", "-v"])
def test_traceback_on_request(tmp_path: Path, capsys: Any,
                              confluence_emulator_factory: Any, flag: str) -> None:
    """-T or -v still show the traceback of a stopped build for those who ask."""
    src, _server = unknown_space(tmp_path, confluence_emulator_factory)
    _index(src)
    code = build_main([flag, "-b", "confluence", str(src), str(tmp_path / "out")])
    text = "".join(capsys.readouterr())
    assert code != 0
    assert "Traceback" in text and "space-not-found" in text


def test_no_probe_without_publishing_or_on_a_dry_run(tmp_path: Path, capsys: Any,
                                                     confluence_emulator_factory: Any) -> None:
    src = _index(refused(tmp_path, confluence_emulator_factory)[0])
    code, text = _build(capsys, src, tmp_path / "off")
    assert code != 0 and "cause: unreachable" in text
    code = build_main(["-b", "confluence", "-D", "confluence_publish=0", str(src),
                       str(tmp_path / "off")])
    assert code == 0, capsys.readouterr()
    # a dry run skips the probe: the pages are written, the plan then fails to connect
    code = build_main(["-b", "confluence", "-D", "confluence_publish_dryrun=1", str(src),
                       str(tmp_path / "dry")])
    text = "".join(capsys.readouterr())
    assert code != 0 and (tmp_path / "dry" / "index.conf").is_file()
    assert "Traceback" not in text and "connection was refused" in text


def test_transport_detail_is_cut_at_a_word() -> None:
    from sphinxcontrib.confluencebuilder.rest.classify import shorten

    text = "Failed to resolve 'confluence.example.invalid' " * 20
    short = shorten(text, 100)
    assert len(short) <= 104 and short.endswith(" ...")
    assert short[:-4].endswith("'confluence.example.invalid'")
    assert shorten("short", 100) == "short"


def test_prompt_and_probe_come_before_reading_sources(tmp_path: Path,
                                                      confluence_emulator_factory: Any) -> None:
    """The password prompt and the probe run when the builder starts: a wrong password
    typed at the prompt ends the build before Sphinx reads a source."""
    import sys

    from test_ask_credentials import _clean_env as clean_env
    from test_ask_credentials import make_project, run_in_pty

    server = confluence_emulator_factory(mode="dc")
    src = make_project(tmp_path, server, "confluence_publish = True\n"
                       "confluence_ask_user = True\nconfluence_ask_password = True")
    typed = "typed-wrong-password"
    code, shown = run_in_pty(
        [sys.executable, "-m", "sphinx", "-b", "confluence", str(src), str(tmp_path / "out")],
        [("User name: ", server.user), (f"Password for {server.user}: ", typed)],
        env=clean_env())
    assert code != 0, shown
    assert "reading sources" not in shown
    assert "cause: auth-rejected" in shown and "confluence_ask_password" in shown
    assert typed not in shown
    assert "Traceback" not in shown and "sphinx-doc/sphinx/issues" not in shown
    assert not list((tmp_path / "out").rglob("*.conf"))


def test_rest_layer_names_https_on_http_too(confluence_emulator_factory: Any) -> None:
    """A failure during the publish (not only the probe) does not blame certificates."""
    from connection_helpers import settings_for

    from sphinxcontrib.confluencebuilder.errors import ConfluenceTlsError
    from sphinxcontrib.confluencebuilder.rest import make_client

    server = confluence_emulator_factory(mode="dc")
    settings = settings_for(server.url.replace("http://", "https://"),
                            publish_token=server.pat, publish_retry_attempts=0)
    client = make_client(settings)
    try:
        with pytest.raises(ConfluenceTlsError) as info:
            client.get_space("DOCS")
    finally:
        client.close()
    assert "speaks http, not https" in info.value.message
    assert info.value.options == ("confluence_server_url",)
    assert "client_cert" not in str(info.value)


def test_session_hook_failure_is_clean_and_redacted(tmp_path: Path, capsys: Any,
                                                    confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    hook = ("def _hook(session):\n"
            f"    raise RuntimeError('cannot use ' + {server.pat!r})\n"
            "confluence_request_session_override = _hook\n")
    src = _index(write_project(tmp_path / "p", server, extra=hook))
    code, text = _build(capsys, src, tmp_path / "out")
    assert code != 0
    assert "building the session failed: RuntimeError" in text
    assert server.pat not in text
    assert "Traceback" not in text and not server.requests


def test_dns_failure_is_named_by_the_rest_layer_too() -> None:
    """The long urllib3 text is classified whole and only shortened for display."""
    from connection_helpers import settings_for

    from sphinxcontrib.confluencebuilder.errors import ConfluenceNetworkError
    from sphinxcontrib.confluencebuilder.rest import make_client

    settings = settings_for("https://confluence.example.invalid/", publish_token="x" * 20,
                            publish_retry_attempts=0)
    client = make_client(settings)
    try:
        with pytest.raises(ConfluenceNetworkError) as info:
            client.get_space("DOCS")
    finally:
        client.close()
    assert "'confluence.example.invalid' cannot be resolved" in info.value.message
    assert info.value.options[0] == "confluence_server_url"
