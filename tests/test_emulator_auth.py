"""Authentication (Cloud, DC, gateway) and each SSO front end of the emulator."""

from __future__ import annotations

import base64
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from tls_helpers import make_ca_and_cert

from sphinxcontrib.confluencebuilder.testing.auth import (
    BASIC_DISABLED_MESSAGE,
    CLOUD_PASSWORD_MESSAGE,
    IDP_ORIGIN,
)

T = 5  # seconds of request timeout


def _get(url: str, **kwargs: object) -> requests.Response:
    kwargs.setdefault("timeout", T)
    kwargs.setdefault("allow_redirects", False)
    return requests.get(url, **kwargs)  # type: ignore[arg-type]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- Cloud -------------------------------------------------------------------------------

def test_cloud_api_token_password_and_wrong_token(confluence_emulator) -> None:
    s = confluence_emulator
    me = _get(s.url + "rest/api/user/current", auth=(s.user, s.api_token))
    assert me.status_code == 200 and me.json()["type"] == "known"
    assert me.json()["accountId"] == s.account_id
    pw = _get(s.url + "rest/api/space/DOCS", auth=(s.user, s.password))
    assert pw.status_code == 401
    assert pw.headers["Content-Type"].startswith("text/plain")
    assert pw.text == CLOUD_PASSWORD_MESSAGE
    for auth in ((s.user, "not-the-token"), ("someone@example.com", s.api_token)):
        assert _get(s.url + "rest/api/space/DOCS", auth=auth).status_code == 401
    assert _get(s.url + "rest/api/space/DOCS", headers=_bearer(s.api_token)).status_code == 401


def test_cloud_anonymous_sees_no_space(confluence_emulator) -> None:
    s = confluence_emulator
    me = _get(s.url + "rest/api/user/current")
    assert me.status_code == 200 and me.json()["type"] == "anonymous"
    space = _get(s.url + "rest/api/space/DOCS")
    assert space.status_code == 404
    assert "No space found with key" in space.json()["message"]
    home = s.state.spaces["DOCS"].homepage_id
    assert _get(s.url + f"rest/api/content/{home}").status_code == 404
    listing = _get(s.url + "rest/api/content", params={"spaceKey": "DOCS"})
    assert listing.status_code == 200 and listing.json()["results"] == []
    write = requests.post(s.url + "rest/api/content", json={"type": "page", "title": "x",
                          "space": {"key": "DOCS"}}, timeout=T)
    assert write.status_code == 403
    s.configure(anonymous_access=True)  # now the API itself decides what anonymous may see
    assert _get(s.url + f"rest/api/content/{home}").status_code == 200


