"""Cloud REST API v2 handlers (filled in next)."""

from __future__ import annotations

from typing import Any

ROUTES: list[tuple[str, str, Any]] = []
