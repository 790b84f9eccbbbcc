"""The storage-format translator, split by node family.

``StorageTranslator`` is composed from one mixin per family (see the modules of this
package). Shared state and helpers live in ``base.py``; pure XHTML helpers (escaping,
tags, CDATA, macros) live in ``..storage``.
"""
