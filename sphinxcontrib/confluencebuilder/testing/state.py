"""In-memory state of the Confluence emulator: users, spaces, content, labels, properties.

Everything is guarded by one re-entrant lock (:attr:`State.lock`); the REST dispatcher
holds it for the whole of a request, so handlers see a consistent snapshot. Rules that
are the same for every API generation (title uniqueness, version increments, moves,
trash) live here and raise :class:`EmulatorError`, which the API layer renders in the
error shape of the API that was called.
"""

from __future__ import annotations

import threading
from typing import Any

from .model import (  # re-exported: the API modules and tests import them from here
    Content,
    EmulatorError,
    Label,
    Property,
    Space,
    User,
    Version,
    content_from_data,
    now,
    plain_data,
)
from .tree import move_page

__all__ = ["Content", "EmulatorError", "Label", "Property", "Space", "State", "User",
           "Version", "now"]


class State:
    """The whole emulated Confluence site."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.users: dict[str, User] = {}
            self.spaces: dict[str, Space] = {}
            self.content: dict[str, Content] = {}
            self.longtasks: dict[str, dict[str, Any]] = {}
            self.counter = 65536
            self.space_counter = 32768

    def next_id(self) -> str:
        self.counter += 1
        return str(self.counter)

    # -- persistence ------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON-able snapshot (``json.dump`` it); attachment data is base64."""
        with self.lock:
            return {
                "counter": self.counter,
                "space_counter": self.space_counter,
                "users": [plain_data(u) for u in self.users.values()],
                "spaces": [plain_data(s) for s in self.spaces.values()],
                "content": [plain_data(c) for c in self.content.values()],
                "longtasks": self.longtasks,
            }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        state = cls()
        state.load(data)
        return state

    def load(self, data: dict[str, Any]) -> None:
        """Replace this state's contents with a snapshot made by :meth:`to_json`."""
        with self.lock:
            self.reset()
            self.counter = data["counter"]
            self.space_counter = data["space_counter"]
            self.users = {u["account_id"]: User(**u) for u in data["users"]}
            self.spaces = {s["key"]: Space(**s) for s in data["spaces"]}
            self.content = {c["id"]: content_from_data(c) for c in data["content"]}
            self.longtasks = dict(data.get("longtasks", {}))

    # -- users and spaces -------------------------------------------------------------

    def add_user(self, account_id: str, display_name: str | None = None, *,
                 email: str = "", username: str = "") -> User:
        with self.lock:
            user = User(account_id, display_name or account_id, email,
                        username or account_id)
            self.users[account_id] = user
            return user

    def find_user(self, name: str | None) -> User | None:
        """A user by account id or username."""
        if name is None:
            return None
        if name in self.users:
            return self.users[name]
        return next((u for u in self.users.values() if u.username == name), None)

    def create_space(self, key: str, name: str | None = None, *, hidden: bool = False,
                     read_only: bool = False, by: str | None = None) -> Space:
        """A new space with its home page (titled ``<name> Home``)."""
        with self.lock:
            if key.upper() in (k.upper() for k in self.spaces):
                raise EmulatorError(400, f"A space already exists with key {key}")
            self.space_counter += 1
            space = Space(self.space_counter, key, name or key, author=by)
            self.spaces[key] = space
            space.homepage_id = self.create_page(key, f"{space.name} Home", "", by=by).id
            space.hidden, space.read_only = hidden, read_only
            return space

    def get_space(self, key: str) -> Space:
        """A visible space, else the real 404."""
        space = self.spaces.get(key)
        if space is None or space.hidden:
            raise EmulatorError(404, f"No space found with key : {key}")
        return space

    def space_by_id(self, space_id: str | int) -> Space | None:
        return next((s for s in self.spaces.values()
                     if str(s.id) == str(space_id) and not s.hidden), None)

    def writable_space(self, key: str) -> Space:
        space = self.get_space(key)
        if space.read_only:
            raise EmulatorError(403, f"User not permitted to edit content in space {key}")
        return space

    # -- content lookup ---------------------------------------------------------------

    def get_content(self, content_id: str | int, statuses: tuple[str, ...] | None = None
                    ) -> Content:
        """Content by id (``att`` prefixes accepted), else 404 like the real one.

        ``statuses`` limits which statuses are visible (``None`` = any).
        """
        cid = str(content_id).removeprefix("att")
        item = self.content.get(cid)
        if (item is None or item.status == "purged"
                or (statuses is not None and item.status not in statuses)
                or self.spaces[item.space_key].hidden):
            raise EmulatorError(404, f"No content found with id: ContentId{{id={cid}}}")
        return item

    def find_pages(self, space_key: str | None = None, title: str | None = None,
                   statuses: tuple[str, ...] = ("current",), kind: str = "page"
                   ) -> list[Content]:
        """Pages (or attachments) in visible spaces, oldest first; exact title match."""
        return [c for c in self.content.values()
                if c.type == kind and c.status in statuses
                and (space_key is None or c.space_key == space_key)
                and (title is None or c.title == title)
                and not self.spaces[c.space_key].hidden]

    def children(self, parent_id: str, kind: str = "page",
                 statuses: tuple[str, ...] = ("current",)) -> list[Content]:
        found = [c for c in self.content.values()
                 if c.parent_id == parent_id and c.type == kind and c.status in statuses]
        return sorted(found, key=lambda c: (c.position, int(c.id)))

    def descendants(self, parent_id: str) -> list[Content]:
        out: list[Content] = []
        for child in self.children(parent_id):
            out.append(child)
            out.extend(self.descendants(child.id))
        return out

    def ancestors(self, item: Content) -> list[Content]:
        """Root first; the last element is the immediate parent."""
        chain: list[Content] = []
        parent = item.parent_id
        while parent is not None and parent in self.content:
            chain.insert(0, self.content[parent])
            parent = self.content[parent].parent_id
        return chain

    def page_tree(self, space_key: str) -> dict[str, Any]:
        """Nested ``{title, id, children}`` view of the current pages of a space."""
        def node(page: Content) -> dict[str, Any]:
            return {"title": page.title, "id": page.id,
                    "children": [node(c) for c in self.children(page.id)]}
        with self.lock:
            roots = self.siblings(None, space_key)
            return {"space": space_key, "pages": [node(p) for p in roots]}

    # -- page writes ------------------------------------------------------------------

    def _check_title(self, space_key: str, title: str, exclude: str | None = None) -> None:
        if not title.strip():
            raise EmulatorError(400, "Title cannot be empty")
        if len(title) > 255:
            raise EmulatorError(400, "Title cannot be longer than 255 characters.")
        for other in self.find_pages(space_key, statuses=("current", "archived")):
            if other.id != exclude and other.title.lower() == title.lower():
                raise EmulatorError(
                    400, "A page with this title already exists: A page already exists "
                    f"with the title {title} in the space with key {space_key}")

    def check_parent(self, space_key: str, parent_id: str | None, moving: str | None = None
                      ) -> None:
        if parent_id is None:
            return
        parent = self.content.get(str(parent_id))
        if parent is None or parent.type != "page" or parent.status != "current":
            raise EmulatorError(400, f"Can't find parent page with id {parent_id}")
        if parent.space_key != space_key:
            raise EmulatorError(400, "Parent page must be in the same space as the page.")
        if moving is not None and (parent.id == moving
                                   or moving in (a.id for a in self.ancestors(parent))):
            raise EmulatorError(400, "A page cannot be moved to be its own ancestor or "
                                f"descendant (page {moving}, new parent {parent_id}).")

    def siblings(self, parent_id: str | None, space_key: str) -> list[Content]:
        """The current pages under ``parent_id`` (None: the space root), in their order."""
        found = [c for c in self.content.values()
                 if c.type == "page" and c.status == "current" and c.parent_id == parent_id
                 and c.space_key == space_key]
        return sorted(found, key=lambda c: (c.position, int(c.id)))

    def move_page(self, page: Content, target: Content | None, position: str) -> Content:
        """Move ``page`` in the page tree (no new version); see :func:`.tree.move_page`."""
        with self.lock:
            return move_page(self, page, target, position)

    def create_page(self, space_key: str, title: str, body: str = "",
                    parent_id: str | None = None, *, by: str | None = None,
                    status: str = "current", message: str = "") -> Content:
        with self.lock:
            self.writable_space(space_key)
            if status == "current":
                self._check_title(space_key, title)
            self.check_parent(space_key, parent_id)
            cid = self.next_id()
            page = Content(cid, "page", title, space_key, status=status,
                           parent_id=None if parent_id is None else str(parent_id),
                           position=self.counter, body=body,
                           versions=[Version(1, now(), by, message)], history={"1": body})
            if by is not None:      # Confluence makes the author a watcher (autowatch)
                page.watchers.add(by)
            self.content[cid] = page
            return page

    def update_page(self, page: Content, *, version: int | None, by: str | None,
                    title: str | None = None, body: str | None = None,
                    parent_id: str | None = None, status: str | None = None,
                    message: str = "", minor_edit: bool = False) -> Content:
        """Apply an update after the version rules; ``parent_id`` moves the page."""
        with self.lock:
            self.writable_space(page.space_key)
            if version is None:
                raise EmulatorError(400, "Must supply an incremented version when updating "
                                    "Content. No version supplied.")
            if version != page.version.number + 1:
                raise EmulatorError(409, "Version must be incremented on update. Current "
                                    f"version is: {page.version.number}")
            new_status = status or page.status
            if new_status not in ("current", "draft", "archived") and new_status != page.status:
                raise EmulatorError(400, f"Invalid content status: {new_status}")
            new_title = title if title is not None else page.title
            if new_status == "current" and (new_title != page.title or page.status != "current"):
                self._check_title(page.space_key, new_title, exclude=page.id)
            if parent_id is not None and parent_id != page.parent_id:
                self.check_parent(page.space_key, parent_id, moving=page.id)
                page.parent_id = str(parent_id)
                page.position = int(self.next_id())
            page.title, page.status = new_title, new_status
            page.body = page.history[str(version)] = page.body if body is None else body
            page.versions.append(Version(version, now(), by, message, minor_edit))
            if by is not None:      # editing a page makes the editor watch it, too
                page.watchers.add(by)
            return page

    def trash(self, item: Content) -> None:
        """Move to the trash; a page's current children move up to its parent."""
        with self.lock:
            self.writable_space(item.space_key)
            for child in self.children(item.id):
                child.parent_id = item.parent_id
            item.status = "trashed"

    def purge(self, item: Content) -> None:
        """Remove trashed content for good, with its attachments."""
        with self.lock:
            self.writable_space(item.space_key)
            for child in [c for c in self.content.values() if c.parent_id == item.id]:
                if child.type == "attachment":
                    del self.content[child.id]
                else:                       # pages left below it (trashed ones included)
                    child.parent_id = item.parent_id
            del self.content[item.id]

    def archive(self, pages: list[Content], by: str | None) -> str:
        """Archive pages; returns a finished long task id."""
        with self.lock:
            for page in pages:
                self.writable_space(page.space_key)
            for page in pages:
                page.status = "archived"
            task_id = self.next_id()
            self.longtasks[task_id] = {"id": task_id, "finished": True, "successful": True,
                                       "pages": [p.id for p in pages], "by": by,
                                       "when": now()}
            return task_id

    # -- attachments ------------------------------------------------------------------

    def attach(self, page: Content, filename: str, data: bytes, media_type: str, *,
               by: str | None, comment: str = "", minor_edit: bool = False,
               existing: Content | None = None) -> Content:
        """A new attachment, or a new version of ``existing``."""
        with self.lock:
            self.writable_space(page.space_key)
            if existing is None:
                cid = self.next_id()
                existing = Content(cid, "attachment", filename, page.space_key,
                                   parent_id=page.id, position=int(cid))
                self.content[cid] = existing
                number = 1
            else:
                number = existing.version.number + 1
            existing.data, existing.media_type, existing.comment = data, media_type, comment
            existing.status = "current"
            existing.versions.append(Version(number, now(), by, comment, minor_edit))
            return existing

    def attachment_named(self, page: Content, filename: str) -> Content | None:
        return next((a for a in self.children(page.id, "attachment")
                     if a.title == filename), None)

    def download(self, page_id: str, filename: str) -> Content | None:
        """The current attachment behind ``/download/attachments/<page>/<name>`` (for the shell);
        only the latest data is kept, whatever ``?version=`` asks for."""
        with self.lock:
            page = self.content.get(page_id)
            if page is None or page.status == "purged" or self.spaces[page.space_key].hidden:
                return None
            return self.attachment_named(page, filename)

    # -- labels and properties --------------------------------------------------------

    def add_label(self, item: Content, name: str, prefix: str = "global") -> Label:
        with self.lock:
            self.writable_space(item.space_key)
            for label in item.labels:
                if label.name == name and label.prefix == prefix:
                    return label
            label = Label(self.next_id(), name, prefix)
            item.labels.append(label)
            return label

    def set_property(self, item: Content, key: str, value: Any, *, version: int | None,
                     by: str | None, create_only: bool = False) -> Property:
        """Create (version 1) or update (version current+1) a content property."""
        with self.lock:
            self.writable_space(item.space_key)
            prop = item.properties.get(key)
            if prop is None:
                if version not in (None, 1):
                    raise EmulatorError(404, f"Cannot find property '{key}' on content "
                                        f"{item.id}")
                prop = Property(self.next_id(), key, value, Version(1, now(), by))
                item.properties[key] = prop
                return prop
            if create_only:
                raise EmulatorError(409, f"Cannot add a property with key '{key}': one "
                                    f"already exists on content {item.id}")
            if version is None:
                raise EmulatorError(400, "Must supply an incremented version when updating "
                                    "a content property. No version supplied.")
            if version != prop.version.number + 1:
                raise EmulatorError(409, "Version must be incremented on update. Current "
                                    f"version is: {prop.version.number}")
            prop.value = value
            prop.version = Version(version, now(), by)
            return prop
