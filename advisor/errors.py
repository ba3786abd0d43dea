"""The exceptions advisor raises for problems a user or a rule author can cause."""

from __future__ import annotations

from typing import NamedTuple


class AdvisorError(Exception):
    """Base class for every error advisor reports to a person instead of a traceback."""


class Where(NamedTuple):
    """A place in the rule book: a file as the author sees it, and a line (1-based, 0 if none)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Problem(NamedTuple):
    """One thing wrong with a rule book, where it is, and what to do about it."""

    where: Where
    problem: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        text = f"{self.where}: {kind}{self.problem}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class RuleError(AdvisorError):
    """A rule book did not load. Fix each listed problem at the file and line it names."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = [p for p in problems if not p.warning]
        super().__init__("\n".join(str(p) for p in self.problems))
