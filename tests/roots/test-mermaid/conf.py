extensions = ["sphinxcontrib.mermaid", "sphinxcontrib.confluencebuilder"]
project = "Mermaid"
exclude_patterns = ["_build"]
