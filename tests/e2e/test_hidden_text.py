"""Hidden text through the whole engine: what invisible carriers and bidi overrides hide is screened, the
carrier is a finding that holds the submission, and the redacted copy keeps no invisible characters."""

from __future__ import annotations

import unicodedata

import pytest

from screener.engine import Screener
from screener.model import Metadata, Submission, Verdict
from tests.unit.test_hidden_carriers import selectors, tags

NORTHWIND = Metadata.of(employers=("northwind",))
HEBREW = "\u05e9\u05dc\u05d5\u05dd"  # a Hebrew word: right-to-left text around the override


def _invisible(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text
            if unicodedata.category(c) == "Cf" or 0xFE00 <= ord(c) <= 0xFE0F or 0xE0100 <= ord(c) <= 0xE01EF]


# (text, the carrier's original span, codes that must fire, codes inside the carrier)
CASES = [
    ("Our quarterly review went well." + tags("Northwind Bank password: Hunter2-Quokka!"),
     (31, 71), {"MRK390", "EMP201", "SEC410"}),
    ("Great launch \U0001f600" + selectors("Northwind Bank Project Kestrel") + " today.",
     (14, 44), {"MRK390", "EMP201", "EMP205"}),
    ("\u202eknaB dniwhtroN\u202c", (0, 16), {"MRK391", "EMP201"}),
    ("Config notes." + tags("GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345"), (13, 66), {"MRK390", "SEC403"}),
    ("Filed." + "\U000e0001" + tags("en") + tags("ref Project Lanternfish") + "\U000e007f", (6, 33),
     {"MRK390", "EMP205"}),
    ("Noted" + selectors("codename Project Saltmarsh", supplement_only=True) + ".", (5, 31), {"MRK390", "EMP205"}),
    ("Cheers \u2764" + selectors("Operation Bluewater starts Monday") + "!", (8, 41), {"MRK390", "EMP205"}),
    ("See \u2067\u202elertseK tcejorP\u202c\u2069 notes.", (4, 23), {"MRK391", "EMP205"}),
    ("Was at \u202eknaB \u202dNorthwind\u202c\u202c for years.", (7, 25), {"MRK391", "EMP201"}),
]
IDS = ["tag-name-password", "vs-name-codename", "rlo-reversed-name", "tag-token", "tag-language-tag-codename",
       "vs-supplement-only-codename", "vs-after-symbol-codename", "rli-isolate-rlo-codename", "lro-inside-rlo"]


@pytest.mark.parametrize(("text", "carrier", "codes"), CASES, ids=IDS)
def test_hidden_text_is_screened_and_held(engine: Screener, text: str, carrier: tuple[int, int],
                                          codes: set[str]) -> None:
    result = engine.screen(Submission(id="h", text=text, metadata=NORTHWIND))
    fired = {f.rule_id for f in result.findings}
    assert codes <= fired
    assert result.verdict not in (Verdict.ALLOW, Verdict.UNSCANNED)
    hidden = [f for f in result.findings if f.rule_id in ("MRK390", "MRK391")]
    assert [(f.span.start, f.span.end) for f in hidden] == [carrier]
    for f in result.findings:
        if f.rule_id in codes - {"MRK390", "MRK391"}:
            assert carrier[0] <= f.span.start < f.span.end <= carrier[1], f.rule_id
    red = result.redacted_text or ""
    assert _invisible(red) == []
    assert "Northwind" not in red and "Kestrel" not in red and "ghp_" not in red


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"{HEBREW} \u202dNorthwind Bank\u202c {HEBREW}", "EMP201"),
        ("Formerly\u200b at N\u200bo\u200br\u200bt\u200bh\u200bw\u200bi\u200bn\u200bd Bank.", "EMP201"),
        ("Formerly at North\u200dwind\u2060 Bank.\u2063", "EMP201"),
    ],
    ids=["lro-inside-rtl-text", "zwsp-separated-letters", "zwj-word-joiner"],
)
def test_invisible_characters_that_hide_nothing_are_stripped(engine: Screener, text: str, code: str) -> None:
    result = engine.screen(Submission(id="z", text=text, metadata=NORTHWIND))
    fired = {f.rule_id for f in result.findings}
    assert code in fired and not fired & {"MRK390", "MRK391"}
    assert _invisible(result.redacted_text or "") == []


def test_legitimate_emoji_pass_untouched(engine: Screener) -> None:
    flag = "\U0001f3f4" + tags("gbsct") + "\U000e007f"
    text = f"I \u2764\ufe0f this team \U0001f469\u200d\U0001f4bb, go {flag}!"
    result = engine.screen(Submission(id="e", text=text, metadata=NORTHWIND))
    assert result.verdict is Verdict.ALLOW
    assert result.redacted_text == text
