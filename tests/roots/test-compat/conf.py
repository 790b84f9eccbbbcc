extensions = ["sphinxcontrib.confluencebuilder"]
project = "Compat"
root_doc = "index"


def setup(app):
    # a generic std object type, as pytest declares its hooks
    app.add_object_type("hook", "hook", objname="hook")
