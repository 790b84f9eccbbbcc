"""The storage-format translator, split by node family.

``StorageTranslator`` is composed from one mixin per family (see the modules of this
package). Shared state and helpers live in ``base.py``; pure XHTML helpers (escaping,
tags, CDATA, macros) live in ``..storage``. Mixins listed first win; a mixin that
handles only some cases of a node delegates the rest with ``super()`` (see ``base.py``).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from .admonitions import AdmonitionsMixin
from .base import TranslatorBase
from .code import CodeMixin
from .diagrams import DiagramsMixin, notice_dot_early
from .domains import DomainsMixin
from .images import ImagesMixin
from .macros import MacrosMixin
from .math_blocks import notice_math_early
from .mermaid import MermaidMixin, notice_mermaid_early
from .references import ReferencesMixin
from .structure import StructureMixin
from .tables import TablesMixin


class StorageTranslator(
    MacrosMixin,
    CodeMixin,
    AdmonitionsMixin,
    TablesMixin,
    DomainsMixin,
    ReferencesMixin,
    ImagesMixin,
    DiagramsMixin,
    MermaidMixin,
    StructureMixin,
    TranslatorBase,
):
    """Doctree -> Confluence storage format (see ``base.py`` for the mixin contract)."""


def early_notices(builder: Any, doctree: nodes.document) -> None:
    """Once-per-build warnings, decided in the main process before a document is written
    (``Builder.write_doc_serialized``), so parallel workers do not repeat them."""
    notice_math_early(builder, doctree)
    notice_dot_early(builder, doctree)
    notice_mermaid_early(builder, doctree)


__all__ = ["StorageTranslator", "TranslatorBase", "early_notices"]
