"""The bundled Confluence emulator (a real HTTP server on 127.0.0.1) and its pytest plugin.

>>> from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator
>>> with ConfluenceEmulator(mode="cloud") as server:   # doctest: +SKIP
...     print(server.url, server.user, server.api_token)
"""

from __future__ import annotations

from .server import ConfluenceEmulator

__all__ = ["ConfluenceEmulator"]
