"""OAuth 2.0 client credentials against the emulator's token endpoint: first token,
cached reuse, refresh on expiry and on 401, one refresh for many workers, Cloud service
accounts through the gateway, identity-aware proxies in front of Data Center, bad input."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import Any

import pytest
from publish_helpers import publish, tree_docs, write_bundle

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.errors import ConfluenceAuthError, ConfluenceConfigError
from sphinxcontrib.confluencebuilder.oauth2 import OAuth2TokenError, forget_caches
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.session import build_session
from sphinxcontrib.confluencebuilder.settings import from_config


@pytest.fixture(autouse=True)
def _fresh_token_caches() -> Any:
    forget_caches()
    yield
    forget_caches()


def oauth_options(server: Any, **overrides: Any) -> dict[str, Any]:
    opts: dict[str, Any] = {
        "server_url": server.url, "space_key": server.space_key, "cloud": server.mode == "cloud",
        "oauth2_token_url": server.token_url, "oauth2_client_id": server.oauth.client_id,
        "oauth2_client_secret": server.oauth.client_secret,
        "oauth2_scopes": ["read:page:confluence", "write:page:confluence"],
        "publish_retry_duration": 0.01, "publish_retry_attempts": 4, "timeout": 30}
    opts.update(overrides)
    return opts


def oauth_client(server: Any, **overrides: Any) -> Any:
    settings = from_config(config.defaults(**oauth_options(server, **overrides)))
    settings = replace(settings, gateway_root=server.origin + "/ex/confluence/")
    return make_client(settings)


def token_posts(server: Any) -> int:
    return sum(1 for r in server.requests if r["path"] == "/oauth/token")


def api_calls(server: Any) -> list[dict[str, Any]]:
    return [r for r in server.requests if r["api"]]


@pytest.fixture
def cloud(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="cloud", max_limit=250)


def test_first_token_goes_through_the_gateway_as_bearer(cloud):
    client = oauth_client(cloud)
    assert client.get_space("DOCS").key == "DOCS"
    assert token_posts(cloud) == 1 and cloud.oauth.issued == 1
    calls = api_calls(cloud)
    assert calls and all(r["path"].startswith(f"/ex/confluence/{cloud.cloud_id}/wiki/")
                         for r in calls)
    assert all(r["headers"]["Authorization"] == "Bearer ********" for r in calls)
    assert client.api_mode == "v2"


def test_a_50_page_publish_asks_for_one_token(cloud, tmp_path):
    out = write_bundle(tmp_path / "out", tree_docs(50))
    report = publish(oauth_client(cloud), out)
    assert len(report.created) == 50
    assert token_posts(cloud) == 1
    assert len(api_calls(cloud)) > 50 and all(r["status"] < 400 for r in api_calls(cloud))


def test_tokens_living_2s_are_renewed_during_a_publish(cloud, tmp_path):
    # every API answer takes 50 ms and at most 2 are in flight: 150+ calls take 4 s or
    # more however fast the machine is (a slow machine only makes it longer), so the
    # publish outlives 2 s tokens, which the client renews 1 s before they end
    cloud.configure(oauth_lifetime=2.0, latency=0.05)
    out = write_bundle(tmp_path / "out", tree_docs(50))
    client = oauth_client(cloud)
    report = publish(client, out, concurrency=2)
    assert len(report.created) == 50
    cache = client.transport.session.auth.cache
    assert token_posts(cloud) == cache.requests >= 2
    # the client saw the expiry coming on its own clock (a 401 may add renewals on a
    # very loaded machine, but never replaces these)
    assert "expiry" in cache.reasons and cache.reasons[0] == "first"


def test_a_revoked_token_is_renewed_once_on_401(cloud):
    client = oauth_client(cloud)
    client.get_space("DOCS")
    cloud.oauth.revoke_all()
    client.request_count = 0
    before = len(api_calls(cloud))
    assert client.get_space("DOCS").key == "DOCS"
    cache = client.transport.session.auth.cache
    assert cache.reasons == ["first", "401"]
    statuses = [r["status"] for r in api_calls(cloud)]
    assert statuses.count(401) == 1
    # the second send is the transport's (its "credential" row), so it counts it
    assert client.request_count == len(statuses) - before == 2


def test_a_token_refused_twice_is_renewed_once_and_the_refusal_stands(cloud):
    """The retry policy's credential row renews once per request: a server that refuses
    every token gets two sends, not a loop."""
    from sphinxcontrib.confluencebuilder.errors import ConfluenceConnectionError

    client = oauth_client(cloud)
    client.get_space("DOCS")
    before = len(api_calls(cloud))
    cloud.configure(oauth_lifetime=0.0)     # every token it issues now is dead at once
    cloud.oauth.revoke_all()
    with pytest.raises(ConfluenceConnectionError):
        client.get_space("DOCS")
    assert [r["status"] for r in api_calls(cloud)[before:]] == [401, 401]


def test_concurrent_workers_trigger_exactly_one_refresh(cloud, tmp_path):
    out = write_bundle(tmp_path / "out", tree_docs(40))
    # every token is revoked after the 30th API call, while 8 workers are publishing
    cloud.configure(oauth_expire_after=30, latency=0.02)
    client = oauth_client(cloud)
    report = publish(client, out, concurrency=8)
    assert len(report.created) == 40
    cache = client.transport.session.auth.cache
    assert cache.reasons == ["first", "401"] and token_posts(cloud) == 2
    assert sum(1 for r in api_calls(cloud) if r["status"] == 401) >= 1


def test_many_threads_share_one_token(cloud):
    client = oauth_client(cloud)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            client.get_space("DOCS")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and token_posts(cloud) == 1


def test_client_secret_post_and_audience(cloud):
    cloud.configure(oauth_client_auth="client_secret_post", oauth_audience="api.atlassian.com")
    client = oauth_client(cloud, oauth2_client_auth="client_secret_post",
                          oauth2_audience="api.atlassian.com")
    assert client.get_space("DOCS").key == "DOCS"
    with pytest.raises(OAuth2TokenError) as caught:
        forget_caches()
        oauth_client(cloud).get_space("DOCS")  # basic, where only post is accepted
    assert caught.value.cause == "oauth2-invalid-client"
    assert "confluence_oauth2_client_auth" in caught.value.options


@pytest.mark.parametrize(("knobs", "overrides", "cause", "option"), [
    ({}, {"oauth2_client_secret": "wrong-secret-value"}, "oauth2-invalid-client",
     "confluence_oauth2_client_secret"),
    ({"oauth_scopes": ("read:page:confluence",)}, {}, "oauth2-invalid-scope",
     "confluence_oauth2_scopes"),
    ({"oauth_audience": "api.atlassian.com"}, {"oauth2_audience": "https://other"},
     "oauth2-invalid-audience", "confluence_oauth2_audience"),
    ({"oauth_fail": "html"}, {}, "oauth2-not-json", "confluence_oauth2_token_url"),
])
def test_token_endpoint_failures_name_the_option(cloud, knobs, overrides, cause, option):
    cloud.configure(**knobs)
    with pytest.raises(OAuth2TokenError) as caught:
        oauth_client(cloud, **overrides).get_space("DOCS")
    assert caught.value.cause == cause and option in caught.value.options
    assert cloud.oauth.client_secret not in str(caught.value)


def test_unreachable_token_endpoint(cloud):
    with pytest.raises(OAuth2TokenError) as caught:
        oauth_client(cloud, oauth2_token_url="http://127.0.0.1:9/oauth/token").get_space("DOCS")
    assert caught.value.cause == "oauth2-unreachable"
    assert "confluence_oauth2_token_url" in caught.value.options


# -- identity-aware proxies in front of Data Center ------------------------------------------


def test_entra_application_proxy_with_the_token_in_authorization(confluence_emulator_factory):
    dc = confluence_emulator_factory(mode="dc", sso="entra-proxy")
    client = oauth_client(dc)
    assert client.get_space("DOCS").key == "DOCS"
    assert token_posts(dc) == 1
    dc.oauth.revoke_all()  # the proxy now answers 401: one renewal, then through again
    assert client.get_space("DOCS").key == "DOCS" and token_posts(dc) == 2


def test_oauth2_proxy_with_the_token_beside_a_personal_access_token(
        confluence_emulator_factory):
    dc = confluence_emulator_factory(mode="dc", sso="oauth2-proxy")
    client = oauth_client(dc, oauth2_header="X-Forwarded-Access-Token", publish_token=dc.pat)
    assert client.get_space("DOCS").key == "DOCS"
    sent = api_calls(dc)[-1]["headers"]
    assert sent["Authorization"] == "Bearer ********"
    assert sent["X-Forwarded-Access-Token"] == "********"
    # without the PAT the proxy still lets the token through, but Confluence sees an
    # anonymous caller
    forget_caches()
    with pytest.raises(ConfluenceAuthError) as caught:
        oauth_client(dc, oauth2_header="X-Forwarded-Access-Token").get_space("DOCS")
    assert "anonym" in caught.value.message


def test_the_token_and_a_pat_cannot_share_authorization(confluence_emulator_factory):
    dc = confluence_emulator_factory(mode="dc")
    with pytest.raises(ConfluenceConfigError) as caught:
        from_config(config.defaults(**oauth_options(dc, publish_token=dc.pat)))
    assert "confluence_oauth2_header" in str(caught.value)


# -- bad input ------------------------------------------------------------------------------


def test_plain_http_token_url_refused_unless_loopback(cloud):
    for url in ("http://idp.example.com/token", "ftp://idp.example.com/token", "not a url"):
        with pytest.raises(ConfluenceConfigError) as caught:
            from_config(config.defaults(**oauth_options(cloud, oauth2_token_url=url)))
        assert "confluence_oauth2_token_url" in str(caught.value)
    for url in ("http://127.0.0.1:8/t", "http://localhost/t", "http://[::1]/t",
                "https://idp.example.com/t"):
        settings = from_config(config.defaults(**oauth_options(cloud, oauth2_token_url=url)))
        assert settings.oauth2 is not None and settings.oauth2.token_url == url


def test_missing_client_secret_names_the_option_and_env_variable(cloud, monkeypatch):
    with pytest.raises(ConfluenceConfigError) as caught:
        from_config(config.defaults(**oauth_options(cloud, oauth2_client_secret=None)))
    text = str(caught.value)
    assert "confluence_oauth2_client_secret" in text and "CONFLUENCE_OAUTH2_CLIENT_SECRET" in text


def test_client_secret_from_the_environment(cloud):
    opt = config.BY_NAME["confluence_oauth2_client_secret"]
    assert opt.secret and opt.env_name == "CONFLUENCE_OAUTH2_CLIENT_SECRET"
    ns = config.defaults(**oauth_options(cloud, oauth2_client_secret=None))
    taken = config.apply_env(ns, {"CONFLUENCE_OAUTH2_CLIENT_SECRET": cloud.oauth.client_secret})
    assert taken == ["confluence_oauth2_client_secret"]
    settings = replace(from_config(ns), gateway_root=cloud.origin + "/ex/confluence/")
    assert make_client(settings).get_space("DOCS").key == "DOCS"


def test_settings_and_session_never_show_the_secret(cloud):
    settings = from_config(config.defaults(**oauth_options(cloud)))
    session = build_session(settings)
    for text in (repr(settings), str(settings.oauth2), repr(session.auth)):
        assert cloud.oauth.client_secret not in text


# -- no secret at rest or in output --------------------------------------------------------


def test_no_client_secret_or_access_token_in_any_output(cloud, tmp_path, monkeypatch):
    from hostile_helpers import build, find_secrets, make_project, scan_tree
    from publish_helpers import current_pages

    # two tokens: every token is revoked after the 5th API call, so one is renewed on 401
    cloud.configure(oauth_expire_after=5)
    monkeypatch.setenv("CONFLUENCE_OAUTH2_CLIENT_SECRET", cloud.oauth.client_secret)
    conf = (f"confluence_publish = True\nconfluence_server_url = {cloud.gateway_url!r}\n"
            f"confluence_oauth2_token_url = {cloud.token_url!r}\n"
            f"confluence_oauth2_client_id = {cloud.oauth.client_id!r}\n"
            "confluence_publish_debug = 'headers-and-data'\n")
    src = make_project(tmp_path, conf, pages=3)
    out = tmp_path / "out"
    first = build(src, out, verbosity=2)
    assert "Page1" in current_pages(cloud.state)
    second = build(src, out, verbosity=2, confluence_publish_dryrun="1")
    assert (out / "confluence-plan.json").is_file()
    assert (out / ".doctrees" / "environment.pickle").is_file()
    assert len(cloud.oauth.history) >= 2
    secrets = [cloud.oauth.client_secret, *cloud.oauth.history]
    assert scan_tree(tmp_path / "out", secrets) == {}
    for result in (first, second):
        assert find_secrets(result.status + result.warning, secrets) == []


# -- bad input stops a Sphinx build before anything is written ------------------------------


@pytest.mark.parametrize(("lines", "option", "words"), [
    ("confluence_oauth2_token_url = 'http://idp.example.com/token'\n",
     "confluence_oauth2_token_url", "plain http"),
    ("", "confluence_oauth2_client_secret", "CONFLUENCE_OAUTH2_CLIENT_SECRET"),
    ("confluence_oauth2_client_auth = 'private_key_jwt'\n", "confluence_oauth2_client_auth",
     "client_secret_post"),
])
def test_bad_oauth2_options_stop_the_build(cloud, tmp_path, capsys, lines, option, words):
    from hostile_helpers import make_project
    from sphinx.cmd.build import build_main

    conf = (f"confluence_publish = True\nconfluence_server_url = {cloud.gateway_url!r}\n"
            f"confluence_oauth2_client_id = {cloud.oauth.client_id!r}\n")
    if "token_url" not in lines:
        conf += f"confluence_oauth2_token_url = {cloud.token_url!r}\n"
    src = make_project(tmp_path, conf + lines)
    out = tmp_path / "out"
    code = build_main(["-b", "confluence", "-E", "-q", "-d", str(out / ".doctrees"),
                       str(src), str(out)])
    err = capsys.readouterr().err
    assert code != 0 and option in err and words in err, err
    assert "Traceback" not in err
    assert cloud.requests == [] and not list(out.glob("*.meta.json"))


def test_an_echoed_client_secret_never_reaches_the_error():
    from connection_helpers import tiny_server

    secret = "echoed-client-secret-0123456789"

    def handler(_request: Any) -> tuple[int, dict[str, str], bytes]:
        body = {"error": "invalid_client", "error_description": f"bad secret {secret}"}
        return 401, {"Content-Type": "application/json"}, json.dumps(body).encode()

    with tiny_server(handler) as idp:
        settings = from_config(config.defaults(
            server_url="http://127.0.0.1:9/", space_key="DOCS",
            oauth2_token_url=idp.url + "token", oauth2_client_id="cid",
            oauth2_client_secret=secret))
        with pytest.raises(OAuth2TokenError) as caught:
            build_session(settings).auth.token()
    assert caught.value.cause == "oauth2-invalid-client"
    assert secret not in str(caught.value) and "bad secret" in str(caught.value)


def test_data_center_own_oauth2_provider(confluence_emulator_factory):
    dc = confluence_emulator_factory(mode="dc", context_path="/confluence")
    client = oauth_client(dc, oauth2_token_url=dc.origin + "/confluence/rest/oauth2/latest/token")
    assert client.get_space("DOCS").key == "DOCS"
    assert token_posts(dc) == 0  # counted by path below: the DC path
    assert sum(1 for r in dc.requests if r["path"].endswith("/oauth2/latest/token")) == 1
    assert api_calls(dc)[-1]["headers"]["Authorization"] == "Bearer ********"


def test_publish_outdir_with_a_service_account(cloud, tmp_path, monkeypatch, capsys):
    from hostile_helpers import build, find_secrets, make_project, scan_tree
    from publish_helpers import current_pages

    from sphinxcontrib.confluencebuilder.publisher.command import main as publish_main

    conf = (f"confluence_server_url = {cloud.gateway_url!r}\nconfluence_cloud = True\n"
            f"confluence_oauth2_token_url = {cloud.token_url!r}\n"
            f"confluence_oauth2_client_id = {cloud.oauth.client_id!r}\n")
    src = make_project(tmp_path, conf)
    out = tmp_path / "out"
    build(src, out)  # builds only: no secret is needed yet
    monkeypatch.setenv("CONFLUENCE_OAUTH2_CLIENT_SECRET", cloud.oauth.client_secret)
    assert publish_main([str(out), "--work-dir", str(src)]) == 0
    assert {"Home", "Page1"} <= set(current_pages(cloud.state))
    assert token_posts(cloud) == 1
    captured = capsys.readouterr()
    secrets = [cloud.oauth.client_secret, *cloud.oauth.history]
    assert find_secrets(captured.out + captured.err, secrets) == []
    assert scan_tree(out, secrets) == {}


@pytest.mark.parametrize(("knobs", "secret", "cause", "option"), [
    ({"oauth_fail": "html"}, None, "oauth2-not-json", "confluence_oauth2_token_url"),
    ({}, "wrong-secret-value-42", "oauth2-invalid-client", "confluence_oauth2_client_secret"),
])
def test_token_failures_stop_the_build_plainly(cloud, tmp_path, capsys, knobs, secret, cause,
                                               option):
    from hostile_helpers import make_project
    from sphinx.cmd.build import build_main

    cloud.configure(**knobs)
    conf = (f"confluence_publish = True\nconfluence_cloud = True\n"
            f"confluence_server_url = {cloud.gateway_url!r}\n"
            f"confluence_oauth2_token_url = {cloud.token_url!r}\n"
            f"confluence_oauth2_client_id = {cloud.oauth.client_id!r}\n"
            f"confluence_oauth2_client_secret = {secret or cloud.oauth.client_secret!r}\n")
    src = make_project(tmp_path, conf)
    out = tmp_path / "out"
    code = build_main(["-b", "confluence", "-E", "-q", "-d", str(out / ".doctrees"),
                       str(src), str(out)])
    err = capsys.readouterr().err
    assert code != 0 and cause in err and option in err, err
    assert "Traceback" not in err
    assert not [r for r in cloud.requests if r["api"]]  # no page was touched
    assert (secret or cloud.oauth.client_secret) not in err
