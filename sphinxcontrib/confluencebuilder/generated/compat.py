"""Differences between the Sphinx releases we support that the generated pages meet."""

from __future__ import annotations

from typing import Any


def sorted_domains(env: Any) -> list[Any]:
    """The environment's domains by name: Sphinx 8.1+ has ``env.domains.sorted()``,
    Sphinx 8.0 a plain dict of name -> domain."""
    domains = env.domains
    if hasattr(domains, "sorted"):
        return list(domains.sorted())
    return [domains[name] for name in sorted(domains)]
