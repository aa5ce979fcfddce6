"""Checking in the background: uploaded batches, the watched inbox and LLM reviews, one job at a time.

A job is a `triage.run` over stored files, on one worker thread with its own store connection, so every
result lands in the store the CLI uses, chunk by chunk, and the queue table follows. Its progress (files,
forms, forms/s, ETA) is read by the pages while it runs.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ziping import queue_table, triage
from ziping.checks import Checker, expand
from ziping.store import Store
from ziping.web.uploads import Blobs, Refused

if TYPE_CHECKING:
    from ziping.llm.settings import LLMSettings

JOBS_KEPT = 200
REFRESH_SECONDS = 2.0  # finished jobs remembered for their pages; older ones are forgotten (their results are stored)


@dataclass(slots=True)
class Job(triage.Progress):
    """One background run and how far it is."""

    id: str
    kind: str  # "check" | "llm"
    sources: list[triage.Source]
    refused: list[Refused] = field(default_factory=list)
    files: int = 0  # files to check (those the store already holds need no work)
    done_files: int = 0
    done_forms: int = 0
    state: str = "waiting"  # waiting | running | done | failed
    error: str = ""
    started: float | None = None
    finished: float | None = None
    stats: triage.RunStats | None = None
    llm_line: str = ""
    unreadable: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (file, its error finding)

    def start(self, files: int) -> None:
        self.files = files
        self.started = time.monotonic()

    def advance(self, files: int, forms: int) -> None:
        self.done_files += files
        self.done_forms += forms

    def view(self) -> dict[str, Any]:
        """The job as its page and its JSON show it."""
        elapsed = ((self.finished or time.monotonic()) - self.started) if self.started else 0.0
        rate = self.done_forms / elapsed if elapsed > 0 else 0.0
        per_file = elapsed / self.done_files if self.done_files else None
        left = self.files - self.done_files
        stats = self.stats
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "files": self.files,
            "done_files": self.done_files,
            "done_forms": self.done_forms,
            "percent": 100 if self.state == "done" else int(100 * self.done_files / self.files) if self.files else 0,
            "forms_per_second": round(rate, 1),
            "eta_seconds": round(per_file * left) if per_file is not None and self.state == "running" else None,
            "checked": stats.checked_files if stats else 0,
            "reused": stats.reused_files if stats else 0,
            "error": self.error,
        }


class Jobs:
    """The queue of jobs and the one thread that runs them (checking is CPU-bound: one at a time)."""

    def __init__(self, db: Path, blobs: Blobs, checker: Checker, llm: LLMSettings | None = None) -> None:
        self.db, self.blobs, self.checker, self.llm = db, blobs, checker, llm
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._todo: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="ziping-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._todo.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def submit(self, kind: str, sources: list[triage.Source], refused: list[Refused] = ()) -> Job:
        job = Job(f"{next(self._ids)}-{os.urandom(4).hex()}", kind, sources, list(refused))
        job.files = len(sources)
        with self._lock:
            self.jobs[job.id] = job
            while len(self.jobs) > JOBS_KEPT:
                oldest = next(iter(self.jobs))
                if self.jobs[oldest].state in ("waiting", "running"):
                    break
                self.jobs.pop(oldest)
        self._todo.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self.jobs.get(job_id)

    def active(self) -> list[Job]:
        with self._lock:
            return [job for job in self.jobs.values() if job.state in ("waiting", "running")]

    def busy(self) -> bool:
        """Whether jobs are waiting or running (the queue table is then refreshed here, not by page views)."""
        return self._todo.unfinished_tasks > 0

    def _work(self) -> None:
        store = Store(self.db)
        refreshed = time.monotonic()
        try:
            while (job := self._todo.get()) is not None:
                try:
                    self._run(job, store)
                    # Renumbering the queue costs about as much as checking a batch: once the jobs waiting are
                    # done, or every REFRESH_SECONDS while they keep coming, so the queue page follows.
                    if self._todo.qsize() == 0 or time.monotonic() - refreshed > REFRESH_SECONDS:
                        queue_table.refresh(store)
                        refreshed = time.monotonic()
                    job.state = "done"
                except Exception as exc:  # noqa: BLE001 -- one failed job must not stop the others
                    job.state, job.error = "failed", type(exc).__name__
                finally:
                    job.finished = time.monotonic()
                    self._todo.task_done()
            self._todo.task_done()
        finally:
            store.close()

    def _run(self, job: Job, store: Store) -> None:
        job.state = "running"
        if job.kind == "llm":
            self._review(job, store)
        else:
            job.stats = triage.run(job.sources, store, self.checker, workers=1, progress=job)
        for entry in store.files([s.path for s in job.sources if s.content_sha256]).values():
            error = json.loads(entry.payload)["error"] if entry.payload is not None else None
            if error is not None:
                job.unreadable.append((triage.shown_path(entry.path), error))

    def _review(self, job: Job, store: Store) -> None:
        """The LLM checks on the job's files: the rules again (cheap) and one review session for the job."""
        from ziping.llm.batch import Reviewer
        from ziping.reports.contract import llm_line

        reviewer = Reviewer(self.llm, frozenset(r.code for r in self.checker.rules), show_progress=False)
        try:
            job.stats = triage.run(
                job.sources, store, self.checker, workers=1, progress=job, llm=self.llm, reviewer=reviewer
            )
            job.llm_line = llm_line(reviewer.total, "zh")
        finally:
            reviewer.close()


class InboxWatcher:
    """Looks at a folder every few seconds and sends what is new or changed to the jobs (their content
    copied into the data folder first, so downloads and reports never depend on the inbox staying put)."""

    def __init__(self, inbox: Path, jobs: Jobs, blobs: Blobs, every: float) -> None:
        self.inbox, self.jobs, self.blobs, self.every = inbox, jobs, blobs, every
        self._seen: dict[str, tuple[int, int, str | None]] = {}  # path → (mtime_ns, size, sha)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="ziping-inbox", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=10)
            self._thread = None

    def scan(self) -> list[triage.Source]:
        """The inbox's files whose content is new or changed since the last scan (hashed only when touched)."""
        changed: list[triage.Source] = []
        for found in expand([self.inbox]):
            full = os.path.abspath(found.path)
            try:
                info = os.stat(full)
            except OSError:
                info = None
            stamp = (info.st_mtime_ns, info.st_size) if info else (0, 0)
            known = self._seen.get(full)
            if known is not None and known[:2] == stamp:
                continue
            sha = None if found.problem else triage.hash_file(full)
            self._seen[full] = (*stamp, sha)
            if sha is not None:
                try:
                    self.blobs.put(Path(full).read_bytes())
                except OSError:
                    continue
            changed.append(triage.Source(str(found.path), full, sha, True, found.problem))
        return changed

    def _loop(self) -> None:
        while not self._stop.is_set():
            changed = self.scan()
            if changed:
                job = self.jobs.submit("check", changed)
                while job.state in ("waiting", "running") and not self._stop.is_set():
                    time.sleep(0.2)
            self._stop.wait(self.every)
