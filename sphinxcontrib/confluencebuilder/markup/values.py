"""Option validators and value helpers shared by the directives and roles.

Validators raise ``ValueError`` with a message saying what is wrong and what is
allowed; docutils reports it as an error of the directive at its document and line.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

BOOLS = ("true", "false")
CARDS = ("block", "embed")
LAYOUTS = ("align-start", "align-end", "center", "wrap-left", "wrap-right")
STATUS_COLOURS = ("grey", "red", "yellow", "green", "blue", "purple")
EMOTICONS = (
    "smile", "sad", "cheeky", "laugh", "wink", "thumbs-up", "thumbs-down", "information",
    "tick", "cross", "warning", "plus", "minus", "question", "light-on", "light-off",
    "yellow-star", "red-star", "green-star", "blue-star", "heart", "broken-heart",
)
_LENGTH = re.compile(r"^\d+(\.\d+)?\s*(px|%|em|ex|pt|pc|cm|mm|in|rem|vw)?$")


def choice(what: str, allowed: tuple[str, ...]) -> Callable[[str | None], str]:
    """A validator accepting one of ``allowed`` (case-insensitive)."""

    def check(value: str | None) -> str:
        text = (value or "").strip().lower()
        if text not in allowed:
            raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
        return text

    return check


def flag_or_bool(value: str | None) -> str:
    """``true``/``false``, or an empty flag meaning ``true``."""
    if value is None or not value.strip():
        return "true"
    return choice("value", BOOLS)(value)


def card_width(value: str | None) -> int:
    """A card width: a whole number from 1 to 100 (percent of the page)."""
    try:
        number = int((value or "").strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"width {value!r} is not a whole number from 1 to 100") from None
    if not 1 <= number <= 100:
        raise ValueError(f"width {number} is out of range; give a percentage from 1 to 100")
    return number


def positive_int(value: str | None) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise ValueError(f"{number} must be 1 or more")
    return number


def length(value: str | None) -> str | None:
    """A table width (``800``, ``800px``, ``80%``, ``50em``) or ``unset``."""
    text = (value or "").strip()
    if text.lower() == "unset":
        return None
    if not _LENGTH.match(text):
        raise ValueError(f"table width {value!r} is not a length such as 800px, 80% or "
                         "50em (or 'unset')")
    return text


def labels(value: str | None) -> list[str]:
    return [item for item in (value or "").split() if item]


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def jira_server_params(options: Mapping[str, Any], servers: Mapping[str, Any] | None
                       ) -> dict[str, str]:
    """``server`` / ``serverId`` macro parameters for a Jira directive's options.

    Raises ``ValueError`` (the message is the warning text) for a missing
    ``confluence_jira_servers`` entry, a ``:server:`` combined with ``:server-id:`` or
    ``:server-name:``, half of an id/name pair, an invalid UUID, or an id and name that
    contradict a configured server.
    """
    named = options.get("server")
    server_id = options.get("server-id")
    server_name = options.get("server-name")
    if named is not None:
        if server_id is not None or server_name is not None:
            raise ValueError(":server: conflicts with :server-id:/:server-name:; give either "
                             "a confluence_jira_servers name or both an id and a name")
        entry = (servers or {}).get(named)
        if entry is None:
            known = ", ".join(sorted(servers or {})) or "none configured"
            raise ValueError(f"Jira server {named!r} has no entry in confluence_jira_servers "
                             f"(known: {known}); add it to conf.py")
        return {"server": str(entry["name"]), "serverId": str(entry["id"])}
    if server_id is None and server_name is None:
        return {}
    if server_id is None or server_name is None:
        missing = ":server-id:" if server_id is None else ":server-name:"
        raise ValueError(f"{missing} is required together with "
                         f"{':server-name:' if server_id is None else ':server-id:'}")
    if not is_uuid(server_id):
        raise ValueError(f":server-id: {server_id!r} is not a UUID (e.g. "
                         "d005bcc2-ca4e-4065-8ce8-49ff5ac5857d)")
    for key, entry in (servers or {}).items():
        if str(entry.get("name")) == server_name and str(entry.get("id")) != server_id:
            raise ValueError(f":server-id: {server_id} conflicts with the id of server "
                             f"{server_name!r} in confluence_jira_servers[{key!r}]")
    return {"server": server_name, "serverId": server_id}
