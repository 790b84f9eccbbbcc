"""What a dialect is: the calls of one REST API version, each building its requests
and reading the answers, sent through the client's :class:`~.wire.Wire`.

:class:`~.client.RestClient` holds one dialect at a time (:class:`~.dialect_v1.V1Dialect`
or :class:`~.dialect_v2.V2Dialect`) and swaps it when Cloud answers v1 with 410 Gone.
The calls mean what the same names of :class:`~.base.ConfluenceClient` mean. None of
them sends a request again after a failure: the transport's retry policy does
(:mod:`.retrypolicy`), re-reading a stale version through the dialect's rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from .base import ApiMode, NewAttachment, RemoteAttachment, RemotePage, Space


class Dialect(Protocol):
    """The calls :class:`~.client.RestClient` hands to its dialect."""

    @property
    def api_mode(self) -> ApiMode: ...

    @property
    def create_carries_properties(self) -> bool: ...

    def current_user(self) -> dict[str, Any]: ...

    def server_info(self) -> dict[str, Any]: ...

    def get_space(self, key: str) -> Space: ...

    def set_homepage(self, space: Space, page_id: str) -> None: ...

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage: ...

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None: ...

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]: ...

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage: ...

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None,
                    message: str, minor: bool) -> RemotePage: ...

    def list_children(self, page_id: str) -> list[RemotePage]: ...

    def move_page(self, page_id: str, position: str, target_id: str) -> None: ...

    def delete_page(self, page_id: str, *, purge: bool = False) -> None: ...

    def archive_pages(self, page_ids: list[str]) -> None: ...

    def unwatch(self, content_id: str) -> None: ...

    def inline_comment_statuses(self, page_id: str) -> list[str]: ...

    def get_property(self, page_id: str, key: str) -> Any | None: ...

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int: ...

    def get_labels(self, page_id: str) -> tuple[str, ...]: ...

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None: ...

    def remove_label(self, page_id: str, label: str) -> None: ...

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]: ...

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment: ...

    def upload_attachments(self, page_id: str, files: Sequence[NewAttachment], *,
                           minor_edit: bool = True) -> list[RemoteAttachment]: ...

    def delete_attachment(self, attachment_id: str) -> None: ...


__all__ = ["Dialect"]
