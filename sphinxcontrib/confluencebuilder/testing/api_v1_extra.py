"""REST API v1 handlers beyond content and spaces (filled in next)."""

from __future__ import annotations

from typing import Any

ROUTES: list[tuple[str, str, Any]] = []
