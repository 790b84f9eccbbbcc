"""State is declared in ``__init__``: in the layers that run without Sphinx (publisher,
REST client, session) and the doctor, every attribute an object carries is first
assigned in ``__init__`` (or ``__post_init__``, or declared on the class), so reading
the constructor shows the whole state. Checked on the source with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sphinxcontrib" / "confluencebuilder"
CHECKED = ("publisher", "rest", "session.py", "doctor", "credentials.py", "settings.py")
#: known exceptions (class, attribute); anything new fails
EXCEPTIONS: set[tuple[str, str]] = set()
_INIT = ("__init__", "__post_init__")


def _self_attrs(function: ast.AST) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for item in ast.walk(target):
                if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) \
                        and item.value.id == "self":
                    found.append((item.attr, node.lineno))
    return found


def _late_state(path: Path) -> list[tuple[str, str, int]]:
    """(class, attribute, line) of attributes first assigned outside the constructor."""
    late = []
    for cls in (n for n in ast.walk(ast.parse(path.read_text("utf-8")))
                if isinstance(n, ast.ClassDef)):
        declared = {t.id for st in cls.body if isinstance(st, (ast.Assign, ast.AnnAssign))
                    for t in (st.targets if isinstance(st, ast.Assign) else [st.target])
                    if isinstance(t, ast.Name)}
        methods = [m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
        declared |= {a for m in methods if m.name in _INIT for a, _ in _self_attrs(m)}
        for method in methods:
            if method.name not in _INIT:
                late += [(cls.name, a, line) for a, line in _self_attrs(method)
                         if a not in declared]
    return late


def _files() -> list[Path]:
    out: list[Path] = []
    for name in CHECKED:
        path = PACKAGE / name
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def test_state_is_declared_in_init() -> None:
    found = [f"{path.relative_to(PACKAGE)}:{line} {cls}.{attr}"
             for path in _files() for cls, attr, line in _late_state(path)
             if (cls, attr) not in EXCEPTIONS]
    assert not found, "first assigned outside __init__: " + ", ".join(found)


def test_the_check_sees_late_state(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("class A:\n    ready: bool = False\n\n    def __init__(self):\n"
                      "        self.a = 1\n\n    def go(self):\n        self.a += 1\n"
                      "        self.ready = True\n        self.b = 2\n", encoding="utf-8")
    assert _late_state(sample) == [("A", "b", 10)]
