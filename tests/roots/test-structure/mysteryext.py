"""A node no translator knows: used to check the unknown-node fallback."""

from docutils import nodes
from docutils.parsers.rst import Directive


class mystery(nodes.General, nodes.Element):
    pass


class MysteryDirective(Directive):
    has_content = True

    def run(self):
        node = mystery()
        node += nodes.paragraph(text=" ".join(self.content))
        return [node]


def setup(app):
    app.add_node(mystery)
    app.add_directive("mystery", MysteryDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
