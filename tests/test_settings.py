"""ConnectionSettings: URL normalisation, Cloud detection, API mode, credential rules."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from connection_helpers import capture_logs
from requests.auth import AuthBase

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError
from sphinxcontrib.confluencebuilder.settings import from_config, normalize_server_url


def build(**options: Any):
    return from_config(config.defaults(**options))


def build_warnings(**options: Any) -> tuple[Any, str]:
    with capture_logs() as lines:
        settings = build(**options)
    return settings, "\n".join(lines)


@pytest.mark.parametrize(("given", "expected"), [
    ("https://x.atlassian.net/wiki", "https://x.atlassian.net/wiki/"),
    ("https://x.atlassian.net/wiki/", "https://x.atlassian.net/wiki/"),
    ("https://x.atlassian.net/wiki/rest/api", "https://x.atlassian.net/wiki/"),
    ("https://x.atlassian.net/wiki/rest/api/", "https://x.atlassian.net/wiki/"),
    ("https://x.atlassian.net/wiki/api/v2/", "https://x.atlassian.net/wiki/"),
    ("https://dc.example.com/confluence", "https://dc.example.com/confluence/"),
    ("https://dc.example.com", "https://dc.example.com/"),
    ("  https://dc.example.com/rest/api  ", "https://dc.example.com/"),
])
def test_url_normalisation(given: str, expected: str) -> None:
    assert normalize_server_url(given) == expected


def test_stripping_api_path_warns() -> None:
    settings, text = build_warnings(server_url="https://dc.example.com/rest/api/")
    assert settings.server_url == "https://dc.example.com/"
    assert "rest/api" in text and "confluence_server_url" in text


@pytest.mark.parametrize("bad", ["dc.example.com", "ftp://dc.example.com/", "https://",
                                 "https://dc example.com/", "https://dc.example.com/a b",
                                 "https://u:p@dc.example.com/", "https://h/?x=1", ""])
def test_malformed_url_is_config_error(bad: str) -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url=bad)
    assert info.value.option == "confluence_server_url"


def test_url_error_never_shows_password() -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://user:hunter2secret@dc.example.com/")
    assert "hunter2secret" not in str(info.value)


@pytest.mark.parametrize(("url", "cloud_opt", "expected"), [
    ("https://x.atlassian.net/wiki/", None, True),
    ("https://api.atlassian.com/ex/confluence/abc/wiki/", None, True),
    ("https://wiki.example.com/", None, False),
    ("https://wiki.example.com/", True, True),
    ("https://x.atlassian.net/wiki/", False, False),
])
def test_cloud_detection(url: str, cloud_opt: bool | None, expected: bool) -> None:
    assert build(server_url=url, cloud=cloud_opt).cloud is expected


@pytest.mark.parametrize(("opts", "mode"), [
    ({"server_url": "https://wiki.example.com/"}, "v1"),
    ({"server_url": "https://x.atlassian.net/wiki/"}, "v2"),
    ({"server_url": "https://x.atlassian.net/wiki/", "api_mode": "v1"}, "v1"),
    ({"server_url": "https://api.atlassian.com/ex/confluence/abc/wiki/"}, "v2"),
    ({"server_url": "https://wiki.example.com/", "cloud": True}, "v2"),
    ({"server_url": "https://wiki.example.com/", "cloud": True, "api_token_scoped": True,
      "server_user": "a@b.c", "api_token": "tok"}, "v2"),
])
def test_api_mode_resolution(opts: dict[str, Any], mode: str) -> None:
    assert build(**opts).api_mode == mode


def test_explicit_api_mode_wins_even_against_cloud() -> None:
    settings = build(server_url="https://x.atlassian.net/wiki/", api_mode="v1")
    assert settings.api_mode == "v1" and settings.api_mode_explicit


def test_v2_on_data_center_warns() -> None:
    _, text = build_warnings(server_url="https://wiki.example.com/", api_mode="v2")
    assert "Data Center has no v2" in text


def test_pat_with_user_bearer_wins_and_warns() -> None:
    settings, text = build_warnings(server_url="https://wiki.example.com/",
                                    server_user="me", publish_token="pat-123456")
    assert settings.bearer_token == "pat-123456" and settings.password is None
    assert "Bearer" in settings.credential_kind
    assert "confluence_server_user is ignored" in text


def test_api_token_without_user_is_error() -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://x.atlassian.net/wiki/", api_token="tok-abcdef")
    assert info.value.option == "confluence_server_user"
    assert "tok-abcdef" not in str(info.value)


def test_password_without_user_is_error() -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://wiki.example.com/", server_pass="pw-secret")
    assert info.value.option == "confluence_server_user"


def test_pat_on_cloud_url_warns() -> None:
    settings, text = build_warnings(server_url="https://x.atlassian.net/wiki/",
                                    publish_token="pat-abcdef")
    assert settings.bearer_token == "pat-abcdef"
    assert "looks like Confluence Cloud" in text and "confluence_api_token" in text
    assert "pat-abcdef" not in text


def test_password_and_token_token_wins() -> None:
    settings, text = build_warnings(server_url="https://x.atlassian.net/wiki/",
                                    server_user="a@b.c", api_token="tok-111",
                                    server_pass="pw-222")
    assert settings.password == "tok-111"
    assert settings.password_option == "confluence_api_token"
    assert "API token is used" in text
    assert "tok-111" not in text and "pw-222" not in text


@pytest.mark.parametrize(("url", "winner"), [("https://x.atlassian.net/wiki/", "basic"),
                                             ("https://wiki.example.com/", "bearer")])
def test_pat_and_token_depend_on_deployment(url: str, winner: str) -> None:
    settings, text = build_warnings(server_url=url, server_user="me", api_token="tok-1",
                                    publish_token="pat-1")
    if winner == "basic":
        assert settings.password == "tok-1" and settings.bearer_token is None
    else:
        assert settings.bearer_token == "pat-1" and settings.password is None
    assert "both confluence_publish_token" in text


def test_quoted_token_warns_and_whitespace_is_trimmed() -> None:
    settings, text = build_warnings(server_url="https://x.atlassian.net/wiki/",
                                    server_user="a@b.c", api_token="'tok-quoted'")
    assert "wrapped in quotes" in text
    settings, text = build_warnings(server_url="https://x.atlassian.net/wiki/",
                                    server_user="a@b.c", api_token="tok-nl\n")
    assert settings.password == "tok-nl"
    assert "whitespace" in text


def test_scoped_token_needs_token() -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://x.atlassian.net/wiki/", api_token_scoped=True)
    assert info.value.option == "confluence_api_token_scoped"


def test_server_auth_must_be_authbase_and_takes_precedence() -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://wiki.example.com/", server_auth=object())
    assert info.value.option == "confluence_server_auth"

    class Custom(AuthBase):
        def __call__(self, r):  # type: ignore[no-untyped-def]
            return r

    settings, text = build_warnings(server_url="https://wiki.example.com/", server_auth=Custom(),
                                    publish_token="pat-x")
    assert isinstance(settings.auth, Custom) and settings.bearer_token is None
    assert "confluence_server_auth is set" in text


def test_authorization_header_replaces_other_credentials() -> None:
    settings, text = build_warnings(server_url="https://wiki.example.com/", publish_token="pat-x",
                                    publish_headers={"Authorization": "Bearer other"})
    assert settings.bearer_token is None
    assert "confluence_publish_headers" in settings.credential_kind
    assert "replaces the credential" in text


@pytest.mark.parametrize("value", ["abc\r\nX-Evil: 1", "abc\n", "a\rb"])
def test_header_with_line_break_is_config_error(value: str) -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://wiki.example.com/", publish_headers={"X-Key": value})
    assert info.value.option == "confluence_publish_headers"


def test_bad_header_name_is_config_error() -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://wiki.example.com/", publish_headers={"Bad Name": "x"})
    assert info.value.option == "confluence_publish_headers"


def test_missing_files_are_config_errors(tmp_path) -> None:
    url = "https://wiki.example.com/"
    for option, value in [("server_cookies", str(tmp_path / "nope.txt")),
                          ("ca_cert", str(tmp_path / "ca.pem")),
                          ("client_cert", str(tmp_path / "c.pem")),
                          ("client_cert", (str(tmp_path / "c.pem"), str(tmp_path / "k.pem")))]:
        with pytest.raises(ConfluenceConfigError) as info:
            build(server_url=url, **{option: value})
        assert info.value.option == "confluence_" + option


def test_relative_paths_resolve_against_base_dir(tmp_path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    settings = from_config(config.defaults(server_url="https://h/", ca_cert="ca.pem"),
                           base_dir=tmp_path)
    assert settings.ca_cert == str(tmp_path / "ca.pem")


def test_bad_proxy_is_config_error_without_password() -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        build(server_url="https://h/", proxy="http://u:sekrit99@ bad host")
    assert info.value.option == "confluence_proxy"
    assert "sekrit99" not in str(info.value)


def test_disable_ssl_validation_warns() -> None:
    settings, text = build_warnings(server_url="https://h/", disable_ssl_validation=True)
    assert settings.verify_ssl is False
    assert "confluence_ca_cert" in text


def test_debug_values() -> None:
    assert build(server_url="https://h/", publish_debug="all").debug == {
        "headers", "data", "urllib3", "deprecated"}
    assert build(server_url="https://h/", publish_debug="headers-and-data").debug == {
        "headers", "data"}
    assert build(server_url="https://h/").debug == frozenset()


def test_api_prefix_override() -> None:
    settings = build(server_url="https://h/", publish_override_api_prefix={"v1": "api"})
    assert settings.api_root("v1") == "https://h/api/"
    assert settings.api_root("v2") == "https://h/api/v2/"
    with pytest.raises(ConfluenceConfigError):
        build(server_url="https://h/", publish_override_api_prefix={"v3": "x/"})


def test_repr_and_str_redact_every_secret() -> None:
    settings = build(server_url="https://wiki.example.com/", server_user="me",
                     server_pass="pw-visible-1", publish_headers={"X-Gw": "hdr-secret-2"},
                     server_cookies={"JSESSIONID": "cookie-secret-3"},
                     proxy="http://pu:proxy-secret-4@proxy:3128", client_cert_pass=None)
    for text in (repr(settings), str(settings), f"{settings!r}"):
        for secret in ("pw-visible-1", "hdr-secret-2", "cookie-secret-3", "proxy-secret-4"):
            assert secret not in text
        assert "<redacted>" in text and "X-Gw" in text and "JSESSIONID" in text


def test_timeouts_and_retries_are_read(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = build(server_url="https://h/", timeout=7, publish_delay=0.5,
                     publish_retry_attempts=4, publish_retry_duration=1.5)
    assert (settings.timeout, settings.publish_delay, settings.retry_attempts,
            settings.retry_duration) == (7.0, 0.5, 4, 1.5)
