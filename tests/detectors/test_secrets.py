"""Secrets: provider formats, keys, tokens, assignments and entropy; placeholders and prose stay clean; a
pattern that backtracks without end fails closed with PatternTimeout instead of hanging the scan."""

from __future__ import annotations

import pytest

from screener.detect.base import ScanInput
from screener.detect.rulematch import RuleRunner, shannon
from screener.model import Category, Metadata
from screener.ruleset.regex import PatternTimeout
from screener.ruleset.schema import RegexRule, RuleDocs
from screener.text.normalize import normalize
from tests.detectors.rules_support import Run, spans

KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5\n-----END EC PRIVATE KEY-----"


@pytest.mark.parametrize(
    ("text", "code", "secret"),
    [
        ("key AKIAIOSFODNN7EXAMPLE here", "SEC401", "AKIAIOSFODNN7EXAMPLE"),
        ("aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SEC402",
         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("token ghp_0123456789abcdefghijABCDEFGHIJ012345", "SEC403", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
        (f"x\n{KEY}\ny", "SEC407", KEY),
        ("mysql://root:Sup3rS3cret@10.0.0.5/app", "SEC409", "Sup3rS3cret"),
        ("db_password = 'Tr0ub4dor&3'", "SEC410", "Tr0ub4dor&3"),
        ("blob = 'c2VjcmV0IG1lc3NhZ2Ugc28geW91J2xsIG5ldmVyIGd1ZXNz'", "SEC411",
         "c2VjcmV0IG1lc3NhZ2Ugc28geW91J2xsIG5ldmVyIGd1ZXNz"),
    ],
    ids=["aws-id", "aws-secret", "github", "private-key", "url-password", "password", "entropy"],
)
def test_secret_spans_cover_only_the_secret(run_secrets: Run, text: str, code: str, secret: str) -> None:
    findings = run_secrets(text)
    assert spans(text, findings) == [(code, secret)]
    assert findings[0].category is Category.SECRET


@pytest.mark.parametrize(
    "text",
    [
        "password: forgotten",
        "Set the password in the vault; never write it down.",
        "password = os.environ['DB_PASSWORD']",
        "api_key: <YOUR_API_KEY>",
        "postgres://app:${DB_PASSWORD}@db.example.com/ledger",
        "commit 'b3c1f0e' fixed the bug",
        "uuid = '203db13e-70c7-462b-9a3d-bf32640cb0be'",
        "The agreement term is 12 months; secret ballots are allowed.",
    ],
    ids=["word", "prose", "env-lookup", "placeholder", "template", "short-hex", "uuid", "contract"],
)
def test_placeholders_and_prose_stay_clean(run_secrets: Run, text: str) -> None:
    assert run_secrets(text) == []


def test_one_finding_per_secret(run_secrets: Run) -> None:
    found = run_secrets("aws_access_key = 'AKIAIOSFODNN7EXAMPLE'")
    assert [f.rule_id for f in found] == ["SEC401"]  # the provider format beats the generic assignment



TOKEN = "uvqcblfxi1d3ohvwjftgb59e3mba1x98"  # 32 characters, entropy 4.48: under the entropy rule's 4.5


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"ACCESS_TOKEN: {TOKEN}", TOKEN),
        (f"export ACCESS_TOKEN={TOKEN}", TOKEN),
        ("auth_token = 9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c", "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"),
        ("refreshToken: 1//0gLkq8VbZx3mRtY7uPwE-sN2aH", "1//0gLkq8VbZx3mRtY7uPwE-sN2aH"),
        (f"  bearer-token => {TOKEN}, expires 3600", TOKEN),
    ],
    ids=["yaml-key", "shell-export", "snake-hex", "camel-case", "arrow-then-comma"],
)
def test_unquoted_token_assignment(run_secrets: Run, text: str, secret: str) -> None:
    assert spans(text, run_secrets(text)) == [("SEC410", secret)]


@pytest.mark.parametrize(
    "text",
    [
        "The token bucket refills every second.",
        "token: <YOUR_TOKEN>",
        "token_count: 4096",
        "max_tokens: 4096",
        "tokenizer: bert-base-uncased-v2",
        "TOKEN=your_token_here_1234567",
        "id_token: 12345678901234567890",
        "csrf_token: {{ csrf_token }}",
    ],
    ids=["prose", "placeholder", "count", "plural-key", "tokenizer-key", "placeholder-words", "digits-only",
         "template"],
)
def test_token_words_that_are_not_tokens_stay_clean(run_secrets: Run, text: str) -> None:
    assert run_secrets(text) == []

