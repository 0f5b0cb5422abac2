"""HTML: the visible text and every hidden place that can carry text, each as a named part.

Parts: ``html:text`` (what a browser shows), ``html:script``, ``html:style``, ``html:comments``,
``html:hidden`` (elements with ``hidden``, ``aria-hidden="true"``, ``display:none`` or ``visibility:hidden``
styles, ``template``, ``noscript``; and the text of any element inside them), ``html:form values``
(``value`` of inputs, options and buttons, hidden inputs included), ``html:attribute NAME`` for attributes
that carry text or addresses (``alt``, ``title``, ``href``, ``src``, ``content``, ``class``...; all ``data-*``
in ``html:attribute data-*``; any other attribute but presentational ones in ``html:attribute other``), event
handlers in ``html:script``, ``html:declarations`` (doctype and processing instructions).

The markup is read by a tokenizer of our own, one pass of regular expressions that cannot backtrack (each
construct left unterminated runs to the end of the input once): the standard library's ``HTMLParser`` on
Python 3.11.7 rescans to the end of the input at every unterminated ``<`` (33,000 ``<a `` took over two minutes
for 100 KB). Character references are decoded with ``html.unescape``; ``script``, ``style`` and the other raw
text elements run to their end tag.
"""

from __future__ import annotations

import re
from html import unescape
from typing import ClassVar

from screener.text.parts import Budget, Extracted, PartsText

_TEXT_ATTRIBUTES = frozenset({
    "alt", "title", "href", "src", "srcset", "srcdoc", "content", "action", "formaction", "cite", "poster",
    "longdesc", "label", "placeholder", "aria-label", "aria-description", "aria-placeholder", "summary",
    "background", "data", "codebase", "archive", "manifest", "ping", "download", "name", "id", "class", "style",
    "xlink:href", "itemprop", "itemid", "about", "resource", "property",
})  # each in its own part; any other attribute but the presentational ones below goes to "html:attribute other"
_PLAIN_ATTRIBUTES = frozenset({
    "width", "height", "colspan", "rowspan", "type", "rel", "lang", "dir", "charset", "tabindex", "target",
    "align", "valign", "border", "cellpadding", "cellspacing", "role", "method", "enctype", "autocomplete",
    "crossorigin", "integrity", "nonce", "loading", "decoding", "async", "defer", "sizes", "media", "hreflang",
    "http-equiv", "d", "viewbox", "points", "transform", "fill", "stroke", "stroke-width", "x", "y", "x1", "y1",
    "x2", "y2", "cx", "cy", "r", "rx", "ry", "xmlns", "version", "span", "start", "step", "min", "max",
    "maxlength", "minlength", "size", "cols", "rows", "accept", "for", "scope", "shape", "coords", "frameborder",
    "sandbox", "referrerpolicy", "checked", "selected", "disabled", "readonly", "required", "multiple", "hidden",
    "open", "spellcheck", "draggable", "contenteditable", "inputmode", "color", "bgcolor", "aria-hidden",
    "preserveaspectratio", "fetchpriority", "as", "opacity", "offset",
})
_BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "td", "th",
                    "article", "header", "footer", "blockquote", "pre", "title", "option", "dt", "dd"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])", re.I)


# One construct at a "<": a comment, a declaration or processing instruction, an end tag or a start tag (its
# attributes, quoted values included); each may run to the end of the input. Alternatives start differently,
# and every repetition stops at a character the next part needs, so matching is linear.
_MARKUP = re.compile(
    r"<!--(?P<comment>.*?)(?:--!?>|\Z)"
    r"|<(?P<decl>[!?][^>]*)(?:>|\Z)"
    r"|</(?P<end>[A-Za-z][^\s/>]*)[^>]*(?:>|\Z)"
    r"|<(?P<start>[A-Za-z][^\s/>]*)(?P<attrs>(?:[^>\"']|\"[^\"]*(?:\"|\Z)|'[^']*(?:'|\Z))*)(?:>|\Z)",
    re.S,
)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>]+)))?""")
_RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"})


def _tokens(markup: str, handler: _Parts) -> None:
    """Drive ``handler`` over ``markup`` in one linear pass."""
    pos, n = 0, len(markup)
    while pos < n:
        lt = markup.find("<", pos)
        if lt < 0:
            handler.handle_data(unescape(markup[pos:]))
            return
        if lt > pos:
            handler.handle_data(unescape(markup[pos:lt]))
        m = _MARKUP.match(markup, lt)
        if m is None:  # a "<" that opens nothing is text
            handler.handle_data("<")
            pos = lt + 1
            continue
        pos = m.end()
        if m.group("comment") is not None:
            handler.handle_comment(m.group("comment"))
        elif m.group("decl") is not None:
            handler.handle_decl(m.group("decl"))
        elif m.group("end") is not None:
            handler.handle_endtag(m.group("end").lower())
        else:
            tag = m.group("start").lower()
            attrs = [(a.group(1).lower(), unescape(a.group(2) or a.group(3) or a.group(4) or ""))
                     for a in _ATTRIBUTE.finditer(m.group("attrs"))]
            handler.handle_starttag(tag, attrs)
            if tag in _RAW_TEXT and not m.group("attrs").rstrip().endswith("/"):
                close = re.compile(rf"</{re.escape(tag)}(?=[\s/>]|\Z)", re.I).search(markup, pos)
                stop = close.start() if close else n
                body = markup[pos:stop]
                handler.handle_data(body if tag in ("script", "style") else unescape(body))
                pos = stop


class _Parts:
    _RAW: ClassVar[dict[str, str]] = {"script": "html:script", "style": "html:style"}

    def __init__(self, out: PartsText) -> None:
        self.out = out
        self.text: list[str] = []
        self.raw: list[str] = []  # open script/style elements, by part name
        self.hidden: list[str] = []  # tags of open hiding elements
        self.open_hidden: dict[str, int] = {}  # how many of each tag are in ``hidden``

    def _hides(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in ("template", "noscript") or "hidden" in attrs:
            return True
        if attrs.get("aria-hidden", "").strip().lower() == "true":
            return True
        if tag == "input" and attrs.get("type", "").strip().lower() == "hidden":
            return True
        return bool(_HIDING_STYLE.search(attrs.get("style", "")))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str]]) -> None:
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
            elif key in _TEXT_ATTRIBUTES:
                self.out.add(f"html:attribute {key}", value)
            elif key not in _PLAIN_ATTRIBUTES:
                self.out.add("html:attribute other", value)
        if tag in self._RAW:
            self.raw.append(self._RAW[tag])
        elif hides and tag not in _VOID:
            self.hidden.append(tag)
            self.open_hidden[tag] = self.open_hidden.get(tag, 0) + 1
        if tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._RAW and self.raw:
            self.raw.pop()
        elif self.open_hidden.get(tag):  # close up to the matching hiding element: amortised linear
            while self.hidden:
                top = self.hidden.pop()
                self.open_hidden[top] -= 1
                if top == tag:
                    break
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
        if decl.strip().lower() != "!doctype html":
            self.out.add("html:declarations", decl)


def html_to_text(markup: str, budget: Budget, notes: tuple[str, ...] = ()) -> Extracted:
    out = PartsText(budget)
    parser = _Parts(out)
    _tokens(markup, parser)
    parser._flush()
    return out.build("html", notes)
