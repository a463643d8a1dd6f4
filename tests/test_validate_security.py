"""Hostile feeds: each guard of the parser proved with the attack it stops."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from feed_builder.validate import Limits, validate_bytes
from feed_builder.validate.xmlparse import _parser

SECRET = "TOP-SECRET-7f3a"


def _rules(findings) -> set[str]:
    return {f.rule_id for f in findings}


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("validation touched the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_xxe_reading_a_local_file_is_refused(secret_file: Path, no_network: None) -> None:
    feed = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret_file}">]>\n'
            '<rss version="2.0"><channel><title>&x;</title></channel></rss>').encode()
    found = validate_bytes(feed, source="xxe.xml")
    assert _rules(found) == {"xml-entity-declaration"}
    assert not any(SECRET in f.message for f in found)


def test_parser_itself_never_expands_external_entities(secret_file: Path, no_network: None) -> None:
    """Second line of defence, should the DOCTYPE pre-check ever be bypassed."""
    from lxml import etree

    feed = (f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret_file}">]>'
            '<rss><channel><title>&x;</title></channel></rss>').encode()
    root = etree.fromstring(feed, _parser(recover=False))
    assert SECRET not in etree.tostring(root, encoding="unicode")


def test_external_dtd_is_not_loaded(tmp_path: Path, secret_file: Path, no_network: None) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak SYSTEM "file://{secret_file}">')
    feed = (f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "file://{dtd}">\n'
            '<rss version="2.0"><channel><title>&leak;</title></channel></rss>').encode()
    found = validate_bytes(feed, source="dtd.xml")
    assert {"xml-doctype", "xml-well-formed"} <= _rules(found)  # &leak; stays undefined
    assert not any(SECRET in f.message for f in found)


def test_billion_laughs_is_refused_unparsed(no_network: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused before any parser sees it: nothing is expanded, so nothing can blow up."""
    from feed_builder.validate import xmlparse

    def parse_attempted(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document declaring entities reached the XML parser")

    monkeypatch.setattr(xmlparse.etree, "fromstring", parse_attempted)
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 12))
    feed = (f'<!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>'
            '<rss version="2.0"><channel><title>&l11;</title></channel></rss>').encode()
    found = validate_bytes(feed, source="lol.xml")
    assert _rules(found) == {"xml-entity-declaration"}


def test_oversize_document_is_not_parsed() -> None:
    feed = b'<rss version="2.0"><channel><title>' + b"x" * 5000 + b"</title></channel></rss>"
    assert _rules(validate_bytes(feed, source="big.xml", limits=Limits(max_bytes=4096))) == {"xml-too-large"}


@pytest.mark.parametrize("markup, refused", [
    (b"<description><![CDATA[" + b"<p>x</p>" * 100 + b"]]></description>", False),  # text, not elements
    (b"<description>" + b"&lt;p>" * 100 + b"</description>", False),
    (b"<description>" + b"<![CDATA[<p>]]>" * 150_000 + b"</description>", False),  # past the quick bound
    (b"<item/>" * 100, True),
    (b"<x:y/>" + b"<item/>" * 100, True),  # counted as leniently as a namespace error is parsed
])
def test_elements_past_the_cap_are_refused_unparsed(markup: bytes, refused: bool) -> None:
    feed = b'<rss version="2.0"><channel><title>t</title>' + markup + b"</channel></rss>"
    rules = _rules(validate_bytes(feed, source="many.xml", limits=Limits(max_elements=50)))
    assert ("xml-too-many-elements" in rules) is refused


def test_overdeep_document_is_refused() -> None:
    feed = b'<rss version="2.0"><channel>' + b"<x>" * 5000 + b"</x>" * 5000 + b"</channel></rss>"
    assert _rules(validate_bytes(feed, source="deep.xml")) == {"xml-too-deep"}


@pytest.mark.parametrize("feed", [b"", b"\x00\x01", b"<rss", b"\xff\xfe<\x00r\x00"])
def test_garbage_gives_findings_not_exceptions(feed: bytes) -> None:
    assert validate_bytes(feed, source="junk.xml")


def test_forbidden_characters_are_counted_per_stretch_of_text() -> None:
    feed = ('<rss version="2.0"><channel>\n<title>é\x01x\x02</title>\n'
            '<description>\ufffe<b/>\x03\x04</description></channel></rss>').encode()
    found = [(f.line, f.message) for f in validate_bytes(feed, source="c.xml") if f.rule_id == "xml-forbidden-char"]
    assert found == [
        (2, "<title> contains 2 characters XML 1.0 forbids (first U+0001 at column 9)"),
        (3, "<description> contains 1 character XML 1.0 forbids (first U+FFFE at column 14)"),
        (3, "text after <b/> contains 2 characters XML 1.0 forbids (first U+0003 at column 19)"),
    ]
