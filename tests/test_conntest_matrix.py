"""connection-test against the emulator: one scenario per way a connection goes wrong.

Each scenario writes a project in tmp_path, runs the command in-process over real HTTP
and checks the exit code, the named cause, the named options, and that no secret of
the emulator appears in the printed output or the JSON report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_conntest_support import clean_environment, run_doctor, secrets_of, write_project
from tls_helpers import make_ca_and_cert

SSO_OPTIONS = {"confluence_server_cookies", "confluence_publish_headers",
               "confluence_server_auth"}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _check(run: Any, server: Any, code: int, cause: str | None = None,
           options: set[str] = frozenset()) -> None:
    run.assert_no_secret(*secrets_of(server))
    assert run.code == code, run.out
    if cause is not None:
        assert cause in run.causes, run.out
        assert options <= run.options_of(cause), run.out
        assert cause in run.out
        for name in options:
            assert name in run.out
    else:
        assert not run.failures, run.out


def test_working_cloud(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    run = run_doctor(capsys, write_project(tmp_path / "p", server), "--no-sanitize")
    _check(run, server, 0)
    assert "Confluence Cloud" in run.out
    assert "logged in as Docs Publisher (publisher@example.com)" in run.out
    assert "space DOCS (Documentation) is visible" in run.out
    assert "REST API v2" in run.out
    assert run.report["result"] == "ok"
    statuses = {f["step"]: f["status"] for f in run.report["findings"]}
    assert statuses["reach"] == statuses["identity"] == statuses["space"] == "ok"


def test_working_dc(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    run = run_doctor(capsys, write_project(tmp_path / "p", server))
    _check(run, server, 0)
    assert "Confluence Data Center 8." in run.out
    assert "logged in as Docs Publisher\n" in run.out  # the login only with --no-sanitize
    assert "Bearer personal access token" in run.out


def test_wrong_api_token(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    wrong = "ATATT3xWRONGTOKEN0123456789"
    creds = f"confluence_server_user = {server.user!r}\nconfluence_api_token = {wrong!r}"
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds=creds))
    _check(run, server, 1, "auth-rejected", {"confluence_server_user", "confluence_api_token"})
    run.assert_no_secret(wrong)


def test_pat_on_cloud_url(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    creds = "confluence_publish_token = 'NjE2NzQ4MzU0OTk2OkRDcGF0c2VjcmV0'"
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds=creds))
    _check(run, server, 1, "pat-on-cloud", {"confluence_publish_token", "confluence_api_token"})
    assert {f["step"] for f in run.failures} >= {"sanity", "access"}
    run.assert_no_secret("NjE2NzQ4MzU0OTk2OkRDcGF0c2VjcmV0")


def test_basic_on_dc_with_basic_disabled(tmp_path: Path, capsys: Any,
                                         confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc", basic_disabled=True)
    creds = (f"confluence_server_user = {server.user!r}\n"
             f"confluence_server_pass = {server.password!r}")
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds=creds))
    _check(run, server, 1, "basic-disabled", {"confluence_publish_token"})


def test_cloud_url_missing_wiki(tmp_path: Path, capsys: Any,
                                confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    project = write_project(tmp_path / "p", server, url=server.origin + "/")
    run = run_doctor(capsys, project)
    _check(run, server, 1, "cloud-url-missing-wiki", {"confluence_server_url"})
    # the fix names the URL that works
    assert f"confluence_server_url = '{server.url}'" in run.out


def test_unknown_space(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    run = run_doctor(capsys, write_project(tmp_path / "p", server, space="NOPE"))
    _check(run, server, 1, "space-not-found", {"confluence_space_key"})
    assert "space NOPE was not found" in run.out


def test_space_hidden_by_permissions(tmp_path: Path, capsys: Any,
                                     confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    server.state.create_space("SECRET", "Restricted", hidden=True)
    run = run_doctor(capsys, write_project(tmp_path / "p", server, space="SECRET"))
    _check(run, server, 1, "space-not-found", {"confluence_space_key"})
    assert "may not see it" in run.out and "Docs Publisher" in run.out


@pytest.mark.parametrize(("sso", "cause", "words"), [
    ("saml-redirect", "sso-saml-redirect", "SAML identity provider at idp.example.test"),
    ("oidc-redirect", "sso-oidc-redirect", "OpenID Connect / OAuth identity provider at "
                                           "idp.example.test"),
])
def test_sso_redirect(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any,
                      sso: str, cause: str, words: str) -> None:
    server = confluence_emulator_factory(mode="dc", sso=sso)
    run = run_doctor(capsys, write_project(tmp_path / "p", server))
    _check(run, server, 1, cause, SSO_OPTIONS)
    assert words in run.out


def test_sso_login_page(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc", sso="login-page")
    run = run_doctor(capsys, write_project(tmp_path / "p", server))
    _check(run, server, 1, "sso-login-page", SSO_OPTIONS)


def test_cookie_gate(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie")
    run = run_doctor(capsys, write_project(tmp_path / "without", server))
    _check(run, server, 1, "sso-login-redirect", {"confluence_server_cookies"})
    cookies = f"confluence_server_cookies = {{{server.sso_cookie_name!r}: {server.sso_cookie!r}}}"
    run = run_doctor(capsys, write_project(tmp_path / "with", server, extra=cookies),
                     "--no-sanitize")
    _check(run, server, 0)
    assert f"names {server.sso_cookie_name} (values hidden)" in run.out


def test_header_gate(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud", sso="header")
    run = run_doctor(capsys, write_project(tmp_path / "without", server))
    _check(run, server, 1, "sso-gateway-forbidden", {"confluence_publish_headers"})
    headers = f"confluence_publish_headers = {server.sso_headers!r}"
    run = run_doctor(capsys, write_project(tmp_path / "with", server, extra=headers),
                     "--no-sanitize")
    _check(run, server, 0)
    assert "CF-Access-Client-Id, CF-Access-Client-Secret (values hidden)" in run.out


NEGOTIATE_AUTH = '''
import requests.auth

class TicketAuth(requests.auth.AuthBase):
    def __call__(self, request):
        request.headers["Authorization"] = "Negotiate " + {token!r}
        return request

confluence_server_auth = TicketAuth()
'''


def test_negotiate_challenge(tmp_path: Path, capsys: Any,
                             confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc", sso="negotiate")
    run = run_doctor(capsys, write_project(tmp_path / "without", server, creds="none"))
    _check(run, server, 1, "sso-negotiate", {"confluence_server_auth"})
    assert "Kerberos" in run.out
    auth = NEGOTIATE_AUTH.format(token=server.negotiate_token)
    run = run_doctor(capsys, write_project(tmp_path / "with", server, creds=auth))
    _check(run, server, 0)
    assert "custom requests auth (TicketAuth" in run.out


def test_proxy_demanding_authentication(tmp_path: Path, capsys: Any,
                                        confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc", sso="proxy")
    run = run_doctor(capsys, write_project(tmp_path / "direct", server))
    _check(run, server, 1, "proxy-required", {"confluence_proxy"})
    bare = f"confluence_proxy = 'http://{server.host}:{server.port}'"
    run = run_doctor(capsys, write_project(tmp_path / "noauth", server, extra=bare))
    _check(run, server, 1, "proxy-auth", {"confluence_proxy"})
    with_creds = f"confluence_proxy = {server.proxy_url!r}"
    run = run_doctor(capsys, write_project(tmp_path / "auth", server, extra=with_creds),
                     "--no-sanitize")
    _check(run, server, 0)
    assert "through the proxy from confluence_proxy" in run.out
    assert f"http://{server.creds.proxy_user}:" in run.out  # user shown, password not


def test_tls_unknown_ca(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    ca, cert, key = make_ca_and_cert(tmp_path)
    server = confluence_emulator_factory(mode="dc", tls=(str(cert), str(key)))
    run = run_doctor(capsys, write_project(tmp_path / "without", server))
    _check(run, server, 1, "tls-unknown-ca", {"confluence_ca_cert"})
    run = run_doctor(capsys, write_project(tmp_path / "with", server,
                                           extra=f"confluence_ca_cert = {str(ca)!r}"))
    _check(run, server, 0)


def test_rate_limited(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud", rate_limit=0.01, rate_burst=1)
    run = run_doctor(capsys, write_project(tmp_path / "p", server))
    _check(run, server, 1, "rate-limited", {"confluence_publish_delay"})


def test_v1_gone(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    """The publishing client switches to v2 at the first 410, so the doctor warns (exit 0)
    and names the option that avoids the switch."""
    server = confluence_emulator_factory(mode="cloud", v1_gone=True)
    project = write_project(tmp_path / "p", server, extra="confluence_api_mode = 'v1'")
    run = run_doctor(capsys, project)
    _check(run, server, 0)
    warned = [f for f in run.report["findings"] if f["status"] == "warn"]
    assert [f["cause"] for f in warned] == ["v1-gone"], run.out
    assert warned[0]["options"] == ["confluence_api_mode"]
    assert "confluence_api_mode = 'v2'" in run.out
    assert "pages of DOCS can be listed (REST API v2)" in run.out


def test_scope_check_failure(tmp_path: Path, capsys: Any,
                             confluence_emulator_factory: Any) -> None:
    """A scoped token on the gateway, used with the v1 content API it has no scope for."""
    server = confluence_emulator_factory(mode="cloud", scoped_token=True, scope_check_v1=True)
    project = write_project(tmp_path / "p", server, url=server.gateway_url,
                            extra="confluence_api_mode = 'v1'")
    run = run_doctor(capsys, project)
    _check(run, server, 1, "scope-check", {"confluence_api_token_scoped", "confluence_api_mode"})
    assert "space DOCS (Documentation) is visible" in run.out  # only the content call failed


def test_rate_limit_and_deprecation_headers_reported(tmp_path: Path, capsys: Any,
                                                     confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud", rate_limit=1.0, rate_burst=50,
                                         deprecation_headers=True)
    project = write_project(tmp_path / "p", server, extra="confluence_api_mode = 'v1'")
    run = run_doctor(capsys, project)
    _check(run, server, 0)
    assert "rate limit: 49 of 50 requests left" in run.out
    notes = [f["title"] for f in run.report["findings"] if f["step"] == "deprecation"]
    assert any("GET /wiki/rest/api/space/" in n and "deprecated" in n for n in notes), run.out


BROKEN_AUTH = '''
import requests.auth

class BrokenAuth(requests.auth.AuthBase):
    def __call__(self, request):
        raise RuntimeError("ticket cache is empty")

confluence_server_auth = BrokenAuth()
'''


def test_auth_object_raising(tmp_path: Path, capsys: Any, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds=BROKEN_AUTH))
    _check(run, server, 1, "client-error", {"confluence_server_auth"})
    assert "RuntimeError: ticket cache is empty" in run.out
    assert "Traceback" not in run.out + run.err


def test_no_credentials_means_anonymous(tmp_path: Path, capsys: Any,
                                        confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds="none"))
    _check(run, server, 1, "no-credentials", {"confluence_publish_token"})
    assert "the server treats us as anonymous" in run.out


STRIPPING_HOOK = '''
def _strip_credentials(session):
    # stands in for a front end that drops the Authorization header
    session.auth = None
    return session

confluence_request_session_override = _strip_credentials
'''


def test_credentials_ignored(tmp_path: Path, capsys: Any,
                             confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    run = run_doctor(capsys, write_project(tmp_path / "p", server, extra=STRIPPING_HOOK))
    _check(run, server, 1, "credentials-ignored", {"confluence_publish_token"})
    assert "anonymous although a Bearer personal access token" in run.out
