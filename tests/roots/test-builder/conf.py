extensions = ["sphinxcontrib.confluencebuilder"]
project = "Builder Test"
version = "1.2"
release = "1.2.3"
exclude_patterns = ["_build"]
