"""The storage-format translator, split by node family.

``StorageTranslator`` is composed from one mixin per family (see the modules of this
package). Shared state and helpers live in ``base.py``; pure XHTML helpers (escaping,
tags, CDATA, macros) live in ``..storage``. Mixins listed first win; a mixin that
handles only some cases of a node delegates the rest with ``super()`` (see ``base.py``).
"""

from __future__ import annotations

from .admonitions import AdmonitionsMixin
from .base import TranslatorBase
from .code import CodeMixin
from .diagrams import DiagramsMixin
from .domains import DomainsMixin
from .images import ImagesMixin
from .references import ReferencesMixin
from .structure import StructureMixin
from .tables import TablesMixin


class StorageTranslator(
    CodeMixin,
    AdmonitionsMixin,
    TablesMixin,
    DomainsMixin,
    ReferencesMixin,
    ImagesMixin,
    DiagramsMixin,
    StructureMixin,
    TranslatorBase,
):
    """Doctree -> Confluence storage format (see ``base.py`` for the mixin contract)."""


__all__ = ["StorageTranslator", "TranslatorBase"]
