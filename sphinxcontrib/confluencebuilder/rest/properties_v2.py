"""v2 content-property requests: read one, read several of a page, write one.

v2 cannot embed properties in a page answer and addresses a property by its id, so
the ids seen in any answer are kept (``answers.PropertyIds``, shared with the v1
dialect, whose listings tell them too).
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfluenceNotFoundError
from ..settings import ConnectionSettings
from . import answers
from .retrypolicy import Resend
from .shape import segment
from .wire import Wire


class V2Properties:
    """The content-property calls of REST API v2 for one client."""

    def __init__(self, wire: Wire, root: str, ids: answers.PropertyIds) -> None:
        self.wire = wire
        self.settings: ConnectionSettings = wire.settings
        self.root = root
        self.ids = ids

    def _url(self, page_id: str) -> str:
        return f"{self.root}pages/{segment(page_id)}/properties"

    def read(self, page_id: str, key: str) -> dict[str, Any] | None:
        """One property answer (None when the page has no such property)."""
        for item in self.wire.paged_v2(self._url(page_id), {"key": key},
                                       subject=f"page {page_id}"):
            if item.get("key") == key:
                self.ids.remember(page_id, item)
                return item
        return None

    def get(self, page_id: str, key: str) -> Any | None:
        """A property's value (None when absent, or when the page is not found)."""
        try:
            item = self.read(page_id, key)
        except ConfluenceNotFoundError:
            return None
        return item.get("value") if item else None

    def of_page(self, page_id: str, keys: tuple[str, ...]
                ) -> tuple[dict[str, Any], dict[str, int]]:
        """(key -> value, key -> version) of the named properties of a page."""
        found: dict[str, Any] = {}
        versions: dict[str, int] = {}
        for key in keys:
            item = self.read(page_id, key)
            if item is not None:
                found[key] = item.get("value")
                number = answers.property_version(item)
                if number is not None:
                    versions[key] = number
        return found, versions

    def set(self, page_id: str, key: str, value: Any, *, version: int | None = None) -> int:
        """Create or update one property; the version written (see
        ``ConfluenceClient.set_property``). ``version`` 0 (the page has no such
        property: maybe a page just created): Cloud may not show a new page to the
        property API at once, so a 404 is met after ``cloud_prop_delay`` seconds
        (0: confluence_adv_disable_cloud_prop_delay, no wait)."""
        # v2 writes address a property by its id: guess only when the id is known
        # (or the property is known to be absent), else read it first
        known_id = self.ids.get(page_id, key)
        guess = version if version == 0 or known_id is not None else None
        base = self._url(page_id)
        delay = self.settings.cloud_prop_delay
        settle = {404: delay} if version == 0 and self.settings.cloud and delay > 0 else {}

        def build(number: int, current: dict[str, Any] | None) -> Resend:
            if number == 0:
                return Resend("POST", base, {"key": key, "value": value})
            prop_id = known_id if current is None else current.get("id")
            return Resend("PUT", f"{base}/{segment(prop_id)}", {
                "key": key, "value": value,
                "version": {"number": number + 1, "minorEdit": True}})

        written, answer = self.wire.write_property(
            lambda: self.read(page_id, key), build, guess=guess, settle=settle,
            subject=f"page {page_id}")
        self.ids.remember(page_id, answer)
        return written


__all__ = ["V2Properties"]
