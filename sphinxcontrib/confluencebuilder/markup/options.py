"""Checks of the options that feed the markup, at ``config-inited``.

A malformed value stops the build before reading (``ConfigError``) with the option's
name, what is wrong and what to write instead -- the same wording for every option.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfluenceConfigError
from ..userstop import ConfluenceConfigStop
from .values import is_uuid

_SERVER_EXAMPLE = ("e.g. confluence_jira_servers = {'main': {'id': "
                   "'d005bcc2-ca4e-4065-8ce8-49ff5ac5857d', 'name': 'Jira'}}")


def check_jira_servers(config: Any) -> None:
    servers = getattr(config, "confluence_jira_servers", None)
    if servers is None:
        return
    for key, entry in servers.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or \
                not isinstance(entry.get("name"), str):
            raise ConfluenceConfigError("confluence_jira_servers", f"entry {key!r} needs a "
                                        "string 'id' and a string 'name'", hint=_SERVER_EXAMPLE)
        if not is_uuid(entry["id"]):
            raise ConfluenceConfigError("confluence_jira_servers", f"entry {key!r}: id "
                                        f"{entry['id']!r} is not a UUID", hint=_SERVER_EXAMPLE)
    names: dict[str, str] = {}
    for entry in servers.values():
        other = names.setdefault(entry["name"], entry["id"])
        if other != entry["id"]:
            raise ConfluenceConfigError(
                "confluence_jira_servers", f"server name {entry['name']!r} is given two "
                "different ids", hint="Each Jira server name belongs to one id.")


def check_mentions(config: Any) -> None:
    mentions = getattr(config, "confluence_mentions", None)
    for key, value in (mentions or {}).items():
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise ConfluenceConfigError("confluence_mentions", f"entry {key!r} must map a "
                                        "name to an account id, user key or user name (strings)")


def check_tab_macro(config: Any) -> None:
    value = getattr(config, "confluence_tab_macro", None)
    if value is None:
        return
    if not isinstance(value.get("macro-name"), str) or not value["macro-name"].strip():
        raise ConfluenceConfigError("confluence_tab_macro", "needs a 'macro-name'",
                                    hint="e.g. {'macro-name': 'ui-tab', 'title-id': 'title'}")
    for key in ("primary-id", "primary-value", "title-id"):
        if key in value and not isinstance(value[key], str):
            raise ConfluenceConfigError("confluence_tab_macro", f"{key!r} must be a string")


def check_html_options(config: Any) -> None:
    macro = getattr(config, "confluence_html_macro", "html")
    if not isinstance(macro, str) or not macro.strip():
        raise ConfluenceConfigError("confluence_html_macro", "must be a macro name, e.g. "
                                    "'html'")
    permit = getattr(config, "confluence_permit_raw_html", False)
    if isinstance(permit, str) and not permit.strip():
        raise ConfluenceConfigError("confluence_permit_raw_html", "is an empty macro name",
                                    hint="Use True (inject as is) or a macro name such as "
                                    "'html'.")


CHECKS = (check_jira_servers, check_mentions, check_tab_macro, check_html_options)


def on_config_inited(app: Any, config: Any) -> None:
    try:
        for check in CHECKS:
            check(config)
    except ConfluenceConfigError as exc:
        raise ConfluenceConfigStop(f"confluence: {exc}", exc) from None
