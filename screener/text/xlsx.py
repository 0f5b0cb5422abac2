"""XLSX: every sheet's cells (values and formulas' text), sheet names, comments and defined names.

Parts: ``xlsx:sheet names`` (every sheet, hidden and very hidden ones marked), ``xlsx:SHEET`` (one line per
cell, labelled by its reference, so a finding names ``xlsx:SHEET!B7``; a formula is a line of its own,
``=`` first), ``xlsx:SHEET comments`` (labelled by cell), ``xlsx:defined names``, ``xlsx:drawings`` (text
boxes, shapes and chart titles), ``xlsx:alt text``, ``xlsx:hyperlink targets``, ``xlsx:authors``, the
document properties, ``xlsx:embedded NAME/...`` (embedded files, extracted in turn) and ``xlsx:other parts``
(the text of any other XML member: external links, pivot caches, custom XML). Sheets are read in the
workbook's order; a worksheet member that the workbook does not list is read as ``xlsx:unlisted sheet N``.

The reader is the bounded OOXML reader shared with DOCX rather than openpyxl: openpyxl's read-only mode does
not read comments, and its rows are padded to the widest column (a 1.4 KB sheet declaring ``A1:XFD1048576``
yields 3.3 billion cells; 16,385 per row even after ``reset_dimensions``), while one streaming pass over the
sheet XML costs time linear in its size.
"""

from __future__ import annotations

import re

from screener.errors import ExtractionError
from screener.text.ooxml import Nested, Package, RunText, attr, local, properties, rel_id, rest
from screener.text.parts import Budget, Extracted, Limits, PartsText, safe_name

_SHEET = re.compile(r"xl/(worksheets|chartsheets|dialogsheets|macrosheets)/[^/]+\.xml")
_DRAWINGS = re.compile(r"xl/(drawings|charts)/[^/]+\.xml")
_COMMENTS = re.compile(r"xl/(comments|threadedComments/threadedComment)[^/]*\.xml")
_REF = re.compile(r"\$?[A-Za-z]{1,3}\$?[0-9]{1,7}")
_ROW = re.compile(r"[0-9]{1,7}")


def _ref(raw: str | None, fallback: str) -> str:
    """A cell reference fit for a label; anything else the file wrote there gives way to ``fallback``."""
    return raw.replace("$", "").upper() if raw and _REF.fullmatch(raw) else fallback


def _shared_strings(pkg: Package) -> list[str]:
    strings: list[str] = []
    if not pkg.has("xl/sharedStrings.xml"):
        return strings
    current: list[str] = []
    for event, elem in pkg.walk("xl/sharedStrings.xml", "xlsx:shared strings"):
        tag = local(elem.tag)
        if event == "end" and tag == "t":
            current.append(elem.text or "")
        elif event == "end" and tag == "si":
            strings.append("".join(current))
            current = []
    return strings


def _sheets(pkg: Package, out: PartsText) -> list[tuple[str, str]]:
    """(member, part name) of each sheet in workbook order; sheet names and defined names are written out."""
    rels = {r.id: r.target for r in pkg.rels("xl/workbook.xml", "xlsx:workbook")}
    sheets: list[tuple[str, str]] = []
    for event, elem in pkg.walk("xl/workbook.xml", "xlsx:workbook"):
        tag = local(elem.tag)
        if event == "start" and tag == "sheet":
            name = attr(elem, "name") or ""
            state = attr(elem, "state") or "visible"
            out.add("xlsx:sheet names", name if state == "visible" else f"{name} ({state})")
            target = rels.get(rel_id(elem))
            if target and pkg.has(target):
                sheets.append((target, f"xlsx:{safe_name(name)}"))
        elif event == "end" and tag == "definedName":
            out.add("xlsx:defined names", f"{attr(elem, 'name') or ''}: {elem.text or ''}")
    return sheets


