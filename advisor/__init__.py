"""advisor: rule-based dating advice drawn from an advice column."""

from __future__ import annotations

from typing import Any

from advisor.engine import Advice, Advisor
from advisor.errors import AdvisorError, Problem, RuleError, UsageError, Where


def __getattr__(name: str) -> Any:
    # The version is looked up only when asked for: importlib.metadata is slow to import.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("advisor")
        except PackageNotFoundError:  # a checkout that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")


__all__ = [
    "Advice",
    "Advisor",
    "AdvisorError",
    "Problem",
    "RuleError",
    "UsageError",
    "Where",
    "__version__",
]
