import os
import sys

sys.path.insert(0, os.path.abspath("."))
extensions = ["sphinxcontrib.confluencebuilder", "mysteryext"]
project = "Structure"
exclude_patterns = ["_build"]
