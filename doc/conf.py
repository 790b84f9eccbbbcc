"""Sphinx configuration for the sphinxcontrib-confluencebuilder documentation."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "_ext"))

project = "sphinxcontrib-confluencebuilder"
author = "the sphinxcontrib-confluencebuilder authors"
copyright = "2026, " + author
release = version = "0.1"

extensions = [
    "sphinxcontrib.confluencebuilder",
    "optiontable",
]

root_doc = "index"
exclude_patterns = ["_build"]

# Publishing is switched on from the outside (the `demo` command, or CONFLUENCE_*
# environment variables in CI); the title prefix keeps these pages apart from others
# in a shared space.
confluence_page_hierarchy = True

# reStructuredText examples (the markup reference) have no Confluence highlighter
confluence_lang_overrides = {"rst": "none"}
