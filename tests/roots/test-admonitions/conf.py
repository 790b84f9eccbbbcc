extensions = ["sphinxcontrib.confluencebuilder", "sphinx.ext.todo"]
root_doc = "index"
version = "2.0"


def setup(app):
    """Sphinx < 8.2 has no ``:collapsible:`` option on admonitions; give the two
    directives this root uses the same option (stored on the node as 8.2 does) so the
    translator's handling of collapsible admonitions is tested on every Sphinx."""
    import sphinx

    if sphinx.version_info >= (8, 2):
        return
    from docutils.parsers.rst.directives.admonitions import Admonition, Hint

    def collapsible(argument):
        value = (argument or "open").strip().lower()
        if value not in ("open", "closed"):
            raise ValueError('choose from "open" or "closed"')
        return value

    for name, base in (("hint", Hint), ("admonition", Admonition)):
        spec = {**base.option_spec, "collapsible": collapsible}
        app.add_directive(name, type(base.__name__, (base,), {"option_spec": spec}),
                          override=True)
