"""DOCX: every part of a WordprocessingML package that can carry text, each as a named part.

Parts: ``docx:body`` (paragraphs and tables, tracked insertions included, as Word shows them with changes
accepted), ``docx:headers``, ``docx:footers``, ``docx:footnotes``, ``docx:endnotes``, ``docx:comments``,
``docx:text boxes``, ``docx:tracked deletions``, ``docx:field codes``, ``docx:alt text``, ``docx:hyperlink
targets`` (every external relationship target), ``docx:glossary`` (building blocks), ``docx:authors``
(authors of comments and tracked changes), ``docx:core properties``, ``docx:app properties``,
``docx:custom properties``, ``docx:embedded NAME/...`` (embedded files, extracted in turn) and ``docx:other
parts`` (the text of any other XML member: custom XML, charts, a main document under another name).
One streaming pass per member (see ``ooxml``), so nested paragraphs cost linear time.
"""

from __future__ import annotations

import re

from screener.errors import ExtractionError
from screener.text.ooxml import Nested, Package, RunText, properties, rest
from screener.text.parts import Budget, Extracted, PartsText

_MEMBERS = (
    (re.compile(r"word/document\d*\.xml"), "docx:body"),
    (re.compile(r"word/header\d*\.xml"), "docx:headers"),
    (re.compile(r"word/footer\d*\.xml"), "docx:footers"),
    (re.compile(r"word/footnotes\.xml"), "docx:footnotes"),
    (re.compile(r"word/endnotes\.xml"), "docx:endnotes"),
    (re.compile(r"word/comments(Extended|Ids)?\.xml"), "docx:comments"),
    (re.compile(r"word/glossary/document\.xml"), "docx:glossary"),
)


def _number(name: str) -> int:
    digits = re.findall(r"\d+", name)
    return int(digits[-1]) if digits else 0


def docx_to_text(pkg: Package, budget: Budget, nested: Nested) -> Extracted:
    if not pkg.has("word/document.xml"):
        raise ExtractionError("ZIP container is not a DOCX document")
    out = PartsText(budget)
    runs = RunText(out, "docx:", boxes="docx:text boxes")
    for pattern, part in _MEMBERS:
        for member in sorted((n for n in pkg.names if pattern.fullmatch(n)), key=lambda n: (_number(n), n)):
            runs.feed(pkg.walk(member, part), part)
    runs.flush_authors()
    properties(pkg, "docx", out)
    rest(pkg, "docx", out, nested)
    return out.build("docx")
