"""Systematic mutations of JSON answers, for fuzzing clients (the ``mutate`` fault knob).

:func:`mutate` returns a changed deep copy of a JSON value: one to three nodes of the
tree are picked with the caller's seeded :class:`random.Random` and each is deleted,
set to null, given another type, a huge or odd number, a hostile string (unicode
controls, path traversal, a query in an id) or nested junk. The same seed gives the
same mutations, so a failing case can be replayed.
"""

from __future__ import annotations

import copy
import random
from typing import Any

#: values that replace a node: every JSON type, edge numbers, hostile strings
JUNK: tuple[Any, ...] = (
    None, True, False, 0, -1, 2 ** 63, 10 ** 30, -(10 ** 30), 1e308, -1e308, 0.5,
    float("nan"), float("inf"), "", "0", "12", "x" * 5000, "\u202e\u0000\ud7ff\U0001f600",
    "65539/../../space/DOCS?x=", "../../../etc/hostname", "%2e%2e/%2f", "att\n1",
    [], [None], [[[[]]]], {}, {"id": None}, {"a": [[[{"b": {"c": [1, "2", None]}}]]]},
    {"number": "3"}, {"results": "nope"}, [{"id": "1", "title": 5}],
)
_OPERATIONS = ("delete", "null", "junk", "junk", "number", "string", "nest")


def mutate(value: Any, rng: random.Random) -> Any:
    """A mutated deep copy of ``value`` (a JSON object or array)."""
    root = {"": copy.deepcopy(value)}
    for _ in range(rng.randint(1, 3)):
        slots = list(_slots(root))
        if not slots:
            break
        container, key = slots[rng.randrange(len(slots))]
        _apply(container, key, rng.choice(_OPERATIONS), rng)
    return root.get("")


def _slots(node: Any, depth: int = 0) -> Any:
    """(container, key) of every node below ``node``, at most 8 levels deep."""
    if depth > 8:
        return
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, child in list(items):
        yield node, key
        if isinstance(child, (dict, list)):
            yield from _slots(child, depth + 1)


def _apply(container: Any, key: Any, operation: str, rng: random.Random) -> None:
    if operation == "delete":
        del container[key]
    elif operation == "null":
        container[key] = None
    elif operation == "number":
        container[key] = rng.choice((2 ** 63, 10 ** 30, -1, 1e308, float("nan"), 1.5, True))
    elif operation == "string":
        container[key] = rng.choice(tuple(j for j in JUNK if isinstance(j, str)))
    elif operation == "nest":
        container[key] = [{"junk": container[key]}]
    else:
        container[key] = copy.deepcopy(rng.choice(JUNK))
