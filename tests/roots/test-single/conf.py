project = "Single"
extensions = ["sphinxcontrib.confluencebuilder"]
