"""Load YAML data files with line numbers, validate them, and report every problem at once.

``load_yaml`` returns the plain data plus a map from each key path to its line, so that a pydantic error at
``rules -> 3 -> patterns -> 0 -> regex`` is reported as ``rules/pii.yaml:41: rules[3].patterns[0].regex: ...``.
Nothing is applied unless every file is valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from screener import safe_yaml
from screener.errors import RuleError
from screener.ruleset.regex import compile_pattern
from screener.ruleset.schema import EXTRA_KINDS, AnyRule, RegexRule, Rule, RulePack

M = TypeVar("M", bound=BaseModel)
_RULE: TypeAdapter[AnyRule] = TypeAdapter(Rule)
PathKey = tuple[str | int, ...]


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            out[key] = _walk(value_node, (*path, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(v, (*path, i), lines) for i, v in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def load_yaml(path: Path) -> tuple[Any, dict[PathKey, int]]:
    """Parse one YAML file safely. Raises RuleError naming file and line on a syntax error."""
    try:
        text = safe_yaml.read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError([f"{path}: cannot read: {exc.__class__.__name__}"]) from exc
    try:
        node = safe_yaml.compose_text(text)
    except yaml.YAMLError as exc:
        kind = "YAML refused" if isinstance(exc, safe_yaml.UnsafeYaml) else "YAML syntax"
        raise RuleError([f"{path}:{safe_yaml.line_of(exc)}: {kind}: {safe_yaml.problem_of(exc)}"]) from exc
    if node is None:
        raise RuleError([f"{path}:1: file is empty"])
    lines: dict[PathKey, int] = {}
    return _walk(node, (), lines), lines


def _loc_text(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def line_of(loc: Sequence[str | int], lines: dict[PathKey, int]) -> int:
    """The 1-based line of the YAML node at ``loc`` (a pydantic error location), or of its nearest ancestor."""
    key: PathKey = tuple(loc)
    while key and key not in lines:
        key = key[:-1]
    return lines.get(key, 1)


def validate(model: type[M], data: Any, lines: dict[PathKey, int], path: Path) -> tuple[M | None, list[str]]:
    """Validate ``data`` against ``model``; return the model or every problem as ``file:line: where: what``."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            # Drop the discriminator tag pydantic inserts into the path of a tagged union member (rule packs only:
            # elsewhere "regex" is an ordinary field name).
            tags = ("presidio", "regex", *EXTRA_KINDS) if model is RulePack else ()
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p in tags)]
            problems.append(f"{path}:{line_of(loc, lines)}: {_loc_text(loc)}: {err['msg']}")
        return None, problems


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule pack of a rules directory, validated and with every regex compiled."""

    packs: tuple[RulePack, ...]
    files: tuple[Path, ...]
    digest: str  # sha256 over the rule files' bytes, stamped on results and audit records

    @property
    def rules(self) -> tuple[AnyRule, ...]:
        return tuple(r for p in self.packs for r in p.rules)

    def get(self, rule_id: str) -> AnyRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _valid_rules(data: Any) -> list[tuple[int, AnyRule]]:
    """When a pack fails validation, its rules that are valid on their own, so they are still checked."""
    raw = data.get("rules") if isinstance(data, dict) else None
    out: list[tuple[int, AnyRule]] = []
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            out.append((i, _RULE.validate_python(item)))
        except ValidationError:
            continue
    return out


def check_pack(pack: RulePack, path: Path, lines: dict[PathKey, int]) -> list[str]:
    """Semantic checks beyond the schema: patterns compile and cannot match the empty string."""
    return check_rules(list(enumerate(pack.rules)), path, lines)


def check_rules(rules: list[tuple[int, AnyRule]], path: Path, lines: dict[PathKey, int]) -> list[str]:
    problems = []
    for i, rule in rules:
        if not isinstance(rule, RegexRule):
            continue
        for j, spec in enumerate(rule.patterns):
            where = ("rules", i, "patterns", j, "regex")
            try:
                compiled = compile_pattern(spec.regex, spec.ignore_case)
            except Exception as exc:
                problems.append(f"{path}:{line_of(where, lines)}: {rule.id}: regex does not compile: {exc}")
                continue
            if compiled.matches_empty():
                problems.append(f"{path}:{line_of(where, lines)}: {rule.id}: regex matches the empty string")
            if spec.group > compiled.groups:
                problems.append(f"{path}:{line_of(where, lines)}: {rule.id}: group {spec.group} does not exist")
            for k, source in enumerate(spec.exclude):
                try:
                    compile_pattern(source, spec.ignore_case)
                except Exception as exc:
                    at = line_of(("rules", i, "patterns", j, "exclude", k), lines)
                    problems.append(f"{path}:{at}: {rule.id}: exclude pattern does not compile: {exc}")
    return problems


def load_rules(files: Iterable[Path]) -> RuleSet:
    """Load rule packs; raise RuleError listing every problem of every file (duplicate ids included)."""
    packs: list[RulePack] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    paths = sorted(Path(f) for f in files)
    for path in paths:
        try:
            data, lines = load_yaml(path)
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        except RuleError as exc:
            problems.extend(exc.problems)
            continue
        pack, errs = validate(RulePack, data, lines, path)
        problems.extend(errs)
        rules = list(enumerate(pack.rules)) if pack is not None else _valid_rules(data)
        problems.extend(check_rules(rules, path, lines))
        for i, rule in rules:
            where = f"{path}:{line_of(('rules', i, 'id'), lines)}"
            if rule.id in seen:
                problems.append(f"{where}: duplicate rule id {rule.id} (first defined at {seen[rule.id]})")
            else:
                seen[rule.id] = where
        if pack is not None:
            packs.append(pack)
    if problems:
        raise RuleError(problems)
    return RuleSet(packs=tuple(packs), files=tuple(paths), digest=digest.hexdigest())
