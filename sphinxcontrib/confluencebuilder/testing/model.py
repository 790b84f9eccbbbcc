"""Data model of the Confluence emulator: users, spaces, content, versions, labels.

Plain dataclasses plus :class:`EmulatorError` (a request the real Confluence would
refuse). :mod:`.state` holds them under its lock; :mod:`.tree` and the API modules read
them. Kept apart from :mod:`.state` so the page-tree rules need not import the state.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

_DEFAULT_ERRORS: dict[int, str] = {
    400: "BadRequestException",
    403: "PermissionException",
    404: "NotFoundException",
    405: "NotImplementedServiceException",
    409: "ConflictException",
    410: "GoneException",
}


class EmulatorError(Exception):
    """A request the real Confluence would refuse; ``status`` is the HTTP status."""

    def __init__(self, status: int, message: str, *, errors: list[str] | None = None,
                 exception: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.exception = (exception if exception is not None
                          else _DEFAULT_ERRORS.get(status, "ServiceException"))


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class User:
    account_id: str
    display_name: str
    email: str = ""
    username: str = ""


@dataclass
class Version:
    number: int
    when: str
    by: str | None
    message: str = ""
    minor_edit: bool = False


@dataclass
class Label:
    id: str
    name: str
    prefix: str = "global"


@dataclass
class Property:
    id: str
    key: str
    value: Any
    version: Version


@dataclass
class Space:
    id: int
    key: str
    name: str
    type: str = "global"
    status: str = "current"
    homepage_id: str | None = None
    hidden: bool = False
    read_only: bool = False
    created: str = field(default_factory=now)
    author: str | None = None


@dataclass
class Content:
    """A page or an attachment (``type``); attachments hang off ``parent_id`` (their page)."""

    id: str
    type: str
    title: str
    space_key: str
    status: str = "current"
    parent_id: str | None = None
    position: int = 0
    body: str = ""
    versions: list[Version] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    properties: dict[str, Property] = field(default_factory=dict)
    watchers: set[str] = field(default_factory=set)
    media_type: str = ""
    comment: str = ""
    data: bytes = b""
    #: inline comments: (id, 'open' | 'reopened' | 'resolved' | 'dangling')
    inline_comments: list[tuple[str, str]] = field(default_factory=list)
    history: dict[str, str] = field(default_factory=dict)  # page body by version number

    @property
    def version(self) -> Version:
        return self.versions[-1]

    @property
    def created(self) -> Version:
        return self.versions[0]


def plain_data(obj: Any) -> Any:
    """Dataclass tree to JSON-able values (bytes as base64, sets as sorted lists)."""
    if isinstance(obj, bytes):
        return base64.b64encode(obj).decode("ascii")
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, list):
        return [plain_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: plain_data(v) for k, v in obj.items()}
    if hasattr(obj, "__dataclass_fields__"):
        return {k: plain_data(getattr(obj, k)) for k in obj.__dataclass_fields__}
    return obj


def _version(d: dict[str, Any]) -> Version:
    return Version(**d)


def content_from_data(d: dict[str, Any]) -> Content:
    d = dict(d)
    d["versions"] = [_version(v) for v in d["versions"]]
    d["labels"] = [Label(**lb) for lb in d["labels"]]
    d["properties"] = {k: Property(**{**p, "version": _version(p["version"])})
                       for k, p in d["properties"].items()}
    d["watchers"] = set(d["watchers"])
    d["data"] = base64.b64decode(d["data"])
    return Content(**d)
