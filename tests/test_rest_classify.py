"""Every failure becomes a typed error that says what happened and which option to set.

Real HTTP throughout: the emulator for Confluence's own answers and SSO front ends, a tiny
scripted server for odd answers (empty 200, non-JSON, XSRF), closed ports and an
unresolvable host for network failures.
"""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pytest
import requests
from connection_helpers import emulator_settings, settings_for, tiny_server

from sphinxcontrib.confluencebuilder import errors as E
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.rest.base import Space
from sphinxcontrib.confluencebuilder.rest.classify import classify_response, describe_redirect


def _fail(settings, call=lambda c: c.get_space("DOCS")) -> E.ConfluenceConnectionError:
    with pytest.raises(E.ConfluenceConnectionError) as info:
        call(make_client(settings))
    return info.value


# -- 401 ------------------------------------------------------------------------------------

def test_401_cloud_password_instead_of_token(confluence_emulator) -> None:
    s = confluence_emulator
    err = _fail(emulator_settings(s, api_token=None, server_pass=s.password))
    assert isinstance(err, E.ConfluenceAuthError) and err.status == 401
    assert "refuses account passwords" in err.message
    assert "confluence_api_token" in err.options
    assert s.password not in str(err)


def test_401_wrong_dc_password_names_seraph_reason(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    err = _fail(emulator_settings(s, publish_token=None, server_user=s.user,
                                  server_pass="wrong-password-1"))
    assert isinstance(err, E.ConfluenceAuthError)
    assert "AUTHENTICATED_FAILED" in err.message
    assert "user and password" in err.message  # the kind of credential, not its value
    assert err.options == ("confluence_server_user", "confluence_server_pass")
    assert "wrong-password-1" not in str(err)


def test_401_scope_check_on_gateway(confluence_emulator) -> None:
    s = confluence_emulator
    s.configure(scoped_token=True, scope_check_v1=True)
    settings = replace(emulator_settings(s, api_token_scoped=True, api_mode="v1"),
                       gateway_root=s.origin + "/ex/confluence/")
    err = _fail(settings, lambda c: c.get_page("65537"))
    assert isinstance(err, E.ConfluenceAuthError)
    assert "missing a scope" in err.message
    assert "confluence_api_token_scoped" in err.options


def test_401_negotiate_challenge_points_to_server_auth(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", sso="negotiate")
    err = _fail(emulator_settings(s))
    assert isinstance(err, E.ConfluenceAuthError)
    assert "Negotiate" in err.message
    assert err.options == ("confluence_server_auth",)
    assert "requests-gssapi" in err.hint


def test_401_without_credentials_says_none_were_sent() -> None:
    with tiny_server(lambda r: (401, {"Content-Type": "text/plain"}, b"")) as srv:
        err = _fail(settings_for(srv.url))
    assert isinstance(err, E.ConfluenceAuthError)
    assert "no credentials were sent" in err.message
    assert "confluence_publish_token" in err.options


# -- 403 ------------------------------------------------------------------------------------

def test_403_basic_disabled_points_to_pat(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    s.configure(basic_disabled=True)
    err = _fail(emulator_settings(s, publish_token=None, server_user=s.user,
                                  server_pass=s.password))
    assert isinstance(err, E.ConfluencePermissionError)
    assert "Basic authentication is disabled" in err.message
    assert err.options == ("confluence_publish_token",)


def test_403_captcha(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    s.configure(captcha_after=0)
    err = _fail(emulator_settings(s, publish_token=None, server_user=s.user,
                                  server_pass="x-wrong"))
    assert isinstance(err, E.ConfluencePermissionError)
    assert "CAPTCHA" in err.message


def test_403_xsrf() -> None:
    answer = (403, {"Content-Type": "text/plain"}, b"XSRF check failed")
    with tiny_server(lambda r: answer) as srv:
        err = _fail(settings_for(srv.url))
    assert isinstance(err, E.ConfluencePermissionError)
    assert "XSRF" in err.message and err.options == ("confluence_publish_headers",)


def test_403_no_permission() -> None:
    body = json.dumps({"statusCode": 403, "message": "User not permitted"}).encode()
    with tiny_server(lambda r: (403, {"Content-Type": "application/json"}, body)) as srv:
        err = _fail(settings_for(srv.url, publish_token="pat-abc"))
    assert isinstance(err, E.ConfluencePermissionError)
    assert "permission denied to access space 'DOCS'" in err.message
    assert "confluence_space_key" in err.options
    assert "User not permitted" in err.message


# -- 404, 407, 410, 400 -------------------------------------------------------------------

@pytest.mark.parametrize("api", ["v1", "v2"])
def test_404_space_missing_or_hidden(confluence_emulator, api: str) -> None:
    err = _fail(emulator_settings(confluence_emulator, api_mode=api),
                lambda c: c.get_space("NOPE"))
    assert isinstance(err, E.ConfluenceNotFoundError)
    assert "'NOPE'" in err.message and "cannot see it" in err.message
    assert "confluence_space_key" in err.options


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_404_page_missing(confluence_emulator, api: str) -> None:
    err = _fail(emulator_settings(confluence_emulator, api_mode=api),
                lambda c: c.get_page("999999"))
    assert isinstance(err, E.ConfluenceNotFoundError) and "page 999999" in err.message


def test_404_cloud_url_without_wiki(confluence_emulator) -> None:
    s = confluence_emulator
    err = _fail(emulator_settings(s, server_url=s.origin + "/"))
    assert isinstance(err, E.ConfluenceNotFoundError)
    assert "/wiki" in err.message and f"{s.origin}/wiki/" in err.hint
    assert err.options == ("confluence_server_url",)


def test_404_missing_wiki_on_atlassian_host_is_pure_classification() -> None:
    settings = settings_for("https://acme.atlassian.net/", server_user="a@b.c",
                            api_token="t-1", api_mode="v1")
    response = requests.Response()
    response.status_code = 404
    response._content = b"<html><title>Page Not Found</title></html>"
    response.headers["Content-Type"] = "text/html"
    response.request = requests.Request(
        "GET", "https://acme.atlassian.net/rest/api/space/DOCS").prepare()
    err = classify_response(response, settings, subject="space 'DOCS'")
    assert isinstance(err, E.ConfluenceNotFoundError)
    assert "https://acme.atlassian.net/wiki/" in err.hint


def test_407_proxy_credentials(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(sso="proxy")
    err = _fail(emulator_settings(s, proxy=f"http://{s.host}:{s.port}"))
    assert isinstance(err, E.ConfluenceProxyError) and err.status == 407
    assert err.options == ("confluence_proxy",)


def test_410_gone_on_data_center_names_api_mode(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    s.configure(v1_gone=True)
    err = _fail(emulator_settings(s), lambda c: c.get_page("65537"))
    assert isinstance(err, E.ConfluenceGoneError) and err.options == ("confluence_api_mode",)


def test_400_carries_the_server_message(confluence_emulator) -> None:
    def bad_create(client):
        space = client.get_space("DOCS")
        client.create_page(space, "Broken", "<p>unclosed", None)
    err = _fail(emulator_settings(confluence_emulator, api_mode="v1"), bad_create)
    assert isinstance(err, E.ConfluenceBadRequestError) and err.status == 400
    assert "server said" in err.message


# -- SSO front ends -------------------------------------------------------------------------

def test_saml_redirect_names_idp_host(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", sso="saml-redirect")
    err = _fail(emulator_settings(s))
    assert isinstance(err, E.ConfluenceSsoError) and err.status == 302
    assert "idp.example.test" in err.message and "SAML" in err.message
    assert {"confluence_server_cookies", "confluence_publish_headers",
            "confluence_server_auth"} <= set(err.options)


def test_oidc_redirect(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(sso="oidc-redirect")
    err = _fail(emulator_settings(s))
    assert isinstance(err, E.ConfluenceSsoError) and "OIDC" in err.message


def test_html_login_page_with_200(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", sso="login-page")
    err = _fail(emulator_settings(s))
    assert isinstance(err, E.ConfluenceSsoError) and "login page" in err.message


def test_gateway_html_403(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(sso="header")
    err = _fail(emulator_settings(s))
    assert isinstance(err, E.ConfluenceSsoError)
    assert "confluence_publish_headers" in err.options


def test_describe_redirect_detects_protocols() -> None:
    settings = settings_for("https://wiki.example.com/")
    saml = describe_redirect("https://idp.corp/sso?SAMLRequest=abc", settings)
    oidc = describe_redirect("https://login.microsoftonline.com/t/oauth2/v2.0/authorize?"
                             "response_type=code", settings)
    same = describe_redirect("/confluence/rest/api/space", settings)
    assert (saml.protocol, saml.host, saml.login) == ("SAML", "idp.corp", True)
    assert (oidc.protocol, oidc.login) == ("OIDC", True)
    assert same.same_origin and not same.login


def test_same_origin_redirect_suggests_server_url() -> None:
    answer = (301, {"Location": "/confluence/rest/api/space/DOCS"}, b"")
    with tiny_server(lambda r: answer) as srv:
        err = _fail(settings_for(srv.url, publish_token="pat-x"))
    assert isinstance(err, E.ConfluenceBadResponseError)
    assert err.options == ("confluence_server_url",)


# -- odd 200 answers ----------------------------------------------------------------------

@pytest.mark.parametrize(("ctype", "body", "kind", "option"), [
    ("application/json", b"", E.ConfluenceBadResponseError, "confluence_publish_token"),
    ("text/plain", b"hello, not json", E.ConfluenceBadResponseError, "confluence_server_url"),
    ("application/json", b"{broken", E.ConfluenceBadResponseError, "confluence_server_url"),
    ("text/html", b"<html><body>Intranet portal</body></html>", E.ConfluenceBadResponseError,
     "confluence_server_url"),
])
def test_unusable_200_answers(ctype: str, body: bytes, kind: type, option: str) -> None:
    with tiny_server(lambda r: (200, {"Content-Type": ctype}, body)) as srv:
        err = _fail(settings_for(srv.url, publish_token="pat-x"))
    assert type(err) is kind
    assert option in err.options


# -- network ------------------------------------------------------------------------------

def test_dns_failure_names_server_url() -> None:
    err = _fail(settings_for("http://no-such-host.invalid/"))
    assert isinstance(err, E.ConfluenceNetworkError)
    assert "cannot be resolved" in err.message
    assert err.options == ("confluence_server_url", "confluence_proxy")


def test_connection_refused() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    err = _fail(settings_for(f"http://127.0.0.1:{port}/"))
    assert isinstance(err, E.ConfluenceNetworkError) and "refused" in err.message


def test_error_url_has_no_query_and_no_secret(confluence_emulator) -> None:
    client = make_client(emulator_settings(confluence_emulator, api_mode="v1"))
    with pytest.raises(E.ConfluenceNotFoundError) as info:
        client.find_page_by_title(Space("1", "NOPE", "x"), "T")
    assert "?" not in info.value.url
    assert confluence_emulator.api_token not in str(info.value)


# -- credentials ignored, failing auth objects --------------------------------------------

def _strip_credentials(session: requests.Session) -> None:
    session.auth = None  # stands in for a front end that drops the Authorization header


def test_ignored_credentials_on_data_center(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    err = _fail(emulator_settings(s, request_session_override=_strip_credentials))
    assert isinstance(err, E.ConfluenceAuthError)
    assert "anonymous although a Bearer personal access token" in err.message
    assert err.options == ("confluence_publish_token",)


def test_no_credentials_on_data_center(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    err = _fail(emulator_settings(s, publish_token=None))
    assert isinstance(err, E.ConfluenceAuthError)
    assert "no credentials were sent" in err.message


class _BrokenAuth(requests.auth.AuthBase):
    def __call__(self, request):  # type: ignore[no-untyped-def]
        raise RuntimeError("ticket cache is empty")


def test_auth_object_raising_is_a_typed_error(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    err = _fail(emulator_settings(s, publish_token=None, server_auth=_BrokenAuth()))
    assert type(err) is E.ConfluenceConnectionError
    assert "ticket cache is empty" in err.message
    assert "confluence_server_auth" in err.options
    assert s.requests == []
