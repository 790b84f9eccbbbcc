extensions = ["sphinxcontrib.confluencebuilder"]
project = "Images"
exclude_patterns = ["_build"]
