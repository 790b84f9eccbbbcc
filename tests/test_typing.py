"""The REST layer, the publisher and the session type-check under ``mypy --strict``.

mypy follows their imports the default way, so the modules they reach (config, the
translator, the builders ...) must pass the strict checks too. The project's
``[tool.mypy]`` settings in pyproject.toml apply (mypy runs from the project root).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sphinxcontrib/confluencebuilder"
STRICT_PATHS = (f"{PACKAGE}/rest", f"{PACKAGE}/publisher", f"{PACKAGE}/session.py")


@pytest.mark.timeout(600)
def test_strict_mypy_is_clean(tmp_path: Path) -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]' brings it)")
    # the cache goes to the test's own directory: a cold run, nothing written in the repo
    command = [sys.executable, "-m", "mypy", "--strict",
               "--cache-dir", str(tmp_path / "mypy_cache"), *STRICT_PATHS]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (
        f"python {' '.join(command[1:])} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    )
