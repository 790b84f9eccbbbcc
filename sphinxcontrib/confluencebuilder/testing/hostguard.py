"""The emulator is safe on a developer's machine: it answers only requests addressed to it.

A web page open in the developer's browser can make the browser send requests to
``127.0.0.1`` (a cross-origin ``text/plain`` POST needs no preflight), and DNS
rebinding can make a hostile name resolve to it. So the emulator answers only requests
whose ``Host`` is its own loopback address and port (``127.0.0.1``, ``localhost`` or
the host it listens on); its admin API under ``/__emulator__/`` (which can switch on
anonymous access or wipe the site) also refuses any request a browser marks as coming
from another origin (an ``Origin`` that is not its own, or ``Sec-Fetch-Site`` other
than ``same-origin`` / ``none``).
"""

from __future__ import annotations

from .protocol import ApiResponse

_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def own_hosts(host: str, port: int) -> frozenset[str]:
    """``host:port`` values naming this server."""
    names = {*_LOOPBACK_NAMES, f"[{host}]" if ":" in host else host}
    return frozenset(f"{name}:{port}".lower() for name in names)


def refuse_foreign(headers: dict[str, str], host: str, port: int, *, admin: bool
                   ) -> ApiResponse | None:
    """An answer refusing a request not addressed to this server (None: go ahead).
    ``headers`` have lower-case names."""
    own = own_hosts(host, port)
    asked = headers.get("host", "").strip().lower()
    if asked not in own:
        return _refusal(421 if not admin else 403, f"this Confluence emulator answers only "
                        f"requests for {sorted(own)[0]}, not for Host {asked!r}")
    if not admin:
        return None
    origin = headers.get("origin")
    if origin is not None and origin.strip().lower().split("://", 1)[-1] not in own:
        return _refusal(403, f"the emulator's admin API refuses requests from another "
                        f"origin ({origin!r})")
    site = headers.get("sec-fetch-site", "").lower()
    if site not in ("", "same-origin", "none"):
        return _refusal(403, f"the emulator's admin API refuses {site} requests")
    return None


def _refusal(status: int, message: str) -> ApiResponse:
    return ApiResponse(status, {"statusCode": status, "message": message})