def _cells(pkg: Package, member: str, part: str, label: str, shared: list[str], out: PartsText) -> None:
    """Cells of one sheet; errors name ``label`` (the sheet's number), never the sheet's own name."""
    ref, kind, row, column = "", "", "", 0
    value: list[str] = []
    for event, elem in pkg.walk(member, label):
        tag = local(elem.tag)
        if event == "start":
            if tag == "row":
                raw = attr(elem, "r")
                row, column = (raw if raw and _ROW.fullmatch(raw) else str(int(row or 0) + 1)), 0
            elif tag == "c":
                column += 1
                ref = _ref(attr(elem, "r"), f"R{row}C{column}")
                kind = attr(elem, "t") or "n"
                value = []
            continue
        if tag == "f" and elem.text:
            out.add(part, "=" + elem.text, label=ref)
        elif tag == "v" and elem.text is not None:
            if kind == "s":
                try:
                    value.append(shared[int(elem.text)])
                except (ValueError, IndexError) as exc:
                    raise ExtractionError(f"cell of {label} refers to a missing shared string") from exc
            else:
                value.append(elem.text)
        elif tag == "t":  # inline string
            value.append(elem.text or "")
        elif tag == "c":
            out.add(part, "".join(value), label=ref)


def _comments(pkg: Package, member: str, part: str, label: str, out: PartsText, authors: dict[str, None]) -> None:
    ref = ""
    text: list[str] = []
    for event, elem in pkg.walk(member, label):
        tag = local(elem.tag)
        if event == "start" and tag in ("comment", "threadedComment"):
            ref, text = _ref(attr(elem, "ref"), "?"), []
        elif event == "end" and tag in ("t", "text") and elem.text:
            text.append(elem.text)
        elif event == "end" and tag in ("comment", "threadedComment"):
            out.add(part, " ".join(text), label=ref)
        elif event == "end" and tag == "author" and elem.text:
            authors[elem.text] = None


def xlsx_to_text(pkg: Package, budget: Budget, nested: Nested) -> Extracted:
    if not pkg.has("xl/workbook.xml"):
        raise ExtractionError("ZIP container is not an XLSX workbook")
    out = PartsText(budget)
    shared = _shared_strings(pkg)
    sheets = _sheets(pkg, out)
    listed = {member for member, _ in sheets}
    unlisted = sorted(n for n in pkg.names if _SHEET.fullmatch(n) and n not in listed)
    sheets += [(member, f"xlsx:unlisted sheet {i}") for i, member in enumerate(unlisted, 1)]
    authors: dict[str, None] = {}
    done: set[str] = set()
    for number, (member, part) in enumerate(sheets, 1):
        label = f"xlsx:sheet {number}"
        _cells(pkg, member, part, label, shared, out)
        for rel in pkg.rels(member, label):
            if rel.type in ("comments", "threadedComment") and pkg.has(rel.target) and rel.target not in done:
                _comments(pkg, rel.target, f"{part} comments", f"{label} comments", out, authors)
                done.add(rel.target)
    for member in sorted(n for n in pkg.names if _COMMENTS.fullmatch(n) and n not in done):
        _comments(pkg, member, "xlsx:unlisted comments", "xlsx:unlisted comments", out, authors)
    runs = RunText(out, "xlsx:")
    drawings = sorted(n for n in pkg.names if _DRAWINGS.fullmatch(n))
    for member in drawings:
        runs.feed(pkg.walk(member, "xlsx:drawings"), "xlsx:drawings")
    if pkg.has("xl/persons/person.xml"):
        for event, elem in pkg.walk("xl/persons/person.xml", "xlsx:authors"):
            if event == "start" and local(elem.tag) == "person":
                authors[attr(elem, "displayName") or ""] = None
    runs.authors.update(authors)
    runs.flush_authors()
    properties(pkg, "xlsx", out)
    rest(pkg, "xlsx", out, nested)
    return out.build("xlsx")


class _CellValues(PartsText):
    """Collects ``(reference, value)`` pairs as written, line breaks inside a cell kept."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(budget)
        self.cells: list[tuple[str, str]] = []

    def add(self, name: str, line: str, label: str | None = None) -> None:
        if line.strip():
            self.budget.count_text(len(line) + 1)
            self.cells.append((label or "", line))


def first_sheet_cells(data: bytes, limits: Limits | None = None) -> list[tuple[str, str]]:
    """``(reference, value)`` of each non-empty cell of the workbook's first sheet, in file order (a formula as
    its text, ``=`` first), within ``limits``. ExtractionError on a corrupt, oversized or non-XLSX file."""
    budget = Budget(limits or Limits())
    pkg = Package(data, "xlsx", budget)
    if not pkg.has("xl/workbook.xml"):
        raise ExtractionError("ZIP container is not an XLSX workbook")
    sheets = _sheets(pkg, PartsText(budget))
    if not sheets:
        return []
    out = _CellValues(budget)
    _cells(pkg, sheets[0][0], sheets[0][1], "xlsx:sheet 1", _shared_strings(pkg), out)
    return out.cells
