"""The shapes extraction returns, and the budget every extractor counts its work against.

The screened text of a structured document is a concatenation of named parts (``docx:body``,
``docx:comments``, ``html:attribute href``, ``xlsx:Sheet2``...), separated by a blank line. ``Part`` records
where each lies, so a finding's span can be traced to the part that holds it (``part_at``). A *labelled*
part has one item per line, each starting with a label and a tab (a cell reference): the label narrows the
part's name for a finding on that line (``xlsx:Sheet2`` + ``B7`` -> ``xlsx:Sheet2!B7``).

``Budget`` is shared by one extraction and every extraction nested in it (an e-mail attachment, a file
embedded in a PDF): XML elements, bytes unzipped, characters of text, parts, nesting depth. An overrun is an
ExtractionError naming the limit, never the content, so extraction stays linear in its input.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from screener.errors import ExtractionError

SEPARATOR = "\n\n"
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]+")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of one extraction. Sizes in bytes, text in characters; counts are totals over nested files."""

    max_bytes: int = 10_000_000  # a submission's size
    max_unzipped: int = 100_000_000  # bytes decompressed from ZIP members, all containers together
    max_ratio: int = 100  # compression ratio of any ZIP member (zip bomb guard)
    max_members: int = 5_000  # members of one ZIP container
    max_pages: int = 2_000  # PDF pages
    max_xml_elements: int = 4_000_000  # XML elements parsed, all members together
    max_xml_depth: int = 256  # nesting of XML elements
    max_pdf_tokens: int = 3_000_000  # content-stream tokens run, counting every reuse of a shared stream
    max_pdf_xobject_depth: int = 12  # form XObjects drawn inside form XObjects
    max_text: int = 40_000_000  # characters of extracted text
    max_parts: int = 20_000  # named parts of the text
    max_nesting: int = 3  # files inside files (e-mail attachments, PDF attached files)
    max_attachments: int = 200  # attachments and attached files, all levels together


@dataclass(frozen=True, slots=True)
class Part:
    """``[start, end)`` of the extracted text holds the part ``name``; see the module docstring for labels."""

    name: str
    start: int
    end: int
    labelled: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "span": [self.start, self.end]}


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    format: str
    notes: tuple[str, ...] = ()  # e.g. a decoding fallback, recorded on the result
    parts: tuple[Part, ...] = ()  # empty for plain text: the whole text is the one part


@dataclass(slots=True)
class Budget:
    """Work counted against ``limits`` by one extraction and those nested in it."""

    limits: Limits
    elements: int = 0
    unzipped: int = 0
    chars: int = 0
    parts: int = 0
    attachments: int = 0
    depth: int = 0

    def count_elements(self, n: int = 1) -> None:
        self.elements += n
        if self.elements > self.limits.max_xml_elements:
            raise ExtractionError(f"more than {self.limits.max_xml_elements} XML elements")

    def count_unzipped(self, n: int) -> None:
        self.unzipped += n
        if self.unzipped > self.limits.max_unzipped:
            raise ExtractionError(f"ZIP members expand to more than {self.limits.max_unzipped} bytes (zip bomb guard)")

    def count_text(self, chars: int) -> None:
        self.chars += chars
        if self.chars > self.limits.max_text:
            raise ExtractionError(f"more than {self.limits.max_text} characters of text")

    def count_part(self) -> None:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            raise ExtractionError(f"more than {self.limits.max_parts} parts")

    def count_attachment(self) -> None:
        self.attachments += 1
        if self.attachments > self.limits.max_attachments:
            raise ExtractionError(f"more than {self.limits.max_attachments} attachments")


def safe_name(raw: str, limit: int = 80) -> str:
    """A file or sheet name fit for a part name: no control or format characters (bidi overrides), no path
    separators, bounded."""
    name = "".join("_" if unicodedata.category(c) == "Cf" else c for c in raw[: limit * 4])
    name = _UNSAFE_NAME.sub("_", name).strip() or "_"
    return name if len(name) <= limit else name[: limit - 3] + "..."


@dataclass(slots=True)
class PartsText:
    """Collects lines by part name (parts appear in the order first written) and joins them into Extracted."""

    budget: Budget
    _lines: dict[str, list[str]] = field(default_factory=dict)
    _labelled: set[str] = field(default_factory=set)

    def add(self, name: str, line: str, label: str | None = None) -> None:
        """One line of part ``name``; with ``label``, the line is ``label\\tline`` and the part is labelled."""
        if not line.strip():
            return
        if label is not None:
            line = f"{label}\t{' '.join(line.split())}"
            self._labelled.add(name)
        lines = self._lines.get(name)
        if lines is None:
            self.budget.count_part()
            lines = self._lines[name] = []
        self.budget.count_text(len(line) + 1)
        lines.append(line)

    def add_all(self, name: str, lines: Iterable[str]) -> None:
        for line in lines:
            self.add(name, line)

    def nest(self, prefix: str, inner: Extracted) -> None:
        """Every part of an extraction nested in this one, its name under ``prefix/``."""
        if not inner.parts:
            self.add_all(prefix, inner.text.split("\n"))
            return
        for part in inner.parts:
            name = f"{prefix}/{part.name}"
            lines = self._lines.get(name)
            if lines is None:
                self.budget.count_part()
                lines = self._lines[name] = []
            if part.labelled:
                self._labelled.add(name)
            lines.append(inner.text[part.start:part.end])  # already counted by the inner extraction

    def build(self, fmt: str, notes: tuple[str, ...] = ()) -> Extracted:
        chunks: list[str] = []
        parts: list[Part] = []
        at = 0
        for name, lines in self._lines.items():
            text = "\n".join(lines)
            if chunks:
                chunks.append(SEPARATOR)
                at += len(SEPARATOR)
            chunks.append(text)
            parts.append(Part(name, at, at + len(text), name in self._labelled))
            at += len(text)
        return Extracted("".join(chunks), fmt, notes, tuple(parts))


def part_at(parts: tuple[Part, ...], text: str, offsets: Iterable[int]) -> list[str | None]:
    """The name of the part holding each character offset of ``text`` (narrowed by its line's label, if the
    part is labelled); None for every offset when there are no parts. O(log parts) per offset."""
    starts = [p.start for p in parts]
    names: list[str | None] = []
    for offset in offsets:
        if not parts:
            names.append(None)
            continue
        part = parts[max(bisect.bisect_right(starts, offset) - 1, 0)]
        if not part.labelled:
            names.append(part.name)
            continue
        line = text.rfind("\n", part.start, min(offset, part.end)) + 1 or part.start
        tab = text.find("\t", line, min(line + 64, part.end))
        names.append(f"{part.name}!{text[line:tab]}" if tab > line else part.name)
    return names
