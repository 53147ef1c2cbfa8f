"""Files the core writes and the fingerprint that names what produced them.

Atomic writing (a temporary file beside the target, renamed into place, with
Ctrl-C held back during the renames) and the scenario hash are shared by the
reports and the sweeps, so neither needs the other. No solver, no pandas.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a scenario is only read here, through its own dump
    from trainplan.models.scenario import Scenario


def scenario_hash(sc: Scenario) -> str:
    """A short fingerprint of the effective scenario (what produced a number)."""
    canonical = json.dumps(sc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    # surrogatepass: a fingerprint even of text no file can hold (writers refuse it later)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


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
