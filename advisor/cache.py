"""A cache of compiled rule books, keyed on the rule files' content, in the user's cache folder.

Loading YAML and building the matcher's index costs far more than answering a message, so a
compiled rule book is kept as a pickle named after a hash of every rule file and the bundled
safety rules (their content), advisor's own code (size and time) and the Python version. Edit
a file and the key changes; a cache file that is unreadable, damaged, not the user's own, or
writable by others is ignored and rebuilt. Deleting the folder is always safe. Set
ADVISOR_NO_CACHE=1 to skip it.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor import storage

if TYPE_CHECKING:
    from importlib.abc import Traversable

FORMAT = b"advisor-cache-1\n"
KEEP = 8
"""How many compiled rule books to keep; older ones are removed."""


def enabled() -> bool:
    """False when ADVISOR_NO_CACHE is set to anything but 0 or empty."""
    return os.environ.get("ADVISOR_NO_CACHE", "") in ("", "0")


def _files(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if len(prefix) < 200:  # a symlink loop must not recurse forever
                found += _files(entry, name + "/")
        elif entry.name.endswith((".yaml", ".yml")):
            found.append((name, entry))
    return found


def key(root: Traversable, bundled: Traversable | None) -> str:
    """A hash of everything a compiled rule book depends on: its files, the bundled rules
    (for a book of one's own, whose screen is built with them), advisor's code and the
    Python version."""
    try:  # blake2 without loading OpenSSL, which costs more than the rest of this function
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - another Python implementation
        from hashlib import blake2b
    digest = blake2b(FORMAT + sys.version.encode(), digest_size=32)
    code = Path(__file__).resolve().parent
    for source in sorted(code.glob("*.py")):
        # advisor's own code changes only when it is reinstalled: its size and time will do
        info = source.stat()
        digest.update(f"{source.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    extra = _files(bundled, "<bundled>/") if bundled is not None else []
    for name, item in [*_files(root), *extra]:
        digest.update(name.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


def load(digest: str) -> Any | None:
    """The compiled rule book stored under this key, or None if there is none to trust."""
    path = storage.cache_dir() / f"rules-{digest[:40]}.pickle"
    try:
        info = path.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return None
        data = path.read_bytes()
        if not data.startswith(FORMAT + digest.encode() + b"\n"):
            return None
        return pickle.loads(data[len(FORMAT) + len(digest) + 1 :])
    except Exception:  # a missing or damaged cache is simply rebuilt
        return None


def save(digest: str, value: Any) -> None:
    """Store a compiled rule book; any failure leaves things as they were."""
    try:
        folder = storage.private_dir(storage.cache_dir())
        payload = FORMAT + digest.encode() + b"\n" + pickle.dumps(value, protocol=5)
        storage.write_atomically(folder / f"rules-{digest[:40]}.pickle", payload)
        old = sorted(folder.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, RecursionError):
        pass
