extensions = ["sphinxcontrib.confluencebuilder"]
project = "References"
exclude_patterns = ["_build"]
numfig = True
