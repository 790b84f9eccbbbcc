extensions = ["sphinxcontrib.confluencebuilder"]
project = "Img"
root_doc = "index"
