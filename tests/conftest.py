from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(autouse=True)
def _forget_secrets_after_each_test() -> Iterator[None]:
    """Secrets registered for redaction are process-wide (one project per run); a test's
    secrets (some as short as 'abc') must not hide another test's text."""
    from sphinxcontrib.confluencebuilder.redaction import SECRETS

    saved = SECRETS.snapshot()
    yield
    SECRETS.restore(saved)
