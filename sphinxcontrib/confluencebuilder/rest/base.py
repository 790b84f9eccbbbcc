"""The REST client interface the publisher and the connection doctor use.

One ``ConfluenceClient`` protocol; one client behind it (``client.RestClient``) that
speaks a v1 or a v2 dialect (API mode chosen automatically: v2 on Cloud, v1 on Data
Center). Every
method either returns plain values (the dataclasses below) or raises a subclass of
``errors.ConfluenceConnectionError``. No method returns raw ``requests`` objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

#: the REST API a client speaks: v1 (Data Center, older Cloud) or v2 (Cloud)
ApiMode = Literal["v1", "v2"]


@dataclass(frozen=True)
class Space:
    id: str
    key: str
    name: str
    homepage_id: str | None = None


@dataclass(frozen=True)
class RemotePage:
    id: str
    title: str
    space_key: str
    parent_id: str | None
    version: int
    status: str = "current"
    #: content properties that were asked for (key -> value); absent keys were not found
    properties: dict[str, Any] = field(default_factory=dict)
    #: label names when asked for, else None
    labels: tuple[str, ...] | None = None
    #: storage body when asked for, else None
    body: str | None = None
    #: absolute URL of the page in the web UI ('' when unknown)
    url: str = ""
    #: version numbers of the properties in ``properties`` when the server told them
    property_versions: dict[str, int] = field(default_factory=dict)
    #: the page's place among its siblings (smaller first) when the server told it
    position: int | None = None


@dataclass(frozen=True)
class RemoteAttachment:
    id: str
    name: str
    page_id: str
    version: int
    media_type: str
    comment: str = ""
    size: int = 0


@dataclass(frozen=True)
class NewAttachment:
    """One file of :meth:`ConfluenceClient.upload_attachments`."""

    name: str
    data: bytes
    media_type: str
    comment: str = ""


class ConfluenceClient(Protocol):
    @property
    def api_mode(self) -> str:
        """'v1' or 'v2'."""
        ...

    @property
    def base_url(self) -> str:
        """Normalised site base URL, e.g. https://x.atlassian.net/wiki/."""
        ...

    @property
    def create_carries_properties(self) -> bool:
        """Whether ``create_page`` sends the properties in the create request itself
        (v1) rather than in one more request per property after it (v2)."""
        ...

    @property
    def request_count(self) -> int:
        """Requests made so far by this client (for summaries and benchmarks)."""
        ...

    def current_user(self) -> dict[str, Any]: ...

    def server_info(self) -> dict[str, Any]:
        """Instance type and version, e.g. {'type': 'cloud'|'dc', 'version': '...'}."""
        ...

    def get_space(self, key: str) -> Space: ...

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage: ...

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        """Exact title first, then a case-insensitive match (titles are unique per space
        regardless of case). ``status='archived'`` looks among archived pages instead,
        whose titles stay taken."""
        ...

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        """Every current page of the space (or below ``ancestor_id``) with version, parent
        and the named properties, fetched in as few paged calls as the API allows."""
        ...

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage:
        """Create a page. A create is retried after a failure only once it is certain the
        first attempt did not create the page."""
        ...

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None, *,
                    version_message: str = "", minor_edit: bool = True) -> RemotePage:
        """Write version ``page.version + 1``; moves the page when ``parent_id`` differs."""
        ...

    def list_children(self, page_id: str) -> list[RemotePage]:
        """The child pages of a page in their page-tree order (every page of the
        listing, paged; ``parent_id`` is ``page_id``)."""
        ...

    def move_page(self, page_id: str, position: str, target_id: str) -> None:
        """Move a page in the page tree without a new version: ``before`` / ``after``
        the sibling ``target_id``, or ``append`` as the last child of ``target_id``."""
        ...

    def delete_page(self, page_id: str, *, purge: bool = False) -> None: ...

    def archive_pages(self, page_ids: list[str]) -> None: ...

    def get_property(self, page_id: str, key: str) -> Any | None: ...

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        """Create or update (with the version rule) one content property; returns the
        version written.

        ``version`` is the property's current version when the caller knows it (0: it
        does not exist), which saves reading it first; a wrong guess costs a conflict
        answer and a read, never a lost write."""
        ...

    def get_labels(self, page_id: str) -> tuple[str, ...]: ...

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None: ...

    def remove_label(self, page_id: str, label: str) -> None: ...

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]: ...

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment:
        """Create the attachment, or add a new version of ``existing``."""
        ...

    def upload_attachments(self, page_id: str, files: Sequence[NewAttachment], *,
                           minor_edit: bool = True) -> list[RemoteAttachment]:
        """Create several attachments of a page that has none of these names, in one
        multipart request (the answers, one per file, in the order of ``files``)."""
        ...

    def delete_attachment(self, attachment_id: str) -> None: ...

    def unwatch(self, content_id: str) -> None: ...

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        """Resolution status of each inline comment of a page ('open', 'reopened',
        'resolved', 'dangling')."""
        ...

    def set_homepage(self, space: Space, page_id: str) -> None:
        """Make a page of the space its homepage."""
        ...

    def close(self) -> None:
        """End of a run: report what the server flagged once (e.g. deprecated endpoints)
        and close the session the client made (``RestClient`` is also a context
        manager that calls this)."""
        ...
