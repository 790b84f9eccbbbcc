"""Small storage-format fragments shared by the code, admonition, table and domain mixins.

Pure functions: they take names and already-rendered storage text and return storage
text. Escaping is done with ``..storage`` helpers.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..storage import cdata, element, escape_attr, macro_end, macro_start


def anchor_link(name: str, text: str) -> str:
    """A link to an anchor on the same page with plain text."""
    return (
        f'<ac:link ac:anchor="{escape_attr(name)}">'
        "<ac:plain-text-link-body>" + cdata(text) + "</ac:plain-text-link-body></ac:link>"
    )


def rich_macro_start(name: str, params: Mapping[str, object] | None = None) -> str:
    """Open a macro with a rich-text body."""
    return macro_start(name, params) + "<ac:rich-text-body>"


def rich_macro_end() -> str:
    return "</ac:rich-text-body>" + macro_end()


def strong_paragraph(text: str) -> str:
    """``<p><strong>text</strong></p>`` with escaped text."""
    return "<p>" + element("strong", text) + "</p>"
