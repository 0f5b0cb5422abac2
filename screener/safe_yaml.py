"""The one YAML loader of the tool: every rule pack, policy, policy layer, employer profile and config file
is parsed here.

PyYAML's ``SafeLoader`` refuses arbitrary objects but not an alias bomb ("billion laughs": nine levels of
``&a [*x, *x, ...]`` expand to 10^9 nodes when walked or validated) nor nesting deep enough to exhaust the
recursion limit. This loader refuses, with the file and line:

- any anchor or alias (``&name``, ``*name``): the tool's files never need them, and refusing them outright
  is simpler to reason about than counting expansions;
- more than ``MAX_NODES`` nodes, nesting deeper than ``MAX_DEPTH``, or more than ``MAX_BYTES`` characters.

``compose_file`` returns the node tree (for loaders that map keys to lines); ``load_file`` the plain data.
Both raise ``UnsafeYaml`` (a ``yaml.YAMLError`` with ``problem_mark``) or ``yaml.YAMLError`` on bad syntax,
and ``OSError`` / ``UnicodeDecodeError`` when the file cannot be read; callers turn these into their coded
configuration errors (exit code 2).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_BYTES = 5_000_000


class UnsafeYaml(yaml.MarkedYAMLError):
    """A YAML document this loader refuses (anchor, alias, too many nodes, too deep, too large)."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses anchors and aliases and counts nodes and depth."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:  # type: ignore[override]
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise UnsafeYaml(f"alias *{event.anchor} refused (anchors and aliases are not allowed)",
                             event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise UnsafeYaml(f"anchor &{anchor} refused (anchors and aliases are not allowed)", event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise UnsafeYaml(f"more than {MAX_NODES} nodes", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise UnsafeYaml(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


def read_text(path: Path) -> str:
    """The UTF-8 text of a regular file; OSError for anything else (a FIFO is never opened for a blocking read)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, f"{path} is not a regular file")
        data = handle.read(MAX_BYTES * 4 + 1)
    return data.decode("utf-8")


def _text(path: Path) -> str:
    return read_text(path)


def compose_text(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (None when empty), within the bounds above."""
    if len(text) > MAX_BYTES:
        raise UnsafeYaml(f"document of {len(text)} characters exceeds the {MAX_BYTES}-character limit", None)
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def compose_file(path: Path) -> yaml.Node | None:
    return compose_text(_text(path))


def construct(node: yaml.Node) -> Any:
    """Plain Python data (dict, list, str, int, float, bool, None, date) of a node from ``compose_*``."""
    constructor = yaml.SafeLoader("")
    try:
        return constructor.construct_document(node)
    finally:
        constructor.dispose()  # type: ignore[no-untyped-call]


def load_text(text: str) -> Any:
    node = compose_text(text)
    return None if node is None else construct(node)


def load_file(path: Path) -> Any:
    """Plain data of one YAML file, within the bounds above."""
    return load_text(_text(path))


def line_of(exc: BaseException) -> int:
    """The 1-based line a YAML error points at (1 when it names none)."""
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else 1


def problem_of(exc: BaseException) -> str:
    """The error's problem without the parser's echo of the document (which can hold file content)."""
    return str(getattr(exc, "problem", None) or exc.__class__.__name__)
