"""Helpers for the hostile-server tests: rewrite the emulator's answers in flight."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: paths a client of the emulator may ask for: API roots, then id segments and words
_API = r"^(?:/ex/confluence/[0-9a-f-]+)?(?:/wiki)?(?:/rest/api|/api/v2)(?:/[A-Za-z0-9~_-]+)*$"


def tamper(server: Any, rewrite: Callable[[str, str, Any], Any]) -> None:
    """Answers of ``server`` pass through ``rewrite(method, url, body)`` (a JSON body as
    parsed; return the body to send) before the fault knobs shape them.

    The emulator has no knob for arbitrary rewrites (its knobs must be JSON for the admin
    API), so this wraps the fault injector of the running server; ``configure`` with a
    fault knob replaces the injector and ends the tampering."""
    injector = server._faults
    original = injector.hostile

    def hostile(rsp: Any, method: str, url: str) -> Any:
        if isinstance(rsp.body, (dict, list)):
            rsp.body = rewrite(method, url, rsp.body)
        return original(rsp, method, url)

    injector.hostile = hostile


def unexpected_paths(server: Any, since: int = 0) -> list[str]:
    """Logged request paths that are not an API call of the shapes the client uses."""
    import re

    allowed = re.compile(_API)
    return [r["path"] for r in server.requests[since:]
            if not allowed.match(r["path"]) and r["path"] not in (
                "/_edge/tenant_info", "/rest/applinks/1.0/manifest")]
