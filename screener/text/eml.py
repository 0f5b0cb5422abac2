"""E-mail (RFC 5322 / MIME, ``.eml``): headers, bodies and attachments, with the standard ``email`` package.

Parts: ``eml:headers`` (every header but dates and MIME plumbing: addresses, subject, message ids, the hosts
in ``Received``...), ``eml:body`` (text parts), ``eml:html body/html:...`` (HTML parts, with their hidden
parts), ``eml:attachment names`` and ``eml:attachment NAME/...`` (each attachment extracted like any submission,
one level deeper, within the same budget; a forwarded message is an attachment too). An attachment that cannot
be extracted (an image, an unknown format) makes the whole message unscanned: nothing in it goes unseen.
The MIME tree is walked iteratively with a depth limit.
"""

from __future__ import annotations

import base64
import email
import email.policy
import quopri
from collections.abc import Callable
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message

from screener.errors import ExtractionError
from screener.text.parts import Budget, Extracted, PartsText, safe_name

Nested = Callable[[bytes, str | None], Extracted]

_SKIP_HEADERS = frozenset({
    "date", "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "content-id",
    "content-length", "dkim-signature", "arc-seal", "arc-message-signature", "x-ms-has-attach",
})


def _decoded(value: object) -> str:
    """A header value with its RFC 2047 encoded words decoded (``=?utf-8?b?...?=``), whitespace collapsed."""
    try:
        text = str(make_header(decode_header(str(value))))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        text = str(value)
    return " ".join(text.split())


def _headers(msg: Message, out: PartsText) -> None:
    for key, value in msg.items():
        if key.lower() not in _SKIP_HEADERS:
            out.add("eml:headers", f"{key}: {_decoded(value)}")


def _payload(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _charset_text(part: Message, data: bytes) -> str:
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", "replace")


def eml_to_text(data: bytes, budget: Budget, nested: Nested) -> Extracted:
    from screener.text.html import html_to_text

    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    out = PartsText(budget)
    _headers(msg, out)
    limit = budget.limits.max_xml_depth
    stack: list[tuple[Message, int]] = [(msg, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        budget.count_elements()
        if depth > limit:
            raise ExtractionError(f"MIME parts nested deeper than {limit}")
        filename = part.get_filename()
        filename = _decoded(filename) if filename is not None else None
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        ctype = part.get_content_type()
        if part.is_multipart() and ctype != "message/rfc822":
            payload = part.get_payload()
            children = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
            stack.extend((p, depth + 1) for p in reversed(children))
            continue
        if filename is None and disposition != "attachment" and ctype in ("text/plain", "text/html"):
            text = _charset_text(part, _payload(part))
            if ctype == "text/html":
                out.nest("eml:html body", html_to_text(text, budget))
            else:
                out.add_all("eml:body", text.split("\n"))
            continue
        count += 1
        budget.count_attachment()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            body = first.as_bytes() if isinstance(first, Message) else _payload(part)
            encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
            if encoding == "base64":  # not allowed for message/rfc822 by RFC 2046, but written by some clients
                body = base64.b64decode(body)  # characters outside the alphabet (line breaks) are discarded
            elif encoding == "quoted-printable":
                body = quopri.decodestring(body)
            label = filename or "forwarded.eml"
        else:
            body, label = _payload(part), filename or f"attachment {count}"
        out.add("eml:attachment names", label)
        try:
            extracted = nested(body, label if ctype != "message/rfc822" else label + ".eml")
        except ExtractionError as exc:
            raise ExtractionError(f"attachment {count}: {exc.message}") from exc
        out.nest(f"eml:attachment {safe_name(label)}", extracted)
    return out.build("eml")
