extensions = ["sphinxcontrib.confluencebuilder"]
project = "Parallel"
exclude_patterns = ["_build"]
