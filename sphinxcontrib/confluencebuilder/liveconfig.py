"""Keep secrets and live objects of the configuration out of Sphinx's pickles and reprs.

Sphinx pickles its configuration into ``<doctrees>/environment.pickle`` (and sends it
to ``-j`` workers) and prints ``repr(config)`` in its ``-vv`` event trace. Tokens,
passwords, cookies and injected headers would land in the file and on the screen, and
an object defined in ``conf.py`` (a ``requests`` auth class) cannot be pickled at all.

:func:`seal` gives the live configuration object a subclass of its own class that

* pickles as the plain Sphinx class, with every sealed option reset to ``None``
  (``__reduce_ex__`` / ``__getstate__``): the values stay in the memory of the running
  process only, where the builder and the publisher read them as usual;
* prints ``<redacted>`` for a sealed option that has a value (``__repr__``).

Nothing else changes: ``config.confluence_api_token`` still answers the real value.
The module imports nothing from this project.
"""

from __future__ import annotations

import copyreg
from collections.abc import Iterable
from typing import Any

SEALED_MARK = "<redacted>"
_SUBCLASSES: dict[type, type] = {}


class _SealedMixin:
    """Mixed in before the configuration's own class (see :func:`_sealed_class`)."""

    _confluence_sealed: frozenset[str] = frozenset()
    _confluence_base: type = object

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()  # type: ignore[misc]
        options = state.get("_options", {})
        for name in self._confluence_sealed:
            state.pop(name, None)
            if name in options:
                options[name] = (None, *tuple(options[name])[1:])
        return state

    def __reduce_ex__(self, protocol: Any) -> Any:
        # reconstruct as the plain class: the pickle never names this module
        return (copyreg._reconstructor, (self._confluence_base, object, None),  # type: ignore[attr-defined]
                self.__getstate__())

    def __repr__(self) -> str:
        values = []
        for name in getattr(self, "_options", {}):
            try:
                value = getattr(self, name)
            except Exception:  # noqa: BLE001 - the same tolerance as Sphinx's own repr
                value = "<error!>"
            if name in self._confluence_sealed and value is not None:
                values.append(f"{name}={SEALED_MARK}")
            else:
                values.append(f"{name}={value!r}")
        return f"{self._confluence_base.__qualname__}({', '.join(values)})"


def _sealed_class(base: type, names: frozenset[str]) -> type:
    key = base
    cls = _SUBCLASSES.get(key)
    if cls is None or cls._confluence_sealed != names:  # type: ignore[attr-defined]
        cls = type(f"Sealed{base.__name__}", (_SealedMixin, base),
                   {"_confluence_sealed": names, "_confluence_base": base})
        _SUBCLASSES[key] = cls
    return cls


def seal(config: Any, names: Iterable[str]) -> None:
    """Keep the options ``names`` of ``config`` out of its pickles and its repr."""
    sealed = frozenset(names)
    current = type(config)
    if isinstance(config, _SealedMixin):
        sealed |= config._confluence_sealed
        base = config._confluence_base
    else:
        base = current
    config.__class__ = _sealed_class(base, sealed)

