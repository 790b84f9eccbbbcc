extensions = ["sphinxcontrib.confluencebuilder"]
root_doc = "index"
numfig = True
