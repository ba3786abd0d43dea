"""Where advisor's files are: its bundled rules, and the user's folders it may write to
(owner-only files, written atomically)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable

APP = "advisor"


def bundled_rules() -> Traversable:
    """The rule book shipped inside the package, or the checkout's `rules/` when run from source."""
    here = Path(__file__).resolve().parent
    if (here / "rules").is_dir():  # an installed wheel on disk: no need to ask importlib
        return here / "rules"
    from importlib import resources

    packaged = resources.files("advisor") / "rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


def data_dir() -> Path:
    """The user's data folder for advisor (XDG_DATA_HOME, or ~/.local/share), not created."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP


def cache_dir() -> Path:
    """The user's cache folder for advisor (XDG_CACHE_HOME, or ~/.cache), not created."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP


def history_file() -> Path:
    """Where `advise chat --keep-history` keeps the input history."""
    return data_dir() / "history"


def transcripts_dir() -> Path:
    """Where `/save` puts transcripts when no file is named."""
    return data_dir() / "transcripts"


def forget() -> list[Path]:
    """Delete everything advisor has stored for this user; return what was removed."""
    removed: list[Path] = []
    for root in (data_dir(), cache_dir()):
        if not root.is_dir():
            continue
        files = sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())
        for path in files:
            path.unlink()
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
            folder.rmdir()
        root.rmdir()
        removed += files
    return removed


def private_dir(path: Path) -> Path:
    """Create a folder (and its parents) readable by its owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create an empty owner-only file if it is missing, in an owner-only folder."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    path.chmod(0o600)
    return path


def write_atomically(path: Path, text: str | bytes) -> Path:
    """Write a whole file or nothing: a crash mid-write leaves any older file as it was."""
    import tempfile  # only when writing: start-up stays fast

    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
