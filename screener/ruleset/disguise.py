"""Ways people disguise an identifier, as functions: the evasion suite and its benchmark table use them to
check that a profile still matches when a name is hidden in plain sight.

Each disguise takes the identifier and returns its disguised form, or None when the disguise does not apply
to that kind of identifier (``(at)``/``(dot)`` only makes sense for addresses and host names).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

Disguise = Callable[[str], str | None]

_CYRILLIC = str.maketrans("ABEKMHOPCTXaeopcyxi", "АВЕКМНОРСТХаеорсухі")
_GREEK = str.maketrans("ABEZHIKMNOPTYXoikvpux", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρυχ")
_LEET = str.maketrans("aeiostgAEIOSTB", "43105794310578")
CARRIER = "Last year I worked with {} on the rollout."
_JOINING = frozenset(" @.-")


def zero_width(s: str) -> str:
    return "\u200b".join(s[i:i + 2] for i in range(0, len(s), 2))


def soft_hyphen(s: str) -> str:
    return " ".join(w[: len(w) // 2] + "\u00ad" + w[len(w) // 2:] if len(w) >= 4 else w for w in s.split(" "))


def cyrillic(s: str) -> str:
    return s.translate(_CYRILLIC)


def greek(s: str) -> str:
    return s.translate(_GREEK)


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in s)


def leetspeak(s: str) -> str | None:
    out = s.translate(_LEET)
    return out if out != s and not _is_number(s) else None


def letter_spacing(s: str) -> str:
    return "  ".join(" ".join(w) for w in s.split(" "))


def line_break(s: str) -> str:
    """Break the identifier over two lines: at its first space, else inside it after a hyphen."""
    if " " in s:
        return s.replace(" ", "\n", 1)
    cut = s.find("-", len(s) // 3)
    if cut > 0:
        return s[: cut + 1] + "\n" + s[cut + 1:]
    return s[: len(s) // 2] + "-\n" + s[len(s) // 2:]


def at_dot(s: str) -> str | None:
    if "." not in s or " " in s:
        return None
    return s.replace("@", " (at) ").replace(".", " (dot) ")


def html_entities(s: str) -> str:
    """Spaces and the marks that join an identifier (``@``, ``.``, ``-``) as numeric character references, as
    text pasted from a web page keeps them (``Northwind&#32;Bank``); an identifier without any, its second
    letter."""
    return _escaped(s, lambda c: f"&#{ord(c)};")


def url_encoded(s: str) -> str:
    """The same characters percent-encoded, as in a query string or a link (``Northwind%20Bank``)."""
    return _escaped(s, lambda c: f"%{ord(c):02X}")


def _escaped(s: str, escape: Callable[[str], str]) -> str:
    if not any(c in _JOINING for c in s):
        return s[0] + escape(s[1]) + s[2:] if len(s) > 1 else s
    return "".join(escape(c) if c in _JOINING else c for c in s)


def base64_sentence(s: str) -> str:
    """Not a disguise of the identifier alone: the whole carrier sentence is encoded."""
    return base64.b64encode(CARRIER.format(s).encode()).decode()


def _is_number(s: str) -> bool:
    return sum(c.isdigit() for c in s) >= 4


DISGUISES: dict[str, Disguise] = {
    "plain": lambda s: s,
    "zero-width": zero_width,
    "soft-hyphen": soft_hyphen,
    "cyrillic": cyrillic,
    "greek": greek,
    "fullwidth": fullwidth,
    "leetspeak": leetspeak,
    "letter-spacing": letter_spacing,
    "line-break": line_break,
    "at-dot": at_dot,
    "html-entity": html_entities,
    "url-encoded": url_encoded,
    "base64": base64_sentence,
}


def disguised_text(name: str, identifier: str) -> str | None:
    """A sentence carrying ``identifier`` disguised by ``name``, or None when that disguise does not apply."""
    if name == "base64":
        return f"Decode this: {base64_sentence(identifier)} thanks."
    form = DISGUISES[name](identifier)
    return None if form is None else CARRIER.format(form)
