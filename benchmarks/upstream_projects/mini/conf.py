extensions = ["sphinxcontrib.confluencebuilder"]
project = "Mini"
root_doc = "index"
def setup(app):
    app.add_object_type('hook', 'hook', objname='hook')
