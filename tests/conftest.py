from __future__ import annotations

pytest_plugins = [
    "sphinx.testing.fixtures",
    "sphinxcontrib.confluencebuilder.testing.pytest_plugin",
]
