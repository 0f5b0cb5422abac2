"""PPTX: slides, notes, comments and alt text, each named by its slide, in one streaming pass per member.

Parts: ``pptx:slide N`` (every text frame, table and group of slide N, in the order of the presentation's
slide list, hidden slides included), ``pptx:slide N notes``, ``pptx:slide N comments`` (legacy and modern
comments), ``pptx:slide N alt text``, ``pptx:slide N hyperlink targets``, ``pptx:masters and layouts``
(footers and placeholder text of masters, layouts and the notes master), ``pptx:unlisted slides`` and
``pptx:unlisted notes`` (members that the slide list does not reach are read too), ``pptx:authors``,
``pptx:field codes``, ``pptx:tracked deletions``, the document properties, ``pptx:embedded NAME/...``
(embedded files, extracted in turn) and ``pptx:other parts`` (the text of any other XML member).

The reader is the same bounded OOXML reader as DOCX's rather than python-pptx: python-pptx loads every part of
the package (media included) into memory, has no comment API, and its parse cannot be counted against the
element and depth limits that keep extraction linear.
"""

from __future__ import annotations

import re

from screener.errors import ExtractionError
from screener.text.ooxml import Nested, Package, RunText, attr, local, properties, rel_id, rest
from screener.text.parts import Budget, Extracted, PartsText

_SLIDE = re.compile(r"ppt/slides/slide\d+\.xml")
_NOTES = re.compile(r"ppt/notesSlides/notesSlide\d+\.xml")
_COMMENTS = re.compile(r"ppt/comments/[^/]+\.xml")
_MASTERS = re.compile(r"ppt/(slideMasters|slideLayouts|notesMasters|handoutMasters)/[^/]+\.xml")
_AUTHORS = ("ppt/commentAuthors.xml", "ppt/authors.xml")


def _number(name: str) -> int:
    digits = re.findall(r"\d+", name)
    return int(digits[-1]) if digits else 0


def _slide_order(pkg: Package) -> list[str]:
    """Slide members in the order of the presentation's slide list (``sldIdLst``)."""
    rels = {r.id: r.target for r in pkg.rels("ppt/presentation.xml", "pptx:slide list") if r.type == "slide"}
    order: list[str] = []
    for event, elem in pkg.walk("ppt/presentation.xml", "pptx:slide list"):
        if event == "start" and local(elem.tag) == "sldId":
            target = rels.get(rel_id(elem))
            if target and pkg.has(target) and target not in order:
                order.append(target)
    return order


def _comments(pkg: Package, member: str, part: str, out: PartsText) -> None:
    """Legacy (``p:cm/p:text``) and modern (``p188:cm/p188:txBody``) comments, one line per comment."""
    text: list[str] = []
    for event, elem in pkg.walk(member, part):
        tag = local(elem.tag)
        if event == "end" and tag in ("text", "t") and elem.text:
            text.append(elem.text)
        elif event == "end" and tag in ("cm", "reply"):
            out.add(part, " ".join(text))
            text = []
    out.add(part, " ".join(text))


def pptx_to_text(pkg: Package, budget: Budget, nested: Nested) -> Extracted:
    if not pkg.has("ppt/presentation.xml"):
        raise ExtractionError("ZIP container is not a PPTX presentation")
    out = PartsText(budget)
    done: set[str] = set()
    slides = _slide_order(pkg)
    links: dict[str, str] = {}
    for number, slide in enumerate(slides, 1):
        name = f"pptx:slide {number}"
        runs = RunText(out, name + " ")  # its alt text goes to "pptx:slide N alt text", and so on
        runs.feed(pkg.walk(slide, name), name)
        done.add(slide)
        links[slide] = f"{name} hyperlink targets"
        for rel in pkg.rels(slide, name):
            if rel.external:
                continue
            if rel.type == "notesSlide" and pkg.has(rel.target) and rel.target not in done:
                RunText(out, f"{name} notes ").feed(pkg.walk(rel.target, f"{name} notes"), f"{name} notes")
                done.add(rel.target)
            elif rel.type == "comments" and pkg.has(rel.target) and rel.target not in done:
                _comments(pkg, rel.target, f"{name} comments", out)
                done.add(rel.target)
    leftovers = (
        (_SLIDE, "pptx:unlisted slides"),
        (_NOTES, "pptx:unlisted notes"),
        (_MASTERS, "pptx:masters and layouts"),
    )
    runs = RunText(out, "pptx:")
    for pattern, part in leftovers:
        for member in sorted((n for n in pkg.names if pattern.fullmatch(n) and n not in done), key=_number):
            runs.feed(pkg.walk(member, part), part)
            done.add(member)
    for member in sorted(n for n in pkg.names if _COMMENTS.fullmatch(n) and n not in done):
        _comments(pkg, member, "pptx:unlisted comments", out)
    authors = runs.authors
    for member in _AUTHORS:
        if pkg.has(member):
            for event, elem in pkg.walk(member, "pptx:authors"):
                if event == "start" and local(elem.tag) in ("cmAuthor", "author"):
                    for key in ("name", "initials", "userId"):
                        authors[attr(elem, key) or ""] = None
    runs.flush_authors()
    properties(pkg, "pptx", out)
    rest(pkg, "pptx", out, nested, links)
    return out.build("pptx")
