"""advisor: rule-based dating advice drawn from an advice column.

`from advisor import Advisor` is the whole API; importing the package itself loads nothing
else, so the `advise` command starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.engine import Advice, Advisor
    from advisor.errors import AdvisorError, Problem, RuleError, Where

__all__ = [
    "Advice",
    "Advisor",
    "AdvisorError",
    "Problem",
    "RuleError",
    "Where",
    "__version__",
]

_HOMES = {
    "Advice": "advisor.engine",
    "Advisor": "advisor.engine",
    "AdvisorError": "advisor.errors",
    "Problem": "advisor.errors",
    "RuleError": "advisor.errors",
    "Where": "advisor.errors",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("advisor")
        except PackageNotFoundError:  # a checkout that was never installed
            return "0.0.0"
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")
