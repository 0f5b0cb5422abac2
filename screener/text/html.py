"""HTML: the visible text and every hidden place that can carry text, each as a named part.

Parts: ``html:text`` (what a browser shows), ``html:script``, ``html:style``, ``html:comments``,
``html:hidden`` (elements with ``hidden``, ``aria-hidden="true"``, ``display:none`` or ``visibility:hidden``
styles, ``template``, ``noscript``; and the text of any element inside them), ``html:form values``
(``value`` of inputs, options and buttons, hidden inputs included), ``html:attribute NAME`` for attributes
that carry text or addresses (``alt``, ``title``, ``href``, ``src``, ``content``...; all ``data-*`` in
``html:attribute data-*``), ``html:declarations`` (doctype and processing instructions). The standard
library's ``HTMLParser`` reads the markup in one linear pass.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

from screener.text.parts import Budget, Extracted, PartsText

_TEXT_ATTRIBUTES = frozenset({
    "alt", "title", "href", "src", "srcset", "content", "action", "formaction", "cite", "poster", "longdesc",
    "label", "placeholder", "aria-label", "aria-description", "aria-placeholder", "summary", "background",
    "data", "codebase", "archive", "manifest", "ping", "download", "name", "id", "class", "style",
})
_QUIET_ATTRIBUTES = frozenset({"id", "class", "style", "name"})  # screened only on hidden-marked elements
_BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "td", "th",
                    "article", "header", "footer", "blockquote", "pre", "title", "option", "dt", "dd"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])", re.I)


class _Parts(HTMLParser):
    _RAW: ClassVar[dict[str, str]] = {"script": "html:script", "style": "html:style"}

    def __init__(self, out: PartsText) -> None:
        super().__init__(convert_charrefs=True)
        self.out = out
        self.text: list[str] = []
        self.raw: list[str] = []  # open script/style elements, by part name
        self.hidden: list[str] = []  # tags of open hiding elements

    def _hides(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in ("template", "noscript") or "hidden" in attrs:
            return True
        if attrs.get("aria-hidden", "").strip().lower() == "true":
            return True
        if tag == "input" and attrs.get("type", "").strip().lower() == "hidden":
            return True
        return bool(_HIDING_STYLE.search(attrs.get("style", "")))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        hides = self._hides(tag, values)
        for key, value in attrs:
            if not value or not value.strip():
                continue
            if key == "value":
                self.out.add("html:form values", value)
            elif key.startswith("data-"):
                self.out.add("html:attribute data-*", value)
            elif key.startswith("on"):
                self.out.add("html:script", value)
            elif key in _TEXT_ATTRIBUTES and (hides or key not in _QUIET_ATTRIBUTES):
                self.out.add(f"html:attribute {key}", value)
        if tag in self._RAW:
            self.raw.append(self._RAW[tag])
        elif hides and tag not in _VOID:
            self.hidden.append(tag)
        if tag in _BLOCK:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in self._RAW and self.raw:
            self.raw.pop()
        elif self.hidden and self.hidden[-1] == tag and tag not in _VOID:
            self.hidden.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._RAW and self.raw:
            self.raw.pop()
        elif tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        if tag in _BLOCK:
            self._flush()

    def _flush(self) -> None:
        self.out.add("html:text", " ".join("".join(self.text).split()))
        self.text = []

    def handle_data(self, data: str) -> None:
        if self.raw:
            self.out.add(self.raw[-1], data)
        elif self.hidden:
            self.out.add("html:hidden", data)
        else:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.out.add("html:comments", data)

    def handle_decl(self, decl: str) -> None:
        if decl.strip().lower() != "doctype html":
            self.out.add("html:declarations", decl)

    def handle_pi(self, data: str) -> None:
        self.out.add("html:declarations", data)

    def unknown_decl(self, data: str) -> None:
        self.out.add("html:declarations", data)


def html_to_text(markup: str, budget: Budget, notes: tuple[str, ...] = ()) -> Extracted:
    out = PartsText(budget)
    parser = _Parts(out)
    parser.feed(markup)
    parser.close()
    parser._flush()
    return out.build("html", notes)
