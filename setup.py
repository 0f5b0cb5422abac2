"""Build step: copy the top-level ``rules/`` and ``corpora/`` into the built package as ``screener/bundled/``.

The metadata lives in ``pyproject.toml``; this file only adds the copy, so that a wheel carries the default
rule packs, policies, employer profiles and demo corpora as package data while the top-level directories stay
their one source (nothing is duplicated in the repository). An editable install needs no copy: it reads the
checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("rules", "corpora")


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") or n == "__pycache__" or n.endswith((".pyc", "-journal", "-wal"))}


class BuildPyWithBundledData(build_py):
    """``build_py`` that also copies ``rules/`` and ``corpora/`` under ``screener/bundled/`` in the build tree."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in BUNDLED:
            source = ROOT / name
            if not source.is_dir():
                raise FileNotFoundError(f"{name}/ is missing from the source tree; it is the package's default data")
            target = Path(self.build_lib) / "screener" / "bundled" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(source, target, ignore=_ignore)


setup(cmdclass={"build_py": BuildPyWithBundledData})
