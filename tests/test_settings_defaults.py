"""One default per option: the settings dataclasses take theirs from the option table.

Every field of :class:`ConnectionSettings`, :class:`PublishSettings` and
:class:`OAuth2Settings` is either the counterpart of an option (then its default is the
table's, and reading a config that sets nothing gives that same value) or listed here as
derived, so a new field has to be sorted into one of the two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.oauth2_settings import OAuth2Settings, oauth2_from_config
from sphinxcontrib.confluencebuilder.optiontable import BY_NAME, default_of
from sphinxcontrib.confluencebuilder.publisher.settings import PublishSettings
from sphinxcontrib.confluencebuilder.publisher.settings import from_config as publish_from
from sphinxcontrib.confluencebuilder.settings import ConnectionSettings, from_config

SAME: Callable[[Any], Any] = lambda value: value  # noqa: E731
NOT: Callable[[Any], Any] = lambda value: not value  # noqa: E731

#: field -> (option, how the option's value becomes the field's)
CONNECTION = {
    "space_key": ("space_key", SAME), "user": ("server_user", SAME),
    "bearer_token": ("publish_token", SAME), "auth": ("server_auth", SAME),
    "session_override": ("request_session_override", SAME),
    "credential_provider": ("publish_credential_provider", SAME),
    "ca_cert": ("ca_cert", SAME), "client_cert": ("client_cert", SAME),
    "client_cert_pass": ("client_cert_pass", SAME), "proxy": ("proxy", SAME),
    "verify_ssl": ("disable_ssl_validation", NOT), "timeout": ("timeout", SAME),
    "deadline": ("request_deadline", SAME), "max_bytes": ("response_size_limit", SAME),
    "publish_delay": ("publish_delay", SAME),
    "retry_attempts": ("publish_retry_attempts", SAME),
    "retry_duration": ("publish_retry_duration", SAME),
    "page_search_mode": ("page_search_mode", SAME),
    "embedded_certs": ("adv_embedded_certs", SAME),
}
#: fields computed from several options or from the server URL, or not options at all
CONNECTION_DERIVED = {
    "server_url", "cloud", "api_mode", "api_mode_explicit", "gateway", "scoped_token",
    "password", "password_option", "headers", "cookies", "cookies_file", "oauth2",
    "retry_after_cap", "backoff_cap", "rate_limit_retries", "debug", "api_prefixes",
    "gateway_root", "asked", "cloud_prop_delay",
}
PUBLISH = {
    "page_hierarchy": ("page_hierarchy", SAME), "publish_orphan": ("publish_orphan", SAME),
    "orphan_container": ("publish_orphan_container", SAME),
    "dryrun": ("publish_dryrun", SAME), "force": ("publish_force", SAME),
    "onlynew": ("publish_onlynew", SAME), "trample": ("publish_trample", SAME),
    "allowlist": ("publish_allowlist", SAME), "denylist": ("publish_denylist", SAME),
    "cleanup_purge": ("cleanup_purge", SAME), "cleanup_archive": ("cleanup_archive", SAME),
    "cleanup_from_root": ("cleanup_from_root", SAME),
    "cleanup_max_deletes": ("cleanup_max_deletes", SAME),
    "cleanup_force": ("cleanup_force", SAME), "append_labels": ("append_labels", SAME),
    "minor_edit": ("disable_notifications", SAME), "watch": ("watch", SAME),
    "full_width": ("full_width", SAME), "asset_override": ("asset_override", SAME),
    "concurrency": ("publish_concurrency", SAME),
    "publish_intersphinx": ("publish_intersphinx", SAME),
    "root_homepage": ("root_homepage", SAME), "bulk_archiving": ("adv_bulk_archiving", SAME),
    "cleanup_search_mode": ("cleanup_search_mode", SAME),
    "skip_commented": ("publish_skip_commented_pages", SAME),
    "parent_transform": ("parent_override_transform", SAME),
}
PUBLISH_DERIVED = {
    "space_key", "project", "parent_page_title", "parent_page_id", "publish_root",
    "global_labels", "version_comment", "plan_file",
}
OAUTH2 = {
    "audience": ("oauth2_audience", SAME), "client_auth": ("oauth2_client_auth", SAME),
    "header": ("oauth2_header", SAME), "refresh_margin": ("oauth2_refresh_margin", SAME),
}
OAUTH2_DERIVED = {"token_url", "client_id", "client_secret", "scopes"}
CASES = [(ConnectionSettings, CONNECTION, CONNECTION_DERIVED),
         (PublishSettings, PUBLISH, PUBLISH_DERIVED),
         (OAuth2Settings, OAUTH2, OAUTH2_DERIVED)]


def _default(item: dataclasses.Field[Any]) -> Any:
    if item.default_factory is not dataclasses.MISSING:
        return item.default_factory()
    return item.default


@pytest.mark.parametrize(("cls", "mapped", "derived"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_every_field_is_sorted(cls: type, mapped: dict[str, Any], derived: set[str]) -> None:
    names = {item.name for item in dataclasses.fields(cls)}
    assert names == set(mapped) | derived, names ^ (set(mapped) | derived)
    assert not set(mapped) & derived
    for option, _ in mapped.values():
        assert "confluence_" + option in BY_NAME


@pytest.mark.parametrize(("cls", "mapped", "derived"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_field_defaults_are_the_tables(cls: type, mapped: dict[str, Any],
                                       derived: set[str]) -> None:
    for item in dataclasses.fields(cls):
        if item.name in mapped:
            option, convert = mapped[item.name]
            assert _default(item) == convert(default_of(option)), (item.name, option)


def test_reading_an_empty_config_gives_the_field_defaults() -> None:
    """The readers fall back to the same table: a config that sets nothing reads as the
    dataclass defaults (a literal left in a reader would show here)."""
    connection = from_config(config.defaults(server_url="https://wiki.example.com/"))
    for item in dataclasses.fields(ConnectionSettings):
        if item.name in CONNECTION:
            assert getattr(connection, item.name) == _default(item), item.name
    publish = publish_from(config.defaults(space_key="DOCS"))
    for item in dataclasses.fields(PublishSettings):
        if item.name in PUBLISH:
            assert getattr(publish, item.name) == _default(item), item.name
    oauth2 = oauth2_from_config(config.defaults(
        oauth2_token_url="https://idp.example.com/token", oauth2_client_id="app",
        oauth2_client_secret="s3cret-value"))
    assert oauth2 is not None
    for item in dataclasses.fields(OAuth2Settings):
        if item.name in OAUTH2:
            assert getattr(oauth2, item.name) == _default(item), item.name


def test_unset_values_only_stand_in_for_none() -> None:
    """``unset`` is the value used while an option holds None; an option with a real
    default has no second one."""
    for opt in BY_NAME.values():
        assert opt.unset is None or opt.default is None, opt.name
        if opt.unset is not None and opt.choices:
            assert opt.unset in opt.choices, opt.name
