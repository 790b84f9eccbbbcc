"""What every bridge shares: a post-transform active only for Confluence builders and
only when its extension is loaded."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..transforms import is_confluence


class BridgeTransform(SphinxPostTransform):
    #: extension names that switch the bridge on (``conf.py``'s ``extensions`` holds one
    #: of them, or a module below one)
    extensions: ClassVar[tuple[str, ...]] = ()
    default_priority = 15  # after references are resolved, before markup fallbacks

    def is_active(self) -> bool:
        loaded = [str(name) for name in self.config.extensions]
        return is_confluence(self.env) and any(
            name in loaded or any(key.startswith(name + ".") for key in loaded)
            for name in self.extensions)

    def run(self, **kwargs: Any) -> None:
        if self.is_active():
            self.bridge()

    def bridge(self) -> None:
        raise NotImplementedError


def of_class(node: nodes.Node, module: str, name: str) -> bool:
    """``node`` is an instance of the class ``name`` defined in ``module`` (or below)."""
    cls = type(node)
    return cls.__name__ == name and (cls.__module__ == module
                                     or cls.__module__.startswith(module + "."))


_E = TypeVar("_E", bound=nodes.Element)


def located(new: _E, old: nodes.Node) -> _E:
    new.source, new.line = old.source, old.line
    new["ids"] = list(getattr(old, "get", lambda *_: [])("ids", []))
    return new
