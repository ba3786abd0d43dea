"""advisor: rule-based dating advice drawn from an advice column."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from advisor.engine import Advice, Advisor
from advisor.errors import AdvisorError, Problem, RuleError, UsageError, Where

try:
    __version__ = version("advisor")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

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
