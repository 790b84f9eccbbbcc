"""Typed reads of server answers, and ids made safe for request paths.

A server answer is untrusted input: a field of the wrong type (a version number as a
string, ancestors that are not a list) raises :class:`ConfluenceBadResponseError`
naming the field, never a ``TypeError`` deep in the publisher. Content ids are checked
before they are placed in a request path (:func:`segment`): Confluence ids are numbers
(attachments may carry an ``att`` prefix), so an id such as ``65539/../../space/X?x=``
never turns one call into another.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..errors import ConfluenceBadResponseError

_ID = re.compile(r"(?:att)?[0-9]{1,19}")
#: largest version number accepted (Confluence stores it as a 32-bit int)
MAX_NUMBER = 2 ** 31 - 1


def bad_shape(what: str, value: Any, expected: str) -> ConfluenceBadResponseError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return ConfluenceBadResponseError(
        f"the server's answer has {what} = {shown} ({type(value).__name__}); expected "
        f"{expected}. This is not what Confluence sends",
        hint="Check confluence_server_url (is it Confluence?) and any proxy or gateway "
             "in between that may rewrite answers.",
        options=("confluence_server_url",))


def obj(value: Any, what: str) -> dict[str, Any]:
    """A JSON object (None: an empty one)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_shape(what, value, "an object")
    return value


def items(value: Any, what: str) -> list[dict[str, Any]]:
    """A JSON array of objects (None: an empty one)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise bad_shape(what, value, "a list of objects")
    return value


def text(value: Any, what: str, default: str = "") -> str:
    """A string (None: ``default``)."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise bad_shape(what, value, "a string")
    return value


def opt_text(value: Any, what: str) -> str | None:
    """A string or None."""
    return None if value is None else text(value, what)


def number(value: Any, what: str, default: int = 0) -> int:
    """A whole number from 0 to MAX_NUMBER (None: ``default``)."""
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_NUMBER:
        raise bad_shape(what, value, f"a whole number from 0 to {MAX_NUMBER}")
    return value


def content_id(value: Any, what: str = "a page id") -> str:
    """A Confluence content id from an answer (a number, or digits in a string)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or \
            not _ID.fullmatch(str(value)):
        raise bad_shape(what, value, "a Confluence id (digits)")
    return str(value)


def opt_id(value: Any, what: str) -> str | None:
    """A content id, or None when absent or empty."""
    return None if value is None or value == "" else content_id(value, what)


def segment(value: Any, what: str = "a page id") -> str:
    """``value`` as one request-path segment: a valid content id, percent-quoted."""
    return quote(content_id(value, what), safe="")
