project = "Gen"
extensions = ["sphinxcontrib.confluencebuilder"]
