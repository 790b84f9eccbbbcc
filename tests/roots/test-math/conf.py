extensions = ["sphinxcontrib.confluencebuilder"]
project = "Math"
exclude_patterns = ["_build"]
