"""Shared fixtures: one loaded advisor, a CLI helper, and throwaway rule books."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor import Advisor
from advisor.cli import ExitStatus, app
from advisor.storage import bundled_rules

# Nothing a test run does may touch the real home folder: caches, history and
# transcripts go to a folder of this run's own.
_HOME = tempfile.mkdtemp(prefix="advisor-tests-")
os.environ["XDG_CACHE_HOME"] = os.path.join(_HOME, "cache")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")

REPO = Path(__file__).resolve().parent.parent
COLUMN = REPO.parent / "shared" / "seeds" / "000_543b9c675afbad69.txt"


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    """The bundled rule book, loaded once."""
    return Advisor()


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the bundled rules with some files replaced by inline YAML."""

    def make(**files: str) -> Path:
        root = tmp_path / "book"
        shutil.copytree(str(bundled_rules()), root)
        for name, text in files.items():
            path = root / name.replace("__", "/").replace("_", "-").replace("-yaml", ".yaml")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


class Cli:
    """Runs `advise` in-process and fails loudly on an unexpected exit code."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = ExitStatus.OK, stdin: str | None = None) -> str:
        result = self.runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output


@pytest.fixture
def cli() -> Cli:
    return Cli()
