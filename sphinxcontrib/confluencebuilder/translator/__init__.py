"""The storage-format translator, split by node family.

``StorageTranslator`` is composed from one mixin per family (see the modules of this
package). Shared state and helpers live in ``base.py``; pure XHTML helpers (escaping,
tags, CDATA, macros) live in ``..storage``.
"""

from __future__ import annotations

from .base import TranslatorBase
from .images import ImagesMixin
from .references import ReferencesMixin
from .structure import StructureMixin

try:
    from .code import CodeMixin
except ImportError:  # pragma: no cover - until the code mixin lands

    class CodeMixin:  # type: ignore[no-redef]
        pass


try:
    from .admonitions import AdmonitionsMixin
except ImportError:  # pragma: no cover

    class AdmonitionsMixin:  # type: ignore[no-redef]
        pass


try:
    from .tables import TablesMixin
except ImportError:  # pragma: no cover

    class TablesMixin:  # type: ignore[no-redef]
        pass


try:
    from .domains import DomainsMixin
except ImportError:  # pragma: no cover

    class DomainsMixin:  # type: ignore[no-redef]
        pass


class StorageTranslator(
    CodeMixin,
    AdmonitionsMixin,
    TablesMixin,
    DomainsMixin,
    ReferencesMixin,
    ImagesMixin,
    StructureMixin,
    TranslatorBase,
):
    """Doctree -> Confluence storage format (see ``base.py`` for the mixin contract)."""


__all__ = ["StorageTranslator", "TranslatorBase"]
