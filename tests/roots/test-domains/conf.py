import os
import sys

sys.path.insert(0, os.path.abspath("."))

extensions = ["sphinxcontrib.confluencebuilder", "sphinx.ext.autodoc", "sphinx.ext.autosummary"]
root_doc = "index"
manpages_url = "https://man.example.org/{page}.{section}"
