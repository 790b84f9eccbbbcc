"""v1 attachment requests: listing, one upload (new file or new version), several new
files in one multipart upload, and deletes.

Cloud has no v2 upload, so the v2 dialect sends its uploads through these too and hands
in its own attachment listing (``listing``) to find what a lost upload stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import ConfluenceBadResponseError
from . import answers, shape
from .base import NewAttachment, RemoteAttachment
from .shape import segment
from .transport import Reply
from .wire import Wire

#: the attachments of a page (to recover an upload whose answer was lost)
Listing = Callable[[str], list[RemoteAttachment]]


class V1Attachments:
    """The attachment calls of REST API v1 for one client."""

    def __init__(self, wire: Wire, root: str) -> None:
        self.wire = wire
        self.root = root

    def _url(self, path: str) -> str:
        return self.root + path

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        items = self.wire.paged_v1(self._url(f"content/{segment(page_id)}/child/attachment"),
                                   {"expand": "version"}, subject=f"page {page_id}")
        return [answers.v1_attachment(item, page_id) for item in items]

    def delete(self, attachment_id: str) -> None:
        self.wire.delete(self._url(f"content/{segment(attachment_id)}"),
                         f"attachment {attachment_id}")

    def upload(self, page_id: str, new: NewAttachment, *,
               existing: RemoteAttachment | None = None, minor_edit: bool = True,
               listing: Listing | None = None) -> RemoteAttachment:
        """Create the attachment, or add a version of ``existing``."""
        path = f"content/{segment(page_id)}/child/attachment"
        if existing is not None:
            path += f"/{segment(existing.id)}/data"
        look = listing or self.list_attachments

        def recover() -> Reply | None:
            found = next((a for a in look(page_id) if a.name == new.name), None)
            if found is None or (existing is not None and found.version <= existing.version):
                return None
            return Reply(200, answers.v1_attachment_answer(found))

        reply = self.wire.call(
            "POST", self._url(path), files={"file": (new.name, new.data, new.media_type)},
            data={"comment": new.comment, "minorEdit": "true" if minor_edit else "false"},
            recover=recover, subject=f"attachment {new.name!r} of page {page_id}")
        if isinstance(reply, dict) and "results" in reply:
            found = shape.items(reply["results"], "results")
            reply = found[0] if found else None
        return answers.v1_attachment(reply, page_id)

    def upload_several(self, page_id: str, files: Sequence[NewAttachment], *,
                       minor_edit: bool = True,
                       listing: Listing | None = None) -> list[RemoteAttachment]:
        """New attachments in one multipart ``POST content/{id}/child/attachment``, a
        ``file`` and a ``comment`` part per file (paired in order). A lost answer is
        recovered by listing what landed; files not stored go in a further request,
        as long as each request stores something."""
        path = self._url(f"content/{segment(page_id)}/child/attachment")
        look = listing or self.list_attachments
        stored: dict[str, RemoteAttachment] = {}
        pending = list(files)
        while pending:
            reply = self.wire.call(
                "POST", path, subject=f"{len(pending)} attachment(s) of page {page_id}",
                files=[("file", (f.name, f.data, f.media_type)) for f in pending],
                data=[*(("comment", f.comment) for f in pending),
                      ("minorEdit", "true" if minor_edit else "false")],
                recover=lambda batch=tuple(pending): landed(look(page_id), batch))
            items = shape.items(shape.obj(reply, "upload answer").get("results"), "results")
            fresh = 0
            for item in items:
                att = answers.v1_attachment(item, page_id)
                fresh += att.name.casefold() not in stored
                stored[att.name.casefold()] = att
            pending = [f for f in pending if f.name.casefold() not in stored]
            if pending and not fresh:
                raise ConfluenceBadResponseError(
                    f"uploading to page {page_id}: the server stored none of "
                    f"{', '.join(repr(f.name) for f in pending[:5])}",
                    hint="The server answered the upload without the attachments. Check "
                         "confluence_server_url and any proxy in between.",
                    options=("confluence_server_url",))
        return [stored[f.name.casefold()] for f in files]


def landed(present: list[RemoteAttachment], files: tuple[NewAttachment, ...]) -> Reply | None:
    """Before sending an upload again: the files of it that are there already (same
    name and comment, among ``present``); None when none is (send it again)."""
    def squeeze(text: str) -> str:   # servers may wrap a long comment in lines
        return "".join(text.split())

    wanted = {f.name.casefold(): squeeze(f.comment) for f in files}
    found = [a for a in present if wanted.get(a.name.casefold()) == squeeze(a.comment)]
    if not found:
        return None
    return Reply(200, {"results": [answers.v1_attachment_answer(a) for a in found]})


__all__ = ["Listing", "V1Attachments", "landed"]
