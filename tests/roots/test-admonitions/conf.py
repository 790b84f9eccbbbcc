extensions = ["sphinxcontrib.confluencebuilder", "sphinx.ext.todo"]
root_doc = "index"
version = "2.0"
