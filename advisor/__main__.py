"""`advise` and `python -m advisor`: quiet on Ctrl-C from the first instant."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted(signum: int, frame: FrameType | None) -> None:
    # Ctrl-C ends a one-shot run at once and quietly, even while modules are still loading.
    sys.stderr.write("\n")
    sys.stderr.flush()
    os._exit(130)


def main() -> None:
    """Run the `advise` command."""
    signal.signal(signal.SIGINT, _interrupted)
    from advisor.cli import main as run

    run()


if __name__ == "__main__":
    main()