def test_cloud_scoped_token_only_through_gateway(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(scoped_token=True, scope_check_v1=True)
    auth = (s.user, s.api_token)
    assert _get(s.url + "rest/api/space/DOCS", auth=auth).status_code == 401
    gw = s.gateway_url
    assert _get(gw + "api/v2/spaces?keys=DOCS", auth=auth).status_code == 200
    assert _get(gw + "rest/api/space/DOCS", auth=auth).status_code == 200
    home = s.state.spaces["DOCS"].homepage_id
    scope = _get(gw + f"rest/api/content/{home}", auth=auth)
    assert scope.status_code == 401
    assert scope.headers["X-Failure-Category"] == "FAILURE_CLIENT_SCOPE_CHECK"
    assert scope.json() == {"code": 401, "message": "Unauthorized; scope does not match"}
    s.configure(scope_check_v1=False)
    assert _get(gw + f"rest/api/content/{home}", auth=auth).status_code == 200


def test_cloud_classic_token_refused_at_gateway(confluence_emulator) -> None:
    s = confluence_emulator
    rsp = _get(s.gateway_url + "api/v2/spaces", auth=(s.user, s.api_token))
    assert rsp.status_code == 401 and rsp.json()["code"] == 401


# -- Data Center -------------------------------------------------------------------------

def test_dc_bearer_and_basic(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    pat = _get(s.url + "rest/api/user/current", headers=_bearer(s.pat))
    assert pat.status_code == 200 and pat.json()["username"] == s.user
    assert pat.headers["X-AUSERNAME"] == s.user
    basic = _get(s.url + "rest/api/space/DOCS", auth=(s.user, s.password))
    assert basic.status_code == 200 and basic.headers["X-AUSERNAME"] == s.user
    anon = _get(s.url + "rest/api/space/DOCS")
    assert anon.status_code == 404 and anon.headers["X-AUSERNAME"] == "anonymous"


@pytest.mark.parametrize("which", ["wrong password", "pat as password"])
def test_dc_basic_failure_is_tomcat_page(confluence_emulator_factory, which: str) -> None:
    s = confluence_emulator_factory(mode="dc", context_path="/confluence")
    secret = "nope" if which == "wrong password" else s.pat
    rsp = _get(s.url + "rest/api/space/DOCS", auth=(s.user, secret))
    assert rsp.status_code == 401
    assert rsp.headers["Content-Type"].startswith("text/html")
    assert rsp.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"
    assert rsp.headers["WWW-Authenticate"].startswith("OAuth realm=")
    assert "HTTP Status 401" in rsp.text and "AUTHENTICATED_FAILED" in rsp.text
    assert _get(s.url + "rest/api/space/DOCS", headers=_bearer("bad")).status_code == 401


def test_dc_basic_disabled_bearer_still_works(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", basic_disabled=True)
    rsp = _get(s.url + "rest/api/space/DOCS", auth=(s.user, s.password))
    assert rsp.status_code == 403 and rsp.text == BASIC_DISABLED_MESSAGE
    assert _get(s.url + "rest/api/space/DOCS", headers=_bearer(s.pat)).status_code == 200


def test_dc_captcha_after_failed_logins(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", captcha_after=2)
    for _ in range(2):
        assert _get(s.url + "rest/api/space/DOCS", auth=(s.user, "x")).status_code == 401
    locked = _get(s.url + "rest/api/space/DOCS", auth=(s.user, s.password))
    assert locked.status_code == 403
    assert locked.headers["X-Seraph-LoginReason"] == "AUTHENTICATION_DENIED"
    assert locked.headers["X-Authentication-Denied-Reason"].startswith("CAPTCHA_CHALLENGE")
    assert _get(s.url + "rest/api/space/DOCS", headers=_bearer(s.pat)).status_code == 200
    s.reset()
    assert _get(s.url + "rest/api/space/DOCS", auth=(s.user, s.password)).status_code == 200


# -- SSO front ends ----------------------------------------------------------------------

def test_sso_saml_redirect(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", sso="saml-redirect")
    rsp = _get(s.url + "rest/api/space/DOCS?limit=1", headers=_bearer(s.pat))
    assert rsp.status_code == 302
    location = urlsplit(rsp.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == IDP_ORIGIN != s.origin
    query = parse_qs(location.query)
    assert query["RelayState"] == [s.url + "rest/api/space/DOCS?limit=1"]
    authn = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    assert authn.startswith("<samlp:AuthnRequest") and s.site in authn


def test_sso_oidc_redirect(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(sso="oidc-redirect")
    rsp = _get(s.url + "rest/api/space/DOCS", auth=(s.user, s.api_token))
    assert rsp.status_code == 302
    location = urlsplit(rsp.headers["Location"])
    assert location.path.endswith("/authorize")
    query = parse_qs(location.query)
    assert query["response_type"] == ["code"] and query["client_id"]


def test_sso_login_page(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", sso="login-page")
    rsp = _get(s.url + "rest/api/space/DOCS", headers=_bearer(s.pat))
    assert rsp.status_code == 200
    assert rsp.headers["Content-Type"].startswith("text/html")
    assert "<form" in rsp.text and "os_username" in rsp.text


def test_sso_cookie(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", sso="cookie")
    no_cookie = _get(s.url + "rest/api/space/DOCS", headers=_bearer(s.pat))
    assert no_cookie.status_code == 302
    assert "/login.action?os_destination=" in no_cookie.headers["Location"]
    wrong = _get(s.url + "rest/api/space/DOCS", headers=_bearer(s.pat),
                 cookies={s.sso_cookie_name: "stale"})
    assert wrong.status_code == 302
    jar = {s.sso_cookie_name: s.sso_cookie}
    anon = _get(s.url + "rest/api/space/DOCS", cookies=jar)
    assert anon.status_code == 404  # passed the gate, but still needs Confluence auth
    ok = _get(s.url + "rest/api/space/DOCS", cookies=jar, headers=_bearer(s.pat))
    assert ok.status_code == 200
    assert s.sso_cookie not in str(s.requests)


def test_sso_header_gateway(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(sso="header")
    auth = (s.user, s.api_token)
    denied = _get(s.url + "rest/api/space/DOCS", auth=auth)
    assert denied.status_code == 403 and "text/html" in denied.headers["Content-Type"]
    half = {"CF-Access-Client-Id": s.sso_headers["CF-Access-Client-Id"]}
    assert _get(s.url + "rest/api/space/DOCS", auth=auth, headers=half).status_code == 403
    session = requests.Session()
    first = session.get(s.url + "rest/api/space/DOCS", auth=auth, headers=s.sso_headers,
                        timeout=T)
    assert first.status_code == 200 and "CF_Authorization" in session.cookies
    again = session.get(s.url + "rest/api/space/DOCS", auth=auth, timeout=T)
    assert again.status_code == 200  # the session cookie alone passes the gate
    assert s.sso_headers["CF-Access-Client-Secret"] not in str(s.requests)


def test_sso_negotiate(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", sso="negotiate")
    challenge = _get(s.url + "rest/api/user/current", auth=(s.user, s.password))
    assert challenge.status_code == 401
    assert challenge.headers["WWW-Authenticate"] == "Negotiate"
    bad = _get(s.url + "rest/api/user/current", headers={"Authorization": "Negotiate YWJj"})
    assert bad.status_code == 401
    ok = _get(s.url + "rest/api/user/current",
              headers={"Authorization": f"Negotiate {s.negotiate_token}"})
    assert ok.status_code == 200 and ok.json()["username"] == s.user
    assert ok.headers["WWW-Authenticate"].startswith("Negotiate ")


def test_sso_forward_proxy(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(sso="proxy")
    session = requests.Session()
    session.trust_env = False
    auth = (s.user, s.api_token)
    url = s.url + "rest/api/space/DOCS"
    direct = session.get(url, auth=auth, timeout=T)
    assert direct.status_code == 403
    no_creds = session.get(url, auth=auth, timeout=T, proxies={"http": s.origin})
    assert no_creds.status_code == 407
    assert no_creds.headers["Proxy-Authenticate"].startswith("Basic realm=")
    ok = session.get(url, auth=auth, timeout=T, proxies={"http": s.proxy_url})
    assert ok.status_code == 200 and ok.json()["key"] == "DOCS"
    assert s.requests[-1]["proxied"] is True
    assert s.requests[-1]["headers"]["Proxy-Authorization"] == "Basic ********"
    no_auth = session.get(url, timeout=T, proxies={"http": s.proxy_url})
    assert no_auth.status_code == 404  # through the proxy, but anonymous in Confluence


def test_sso_proxy_tunnels_https(tmp_path, confluence_emulator_factory) -> None:
    ca, cert, key = make_ca_and_cert(tmp_path)
    s = confluence_emulator_factory(mode="dc", sso="proxy", tls=(str(cert), str(key)))
    session = requests.Session()
    session.trust_env = False
    session.verify = str(ca)
    url = s.url + "rest/api/space/DOCS"
    ok = session.get(url, headers=_bearer(s.pat), timeout=T, proxies={"https": s.proxy_url})
    assert ok.status_code == 200 and ok.json()["key"] == "DOCS"
    assert [e["method"] for e in s.requests] == ["CONNECT", "GET"]
    assert s.requests[0]["headers"]["Proxy-Authorization"] == "Basic ********"
    assert s.requests[1]["proxied"] is True
    with pytest.raises(requests.exceptions.ProxyError):
        session.get(url, timeout=T, proxies={"https": s.origin.replace("https", "http")})
    assert s.requests[-1]["method"] == "CONNECT" and s.requests[-1]["status"] == 407
    direct = session.get(url, headers=_bearer(s.pat), timeout=T)
    assert direct.status_code == 403  # TLS straight to the site is blocked by policy
    elsewhere = requests.Session()
    elsewhere.trust_env = False
    with pytest.raises(requests.exceptions.ProxyError):
        elsewhere.get("https://example.invalid/", timeout=T, proxies={"https": s.proxy_url})
    assert s.requests[-1]["status"] == 502


def test_connect_without_proxy_mode_is_refused(confluence_emulator) -> None:
    s = confluence_emulator
    with pytest.raises(requests.exceptions.ProxyError):
        requests.get("https://example.invalid/", timeout=T, proxies={"https": s.origin})
    assert s.requests[-1]["method"] == "CONNECT" and s.requests[-1]["status"] == 405