@pytest.mark.parametrize(("value", "low", "high"), [("aaaa", 0.0, 0.01), ("abcd", 1.99, 2.01)], ids=["flat", "four"])
def test_shannon_entropy(value: str, low: float, high: float) -> None:
    assert low <= shannon(value) <= high


def test_catastrophic_pattern_fails_closed() -> None:
    docs = RuleDocs(what="w" * 12, why="w" * 12, example="e" * 12, remedy="r" * 12)
    rule = RegexRule.model_validate({"id": "SEC499", "name": "evil", "entity": "EVIL", "kind": "regex",
                                     "docs": docs.model_dump(),
                                     "patterns": [{"name": "evil", "regex": r"(a|aa)+(?=b)\b", "score": 0.5}]})
    runner = RuleRunner("secrets", Category.SECRET, [rule], timeout=0.05)
    item = ScanInput(normalize("a" * 60 + "!"), None, Metadata())
    with pytest.raises(PatternTimeout):
        runner.run(item)


@pytest.mark.parametrize(
    ("text", "code", "secret"),
    [
        ("admin / P@ssw0rd123", "SEC410", "P@ssw0rd123"),
        ("user admin, pass Summer2024!", "SEC410", "Summer2024!"),
        ("root:Hunter2!@db.example.com", "SEC409", "Hunter2!"),
        ("creds are svc_backup / Xk9#mP2$vL", "SEC410", "Xk9#mP2$vL"),
        ("login: jsmith  password: Tr0ub4dor&3", "SEC410", "Tr0ub4dor&3"),
        ("Use admin/admin123 to log in.", "SEC410", "admin123"),
        ("guest / Welcome1", "SEC410", "Welcome1"),
        ("Credentials: ops.lead / Adm1n!2024 (rotate monthly)", "SEC410", "Adm1n!2024"),
        ("The username is dana.w and the password is Autumn#2023.", "SEC410", "Autumn#2023"),
        ("login jsmith pw: Kx8!vq2Lm", "SEC410", "Kx8!vq2Lm"),
        ("copy it as backup:Bk2#x9Lq@files.example.com tonight", "SEC409", "Bk2#x9Lq"),
        ("admin : P@ssw0rd123", "SEC410", "P@ssw0rd123"),
        ("login admin :P@ssw0rd123", "SEC410", "P@ssw0rd123"),
        ("svc_backup\t:  Xk9#mP2$vL", "SEC410", "Xk9#mP2$vL"),
        ("guest : Welcome1", "SEC410", "Welcome1"),
    ],
    ids=["slash-pair", "prose-pair", "userinfo-no-scheme", "creds-are", "login-password", "weak-default",
         "weak-season-word", "credentials-label", "username-is", "pw-label", "userinfo-in-prose",
         "spaced-colon", "colon-space-after-user", "tab-colon", "spaced-colon-weak"],
)
def test_user_password_pairs(run_secrets: Run, text: str, code: str, secret: str) -> None:
    assert spans(text, run_secrets(text)) == [(code, secret)]


@pytest.mark.parametrize(
    "text",
    [
        "Send the input/output and / or the TCP/IP logs; either/or works, he/she said.",
        "Due 12/05/2024, a 3/4 majority; see src/main and docs/Guide2024 for Q3/FY2024.",
        "Each user must pass Level2 training.",
        "The user account is locked after 5 attempts; user guide v2.1, pass 3 chapters.",
        "Write to mailto:jdoe2@example.com or mailto:jane.doe@example.com today.",
        "The host is db01.example.com:5432 and the ratio 1:2 holds at 10:30:45.",
        "version:v2.3.1-RC1 and image: nginx:1.25-alpine, dx/dt=3x^2",
        "git@github.com:org/repo.git",
        "note : see the wiki, section 4.2 and ratio : 3:1 overall",
    ],
    ids=["slash-words", "dates-fractions-paths", "pass-verb", "user-prose", "mailto", "host-port-time",
         "config-values", "git-remote", "spaced-colon-prose"],
)
def test_pair_look_alikes_stay_clean(run_secrets: Run, text: str) -> None:
    assert run_secrets(text) == []
