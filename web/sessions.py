"""Per-browser state on the server: the plan opened, its edits, variants and jobs.

A browser gets a random session id in a cookie; everything else stays on the
server, so several planners using one server never see each other's edits.
Sessions, jobs and uploads are bounded: the least recently used session is
dropped (with its uploaded files) when there are too many.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from trainplan.models.loader import LoadedScenario
from trainplan.reports.i18n import Lang
from trainplan.web.edits import value_text
from trainplan.web.jobs import Job

#: Sessions kept at once; the least recently used is dropped beyond this.
MAX_SESSIONS = 200
#: Jobs remembered per session (the oldest finished ones are forgotten).
MAX_JOBS = 20
#: The variant with no changes.
BASE = "base"
_VARIANT_NAME = re.compile(r"[\w.-]{1,60}")


@dataclass
class Opened:
    """A scenario file opened on the page, loaded without edits."""

    loaded: LoadedScenario
    shown: str
    #: The effective scenario's data: what edits apply to.
    base: dict
    #: Whether a downloaded scenario can extend the file (a YAML file the planner has).
    yaml: bool


@dataclass
class Session:
    """One browser's work: the plan, the edits being made, named variants, jobs."""

    id: str
    folder: Path
    lang: Lang = "en"
    opened: Opened | None = None
    edits: dict[str, str] = field(default_factory=dict)
    variant: str = BASE
    variants: dict[str, dict[str, str]] = field(default_factory=dict)
    jobs: OrderedDict[str, Job] = field(default_factory=OrderedDict)
    solved: str | None = None
    #: The uploaded staff register (`solve --staff`): where it is kept, and its name.
    staff: tuple[Path, str] | None = None

    def open(self, opened: Opened) -> None:
        """Start on a newly opened file: no edits; the file's own variants become variants."""
        self.opened, self.edits, self.variant, self.solved = opened, {}, BASE, None
        self.staff = None
        self.variants = {BASE: {}} | {
            name: {k: value_text(v) for k, v in variant.changes.items()}
            for name, variant in opened.loaded.variants.items()}

    def add_job(self, job: Job) -> Job:
        """Remember a job, forgetting the oldest finished ones beyond MAX_JOBS."""
        self.jobs[job.id] = job
        while len(self.jobs) > MAX_JOBS:
            old = next((j for j in self.jobs.values()
                        if j.finished is not None and j.id != self.solved), None)
            if old is None:
                break
            del self.jobs[old.id]
        return job

    def busy(self) -> bool:
        """Whether the session already has MAX_JOBS jobs unfinished."""
        return sum(j.finished is None for j in self.jobs.values()) >= MAX_JOBS

    def save_variant(self, name: str) -> bool:
        """Keep the current edits under `name`; False when the name is not allowed."""
        if not _VARIANT_NAME.fullmatch(name) or name == BASE:
            return False
        self.variants[name] = dict(self.edits)
        self.variant = name
        return True

    def open_variant(self, name: str) -> None:
        """Make a variant's edits the current ones."""
        self.edits = dict(self.variants[name])
        self.variant = name


class Sessions:
    """Every browser's session, by id, bounded in number."""

    def __init__(self, root: Path):
        """Keep sessions' uploaded files under `root`."""
        self.root = root
        self._lock = threading.Lock()
        self._all: OrderedDict[str, Session] = OrderedDict()

    def get(self, sid: str | None) -> Session | None:
        """The session of a cookie value, if the server knows it."""
        with self._lock:
            session = self._all.get(sid or "")
            if session is not None:
                self._all.move_to_end(session.id)
            return session

    def new(self) -> Session:
        """A new session with a random id (dropping the least recently used beyond the cap)."""
        sid = secrets.token_urlsafe(24)
        session = Session(sid, self.root / sid)
        with self._lock:
            self._all[sid] = session
            while len(self._all) > MAX_SESSIONS:
                _, old = self._all.popitem(last=False)
                shutil.rmtree(old.folder, ignore_errors=True)
        return session
