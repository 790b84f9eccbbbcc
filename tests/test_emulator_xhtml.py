"""Storage-format validation in the emulator (strict and lenient entities, row/col)."""

from __future__ import annotations

import pytest

from sphinxcontrib.confluencebuilder.testing.state import EmulatorError
from sphinxcontrib.confluencebuilder.testing.xhtml import storage_error, validate_storage

SUFFIX = "\n at [row,col {unknown-source}]: "


@pytest.mark.parametrize("body", [
    "",
    "plain text &amp; more",
    "<p>&lt;&gt;&amp;&quot;&apos;&#160;&#xA0;</p>",
    '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">py</ac:parameter>'
    "<ac:plain-text-body><![CDATA[a < b && c]]]]><![CDATA[>]]></ac:plain-text-body>"
    "</ac:structured-macro>",
    '<ac:image><ri:attachment ri:filename="a.png"/></ac:image><p>caf\u00e9 \u2014 ok</p>',
    '<at:var at:name="x"/><br/><hr/>',
])
def test_valid_bodies_pass(body: str) -> None:
    assert storage_error(body) is None
    validate_storage(body)


def test_unexpected_close_tag_reports_position() -> None:
    body = "<p>one</p>\n<p>two</br></p>"
    assert storage_error(body) == (
        "Error parsing xhtml: Unexpected close tag </br>; expected </p>." + SUFFIX + "[2,9]")


def test_named_entities_strict_and_lenient() -> None:
    body = "<p>a&nbsp;b &ndash; &mdash; &copy;</p>"
    assert storage_error(body) == (
        'Error parsing xhtml: Undeclared general entity "nbsp"' + SUFFIX + "[1,5]")
    assert storage_error(body, lenient=True) is None
    # lenient mode still refuses names that XHTML does not define
    assert storage_error("<p>&bogus;</p>", lenient=True) == (
        'Error parsing xhtml: Undeclared general entity "bogus"' + SUFFIX + "[1,4]")


def test_bare_ampersand() -> None:
    message = storage_error("<p>\n  fish &chips</p>")
    assert message is not None
    assert message.startswith("Error parsing xhtml: Unexpected character '<' (code 60); "
                              "expected a semi-colon after the reference for entity 'chips'")
    assert message.endswith(SUFFIX + "[2,14]")
    assert "after '&'" in (storage_error("<p>a & b</p>") or "")


def test_cdata_end_marker_in_text() -> None:
    assert storage_error("<p>a ]]> b</p>") == (
        "Error parsing xhtml: String ']]>' not allowed in textual content, except as the end "
        "marker of CDATA section" + SUFFIX + "[1,8]")


def test_control_character_and_unbound_prefix() -> None:
    assert storage_error("<p>x\x07</p>") == (
        "Error parsing xhtml: Illegal character ((CTRL-CHAR, code 7))" + SUFFIX + "[1,5]")
    assert (storage_error('<foo:bar x="1"/>') or "").startswith(
        "Error parsing xhtml: Undeclared namespace prefix in <foo:bar>")


def test_unclosed_element_points_at_end_of_body() -> None:
    assert storage_error("<p>one\n<strong>two</strong>") == (
        "Error parsing xhtml: Unexpected EOF; was expecting a close tag for element <p>"
        + SUFFIX + "[2,21]")


def test_validate_raises_400() -> None:
    with pytest.raises(EmulatorError) as info:
        validate_storage("<p>")
    assert info.value.status == 400
    assert info.value.message.startswith("Error parsing xhtml: ")
