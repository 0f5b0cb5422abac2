"""Invisible carriers: text hidden in characters that render as nothing, found and decoded.

Two encodings are decoded, one invisible character per payload unit:

- tag characters: U+E0020-U+E007E stand for ASCII 0x20-0x7E (U+E0001 LANGUAGE TAG and U+E007F CANCEL TAG are
  dropped). An emoji tag sequence (U+1F3F4 WAVING BLACK FLAG, lower-case tag letters or digits, CANCEL TAG:
  the flags of Scotland or Wales) is legitimate and is not a carrier;
- variation selectors, one per byte of UTF-8: bytes 0-15 as VS1-VS16 (U+FE00-U+FE0F) and bytes 16-255 as
  VS17-VS256 (U+E0100-U+E01EF), the "emoji smuggling" encoding; a run of supplement selectors only is also
  tried with byte = code point - U+E0100. One selector after a character is legitimate (emoji or text
  presentation, standardised variants); two or more in a row are a carrier.

A carrier whose bytes decode to no readable text is still a carrier (``payload`` is None): it hides data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAGS = "\U000e0000-\U000e007f"
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
CARRIER_CHARS = _TAGS + _SELECTORS
_RUN = re.compile(f"[{_TAGS}]+|[{_SELECTORS}]+")
_FLAG_BASE = "\U0001f3f4"
_FLAG_TAGS = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,8}\U000e007f")
MIN_PRINTABLE = 0.9


@dataclass(frozen=True, slots=True)
class Carrier:
    """A run of invisible characters ``[start, end)`` of the text it was found in, and what it carries:
    ``payload`` and, per payload character, the range ``spans[i]`` of the text that encodes it."""

    kind: str  # "tag" or "variation-selector"
    start: int
    end: int
    payload: str | None
    spans: tuple[tuple[int, int], ...] = ()


def _readable(text: str) -> bool:
    """Mostly printable text with a letter or digit; tag characters count as the ASCII they stand for (a
    payload may itself be written in tags)."""
    text = "".join(chr(ord(c) - 0xE0000) if "\U000e0020" <= c <= "\U000e007e" else c for c in text)
    if not text or not any(c.isalnum() for c in text):
        return False
    return sum(1 for c in text if c.isprintable() or c in "\n\r\t") / len(text) >= MIN_PRINTABLE


def _tags(run: str, start: int) -> Carrier:
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, c in enumerate(run):
        cp = ord(c) - 0xE0000
        if 0x20 <= cp <= 0x7E:
            chars.append(chr(cp))
            spans.append((start + i, start + i + 1))
    payload = "".join(chars)
    end = start + len(run)
    return Carrier("tag", start, end, payload, tuple(spans)) if _readable(payload) else Carrier("tag", start, end, None)


def _bytes(run: str, supplement_only: bool) -> bytes | None:
    out = bytearray()
    for c in run:
        cp = ord(c)
        if cp >= 0xE0100:
            out.append(cp - 0xE0100 + (0 if supplement_only else 16))
        elif supplement_only:
            return None
        else:
            out.append(cp - 0xFE00)
    return bytes(out)


def _selectors(run: str, start: int) -> Carrier:
    end = start + len(run)
    for supplement_only in (False, True):
        raw = _bytes(run, supplement_only)
        if raw is None:
            continue
        try:
            payload = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not _readable(payload):
            continue
        spans: list[tuple[int, int]] = []
        pos = start
        for ch in payload:  # one selector per byte: a character spans as many selectors as it has bytes
            width = len(ch.encode("utf-8"))
            spans.append((pos, pos + width))
            pos += width
        return Carrier("variation-selector", start, end, payload, tuple(spans))
    return Carrier("variation-selector", start, end, None)


def carriers_in(text: str, start: int = 0, end: int | None = None) -> list[Carrier]:
    """The carriers of ``text[start:end]`` (offsets into ``text``), in text order."""
    found: list[Carrier] = []
    for m in _RUN.finditer(text, start, len(text) if end is None else end):
        run = m.group()
        if run[0] >= "\U000e0000" and run[0] <= "\U000e007f":
            if text[m.start() - 1 : m.start()] == _FLAG_BASE and _FLAG_TAGS.fullmatch(run):
                continue
            if len(run) >= 2:
                found.append(_tags(run, m.start()))
        elif len(run) >= 2:
            found.append(_selectors(run, m.start()))
    return found

