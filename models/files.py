"""Files written whole or not at all: temporary files beside the targets, renamed at the end.

Nothing a user wrote or produced is half-written: every writer of the project
goes through `write_all` (several files, all or none) or `write_atomic` (one).
The renames of one run are not split by Ctrl-C: the signal is held until they
are done, then delivered.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _new_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones created, outermost first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()][::-1]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _temporary(path: Path, data: bytes) -> Path:
    """`data` in a temporary file beside `path`, with the usual permissions (0666 - umask)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def as_bytes(content: str | bytes) -> bytes:
    """File content as bytes: text as UTF-8 with the line endings it has."""
    return content.encode("utf-8") if isinstance(content, str) else content


def write_all(files: Mapping[Path, str | bytes], remove: list[Path] | tuple = ()) -> None:
    """Write every file or none: each to a temporary beside it first, all renamed at the end.

    If any temporary cannot be written, the others and any folder made for them are
    removed and the error raised: no file changes. `remove` names files of an earlier
    run that the new ones would contradict; they are deleted after the renames.
    """
    made: list[Path] = []
    temps: list[tuple[Path, Path]] = []
    try:
        for path, content in files.items():
            data = as_bytes(content)
            made += _new_folders(path.parent)
            temps.append((_temporary(path, data), path))
    except BaseException:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    with _uninterrupted():
        for tmp, path in temps:
            os.replace(tmp, path)
        for path in remove:
            path.unlink(missing_ok=True)


_HELD = (signal.SIGINT, signal.SIGTERM)


def _hold(caught: list[int], signum: int, _frame: object) -> None:
    caught.append(signum)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) back until the block ends, then deliver them.

    So the renames of one run finish together. Signals are handled in the main
    thread only, so elsewhere this holds nothing (and needs to hold nothing).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    before = {sig: signal.signal(sig, functools.partial(_hold, caught)) for sig in _HELD}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in caught:
            signal.raise_signal(sig)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write one file whole or not at all: a temporary file renamed into place."""
    write_all({path: content})
