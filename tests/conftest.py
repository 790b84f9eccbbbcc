from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = [
    "sphinx.testing.fixtures",
    "sphinxcontrib.confluencebuilder.testing.pytest_plugin",
]


@pytest.fixture
def rootdir() -> Path:
    """Where the mini projects live (``roots/test-<name>``); sphinx.testing's own
    ``rootdir`` fixture answers None."""
    return Path(__file__).parent / "roots"
