project = "Views"
extensions = ["sphinxcontrib.confluencebuilder"]
root_doc = "index"
exclude_patterns = ["_build"]
