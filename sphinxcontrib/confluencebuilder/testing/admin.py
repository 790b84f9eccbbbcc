"""Admin paths under ``/__emulator__/``: observe and steer a running emulator over HTTP.

They bypass the SSO gate, authentication, faults and the request log, so a test or a CI
script can always look inside. ``GET requests|counts|tree|state|knobs``, ``POST
reset|save|configure`` (configure takes a JSON object of knobs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs

from .protocol import ApiResponse
from .state import State


class ConfluenceEmulator(Protocol):
    """What the admin paths use of :class:`.server.ConfluenceEmulator` (a protocol, so
    the server and its admin paths do not import each other)."""

    state: State
    persist: Path | None

    @property
    def requests(self) -> list[dict[str, Any]]: ...

    def counts(self) -> dict[str, dict[Any, int]]: ...

    def tree(self, space_key: str | None = None) -> dict[str, Any]: ...

    def knobs(self) -> dict[str, Any]: ...

    def reset(self) -> None: ...

    def save(self) -> Path: ...

    def configure(self, **knobs: Any) -> None: ...


#: the admin endpoints, listed at ``GET /__emulator__/``
ENDPOINTS = (
    ("GET", "requests", "the request log (newest last; ?limit=N for the last N)"),
    ("GET", "counts", "requests counted by endpoint and by status"),
    ("GET", "tree", "the page tree of a space (?space=KEY; default: the first space)"),
    ("GET", "state", "everything the emulator holds, as JSON"),
    ("GET", "knobs", "the current knobs (latency, rate limits, faults, SSO mode, ...)"),
    ("POST", "reset", "forget every change since the start (or the persisted state)"),
    ("POST", "save", "write the state to the --persist file"),
    ("POST", "configure", "change knobs: a JSON object such as {\"latency\": 0.2}"),
)


def handle_admin(emu: ConfluenceEmulator, method: str, name: str, query: str,
                 body: bytes) -> ApiResponse:
    args = {k: v[0] for k, v in parse_qs(query).items()}
    reads = {
        "requests": lambda: emu.requests[-int(args.get("limit", 0) or 0):],
        "counts": lambda: _json_keys(emu.counts()),
        "tree": lambda: emu.tree(args.get("space")),
        "state": emu.state.to_json,
        "knobs": emu.knobs,
    }
    name = name.strip("/")
    if name == "":
        return ApiResponse(200, {"endpoints": [
            {"method": method_, "path": "/__emulator__/" + path, "about": about}
            for method_, path, about in ENDPOINTS]})
    if name in reads:
        if method not in ("GET", "HEAD"):
            return _error(405, f"use GET for /__emulator__/{name}")
        return ApiResponse(200, reads[name]())
    if name not in ("reset", "save", "configure"):
        return _error(404, f"unknown admin path /__emulator__/{name}")
    if method != "POST":
        return _error(405, f"use POST for /__emulator__/{name}")
    if name == "reset":
        emu.reset()
        return ApiResponse(200, {"reset": True})
    if name == "save":
        if emu.persist is None:
            return _error(400, "the emulator was started without a persist file")
        return ApiResponse(200, {"saved": str(emu.save())})
    try:
        knobs = json.loads(body.decode("utf-8") or "{}")
        if not isinstance(knobs, dict):
            raise ValueError("expected a JSON object of knobs")
        emu.configure(**knobs)
    except (ValueError, TypeError) as exc:
        return _error(400, str(exc))
    return ApiResponse(200, emu.knobs())


def _json_keys(counts: dict[str, dict[Any, int]]) -> dict[str, dict[str, int]]:
    return {group: {str(k): v for k, v in values.items()} for group, values in counts.items()}


def _error(status: int, message: str) -> ApiResponse:
    return ApiResponse(status, {"statusCode": status, "message": message})
