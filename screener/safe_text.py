"""Strings from outside (ids, file names, metadata) made safe for the places they are written to.

- ``utf8_clean``: every writer (JSON Lines, SQLite, stdout, file names) needs text that encodes as UTF-8.
  A file name with a byte that is not UTF-8 reaches Python as a lone surrogate (``surrogateescape``, PEP 383),
  and JSON may spell one (``"\\ud800"``); both are written as a visible escape (``\\xe9``, ``\\ud800``).
- ``utf8_text``: submission text keeps its length (offsets stay valid): each lone surrogate becomes U+FFFD.
- ``file_name``: an injective, readable file name for a submission id (see its docstring).
"""

from __future__ import annotations

import hashlib
import re

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NAME_SAFE = re.compile(r"[A-Za-z0-9.-]")
MAX_NAME = 180


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a raw byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def utf8_clean(value: str) -> str:
    """``value`` unchanged when it encodes as UTF-8, else with each lone surrogate as a visible escape."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return _SURROGATE.sub(_escape_surrogate, value)


def utf8_text(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD (same length), and how many were replaced."""
    try:
        text.encode("utf-8")
        return text, 0
    except UnicodeEncodeError:
        return _SURROGATE.subn("\ufffd", text)


def file_name(sub_id: str) -> str:
    """A file name for ``sub_id``: letters, digits, ``.`` and ``-`` stay; every other character becomes
    ``_XX`` per UTF-8 byte (``_`` itself is ``_5F``; a leading ``.`` is ``_2E``), as in percent-encoding with
    ``_`` as the escape. Distinct ids give distinct names (``x y`` -> ``x_20y``, ``x_y`` -> ``x_5Fy``,
    ``x/y`` -> ``x_2Fy``, ``x__y`` -> ``x_5F_5Fy``). A name longer than ``MAX_NAME`` keeps its first
    characters and ends with ``~`` and 16 hex digits of the id's SHA-256, so it stays distinct as well.
    """
    parts = []
    for i, ch in enumerate(sub_id):
        if _NAME_SAFE.fullmatch(ch) and not (i == 0 and ch == "."):
            parts.append(ch)
        else:
            parts.append("".join(f"_{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
    name = "".join(parts) or "_"
    if len(name) > MAX_NAME:
        digest = hashlib.sha256(sub_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        name = f"{name[: MAX_NAME - 17]}~{digest}"
    return name
