"""Triage: check a batch incrementally into the store, then rank every form by risk into queue rows.

A file is checked only when no result is stored under its key (content hash + rule-set version +
profile + prompt versions + model). Checking runs in a process pool for large batches; the parent
writes each finished chunk to the store in its own transaction, so an interrupted run keeps
everything it finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ziping import __version__
from ziping.checks import Checker, FileResult, FormResult, expand, internal_error, tune_gc_for_batch
from ziping.files import Found
from ziping.findings import Finding, Severity
from ziping.llm.reasons import status_text
from ziping.llm.usage import tokens_of
from ziping.readers import STREAM_FROM
from ziping.reports.contract import finding_json, form_json
from ziping.risk import assess, weight_of
from ziping.rules import REGISTRY
from ziping.store import Checked, FileEntry, Mark, Store, absolute, form_id

if TYPE_CHECKING:
    from ziping.llm.batch import Reviewer
    from ziping.llm.settings import LLMSettings

# Without --llm the prompt versions and model are empty in the key, so results checked without the
# LLM layer are never mistaken for results checked with it.
PROMPT_VERSIONS = ""
MODEL = ""
CHUNK = 32  # files per pool task: large enough to amortise pickling, small enough to stream
PART_FORMS = 256  # forms of a large file stored (and reviewed) together
PARALLEL_FROM = 200  # below this many files to check, a pool's start-up costs more than it saves

LLM_STATUS = {
    "zh": {"skipped": "未启用", "ok": "已完成", "cached": "已完成（缓存）", "failed": "失败"},
    "en": {"skipped": "skipped", "ok": "done", "cached": "done (cached)", "failed": "failed"},
}
LLM_STOPPED = {"zh": "未检查", "en": "not reviewed"}  # skipped with a reason: the run's circuit breaker was open


def llm_status_label(form: dict[str, Any], lang: str) -> str:
    """A stored form's LLM status as a reviewer reads it, with its reason in the reviewer's language."""
    status = form.get("llm_status", "skipped")
    if lang == "en":
        status = form.get("llm_status_en", status)
    head, _, why = status.partition(":")
    head, why = head.strip(), why.strip()
    label = LLM_STOPPED[lang] if head == "skipped" and why else LLM_STATUS[lang].get(head, status)
    return f"{label}（{why}）" if why and lang == "zh" else f"{label} ({why})" if why else label


STATUS_LABELS = {
    "zh": {"reviewed": "已审阅", "returned": "已退回", "accepted": "已通过", None: "待审阅"},
    "en": {"reviewed": "reviewed", "returned": "returned", "accepted": "accepted", None: "pending"},
}

# Assumptions of the --dry-run estimate: one call per form; tokens of the text as llm/usage.tokens_of counts them.
PROMPT_TOKENS_PER_CALL = 1_200  # instructions, output schema and the deterministic facts
OUTPUT_TOKENS_PER_CALL = 600  # a structured answer with a few quoted findings


@dataclass(frozen=True, slots=True)
class KeyParts:
    """Everything besides the content that decides a stored result."""

    ruleset: str
    profile: str
    prompt_versions: str = PROMPT_VERSIONS
    model: str = MODEL

    def key(self, content_sha256: str) -> str:
        parts = (content_sha256, self.ruleset, self.profile, self.prompt_versions, self.model)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def as_dict(self) -> dict[str, str]:
        return {
            "ruleset": self.ruleset,
            "profile": self.profile,
            "prompt_versions": self.prompt_versions,
            "model": self.model,
        }


def key_parts(checker: Checker, llm: LLMSettings | None = None) -> KeyParts:
    """The rule-set version (the tool's version and the selected rules), the profile, and the LLM in use."""
    rules = ",".join(f"{rule.code}:{rule.severity.value}" for rule in sorted(checker.rules, key=lambda r: r.code))
    ruleset = hashlib.sha256(f"{__version__}|{rules}".encode()).hexdigest()[:16]
    # The profile's content, not only its name: an edited TOML file must invalidate its results.
    profile = checker.profile
    profile_hash = hashlib.sha256(profile.model_dump_json().encode()).hexdigest()[:12]
    # Without --profile a form whose layout names a profile is scored by that one: another key.
    profile_id = f"{profile.name}@{profile_hash}" + ("" if checker.profile_chosen else "+layout")
    if llm is None or not llm.enabled:
        return KeyParts(ruleset, profile_id)
    from ziping.llm.prompts import load_prompt

    prompt = load_prompt("review")
    return KeyParts(ruleset, profile_id, f"{prompt.version}@{prompt.digest}", llm.model or "")


@dataclass(slots=True)
class Source:
    """One file of the batch: its path as shown, its absolute path and its content hash."""

    shown: str
    path: str
    content_sha256: str | None  # None: not a regular file that could be opened
    walked: bool = False  # met while walking a folder: a file there that holds no form is skipped
    problem: tuple[str, str] | None = None  # why it cannot be opened (a dangling link, a loop)


def hash_file(path: str) -> str | None:
    """sha256 of a regular file's content, or None when it cannot be read (the checker says why)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the batch forever
            return None
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()  # read a piece at a time, never whole
    except OSError:
        return None


def sources(paths: Sequence[str | Path]) -> list[Source]:
    """The batch's files, hashed, each file once."""
    seen: set[str] = set()
    out = []
    for found in expand(paths):
        full = absolute(found.path)
        if full not in seen:
            seen.add(full)
            sha = None if found.problem else hash_file(full)
            out.append(Source(str(found.path), full, sha, found.walked, found.problem))
    return out


def _record(finding: Finding) -> dict[str, Any]:
    """A finding as stored: the contract's record in Chinese plus the English message and place."""
    rule = REGISTRY[finding.code]
    record = finding_json(finding, "zh")
    record["message_en"] = rule.message(finding, "en")
    record["formula_en"] = rule.formula(finding, "en")
    record["where"] = finding.location.describe("zh") if finding.location else ""
    record["where_en"] = finding.location.describe("en") if finding.location else ""
    return record


def payload(result: FileResult, forms: Iterable[FormResult] | None = None) -> str:
    """A checked file as stored (both languages, so exports in either need no re-check), each form made ready as
    it is checked; `forms`: those to store with it, by default all (a large file's go in parts, `stored_form`)."""
    records = ",".join(_compact(stored_form(form)) for form in (result.stream() if forms is None else forms))
    error = _compact(_record(result.error)) if result.error else "null"  # known once the forms are read
    return f'{{"error":{error},"forms":[{records}]}}'


def stored_form(form_result: FormResult) -> dict[str, Any]:
    """A checked form as stored: the contract's record, every finding in both languages."""
    form = form_json(form_result, "zh")
    form["findings"] = [_record(f) for f in form_result.findings]
    form["llm_status_en"] = status_text(form_result.llm_status, form_result.llm_reason, "en")
    return form


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# One checked file: its path, content hash and result.
CheckedFile = tuple[str, str, FileResult]
# One file ready for the store: path, content hash, forms, payload, and whether the result is final.
Stored = tuple[str, str, int, str, bool]

_WORKER_CHECKER: Checker | None = None
_WORKER_RESULTS = False


def _init_worker(checker: Checker, results: bool = False) -> None:
    global _WORKER_CHECKER, _WORKER_RESULTS
    _WORKER_CHECKER = checker
    _WORKER_RESULTS = results
    tune_gc_for_batch()
    # Ctrl-C is the parent's to handle: it lets running chunks finish and stores them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def check_files(paths: Sequence[str], checker: Checker, walked: Collection[str] = ()) -> list[CheckedFile]:
    """Check files; each hashed from the bytes actually checked. A file of `walked` (met in a folder) that
    holds no form comes back skipped."""
    checked: list[CheckedFile] = []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue  # gone since it was hashed: the parent reports it as unreadable
        try:
            result = checker.check_bytes(data, path, walked=path in walked, stream=True)
        except Exception as exc:  # noqa: BLE001 -- a defect on one file must not stop a batch
            result = FileResult(path, error=internal_error(exc))
        checked.append((path, hashlib.sha256(data).hexdigest(), result))
    return checked


def for_store(checked: list[CheckedFile], reviewer: Reviewer | None = None) -> list[Stored]:
    """Checked files reviewed by the LLM (when asked) and made ready for the store.

    A file is final unless the LLM was asked and a form's review failed or was skipped: such a result is
    stored so the queue shows its rule findings, but the next run checks and reviews the file again."""
    if reviewer is not None:
        # The chunk's forms are reviewed together, so the endpoint sees them concurrently.
        reviewer([result for _, _, result in checked])
    stored: list[Stored] = []
    for path, sha, result in checked:
        final = reviewer is None or _reviewed(result)
        counts: Counter[str] = Counter()
        data = None if result.skipped else payload(result.counted(counts))  # the forms checked as they are stored
        # A file that could not be read in full is one row.
        stored.append((path, sha, 0 if result.error else counts["forms"], data, final))  # type: ignore[arg-type]
    return stored


def _reviewed(result: FileResult) -> bool:
    from ziping.llm.run import DONE

    return all(form.llm_status in DONE for form in result.forms)


def check_chunk(paths: Sequence[str], walked: Collection[str] = ()) -> list[Stored] | list[CheckedFile]:
    """A worker's chunk: ready for the store, or only checked when the parent reviews it with the LLM."""
    assert _WORKER_CHECKER is not None
    checked = check_files(paths, _WORKER_CHECKER, walked)
    if _WORKER_RESULTS:  # sent to the parent: every form checked here
        return [(path, sha, result.collect()) for path, sha, result in checked]
    return for_store(checked)


def check_large(
    source: Source, checker: Checker, store: Store, parts: KeyParts, reviewer: Reviewer | None = None
) -> list[Stored]:
    """A large file checked here, form by form, its forms stored `PART_FORMS` at a time as they are checked
    (and reviewed): the file is never held whole. Its result (forms stored in parts) is ready for the store.

    The file is hashed again afterwards: one changed while it was read is checked again from its bytes in
    memory, so a result is always stored under the content it was read from."""
    key = parts.key(source.content_sha256)  # type: ignore[arg-type]
    store.clear_parts(key)
    result = checker.check_file(source.path, walked=source.walked, stream=True)
    forms, final = 0, True
    pending = result.stream()
    while chunk := list(islice(pending, PART_FORMS)):
        checked = FileResult(source.path, forms=chunk)
        if reviewer is not None:
            reviewer([checked])
            final = final and _reviewed(checked)
        store.put_part(key, forms // PART_FORMS, _compact([stored_form(form) for form in checked.forms]))
        forms += len(checked.forms)
    if hash_file(source.path) != source.content_sha256:
        store.clear_parts(key)
        return for_store(check_files([source.path], checker, {source.path} if source.walked else ()), reviewer)
    if result.skipped is not None:
        return [(source.path, source.content_sha256, 0, None, True)]  # type: ignore[list-item]
    forms = 0 if result.error else forms  # a file that could not be read in full is one row, as in for_store
    return [(source.path, source.content_sha256, forms, payload(result, ()), final)]  # type: ignore[list-item]


class Progress:
    """What a run reports while it checks; the CLI draws it, tests count it."""

    def start(self, files: int) -> None: ...

    def advance(self, files: int, forms: int) -> None: ...


@dataclass(slots=True)
class RunStats:
    """What a run did: the counts a test asserts on (checked_files is the checking work)."""

    files: int = 0
    checked_files: int = 0
    checked_forms: int = 0
    reused_files: int = 0
    skipped_files: int = 0  # met in a folder, holding no form: neither stored nor queued
    workers: int = 1


def default_workers(files_to_check: int) -> int:
    """All cores for a large batch, one otherwise."""
    return (os.cpu_count() or 1) if files_to_check > PARALLEL_FROM else 1


def run(
    batch: Sequence[Source],
    store: Store,
    checker: Checker,
    workers: int | None = None,
    progress: Progress | None = None,
    llm: LLMSettings | None = None,
    reviewer: Reviewer | None = None,
) -> RunStats:
    """Check what the store does not hold yet; point every path at its result.

    With a reviewer, worker processes only run the rules: every LLM review happens here, in the reviewer's
    one session, so one circuit breaker, one bound on requests in flight and one learnt mode serve the run.
    A reviewer without the cache (`--no-cache`) re-checks every file instead of reusing stored reviews."""
    progress = progress or Progress()
    parts = key_parts(checker, llm)
    readable = [s for s in batch if s.content_sha256 is not None]
    keys = {s.path: parts.key(s.content_sha256) for s in readable}  # type: ignore[arg-type]
    fresh = reviewer is not None and not reviewer.use_cache
    known = set() if fresh else store.known_keys(set(keys.values()))
    reused = [s for s in readable if keys[s.path] in known]
    todo = [s.path for s in readable if keys[s.path] not in known]
    # The paths of unchanged results are written only when they moved, so an unchanged folder writes nothing.
    current = store.files([s.path for s in reused])
    moved = [
        (s.path, s.content_sha256, keys[s.path])
        for s in reused
        if s.path not in current or current[s.path].result_key != keys[s.path]
    ]
    if moved:
        store.point(moved)  # type: ignore[arg-type]
    # A large file is checked here, its forms stored in parts as they come; the rest in chunks of files.
    large = [s for s in readable if keys[s.path] not in known and _size(s.path) > STREAM_FROM]
    large_paths = {s.path for s in large}
    todo = [path for path in todo if path not in large_paths]
    stats = RunStats(files=len(batch), reused_files=len(reused))
    stats.workers = workers or default_workers(len(todo))
    chunks = [todo[k : k + CHUNK] for k in range(0, len(todo), CHUNK)]

    walked = frozenset(s.path for s in batch if s.walked)

    def save(results: list[Stored]) -> None:
        # A folder's file that holds no form is no submission: it is counted, not stored as a queue row.
        checked = [
            Checked(path, sha, parts.key(sha), forms, data, final) for path, sha, forms, data, final in results if data
        ]
        stats.skipped_files += len(results) - len(checked)
        if checked:
            store.put(checked, parts.as_dict())
        stats.checked_files += len(checked)
        stats.checked_forms += sum(c.forms for c in checked)
        progress.advance(len(results), sum(c.forms for c in checked))

    if stats.workers <= 1 or len(chunks) <= 1:
        stats.workers = 1
        tune_gc_for_batch()
        progress.start(len(todo) + len(large))
        for chunk in chunks:
            save(for_store(check_files(chunk, checker, walked), reviewer))
        for source in large:
            save(check_large(source, checker, store, parts, reviewer))
        return stats
    if reviewer is None:
        _run_pool(chunks, checker, stats.workers, save, lambda: progress.start(len(todo) + len(large)), walked=walked)
    else:
        from ziping.llm.reasons import Reason

        _run_pool(
            chunks, checker, stats.workers, lambda checked: save(for_store(checked, reviewer)),
            lambda: progress.start(len(todo) + len(large)), results=True, walked=walked,
            # Chunks finishing after Ctrl-C are stored with their rule findings, not sent to the model.
            interrupted=lambda: reviewer.stop(Reason.of("interrupted")),
        )  # fmt: skip
    for source in large:
        save(check_large(source, checker, store, parts, reviewer))
    return stats


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # gone since it was hashed: checked with the rest, which report it


def _run_pool(
    chunks: list[list[str]],
    checker: Checker,
    workers: int,
    save: Callable[[Any], None],
    started: Callable[[], None],
    results: bool = False,
    interrupted: Callable[[], None] | None = None,
    walked: frozenset[str] = frozenset(),
) -> None:
    """Chunks through a process pool, a bounded number in flight, each saved as it finishes (`results`:
    workers return checked files for the parent to review, else files ready for the store)."""
    # fork: workers inherit the loaded rules instead of importing them again (spawn costs ~0.4 s each
    # and re-runs the caller's __main__). Python forks all workers at the first submit; that happens
    # before `started` draws the progress bar and before any LLM review starts its event loop and the
    # SDK's threads, so no other thread of ours exists when they fork.
    pool = ProcessPoolExecutor(
        workers, mp_context=get_context("fork"), initializer=_init_worker, initargs=(checker, results)
    )
    pending: set[Future] = set()
    queue = iter(chunks)
    try:
        pool.submit(int).result()
        started()
        while True:
            while len(pending) < workers * 2 and (chunk := next(queue, None)) is not None:
                pending.add(pool.submit(check_chunk, chunk, walked.intersection(chunk)))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                save(future.result())
    except KeyboardInterrupt:
        # Keep what the workers are finishing; drop what has not started.
        if interrupted is not None:
            interrupted()
        for future in pending:
            future.cancel()
        for future in pending:
            if not future.cancelled():
                save(future.result())
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ── the queue ────────────────────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class QueueRow:
    """One row of the queue: a form, or a file that could not be read."""

    rank: int
    form_id: str
    risk: float
    explanation: str
    discrepancy: float
    file: str
    form_index: int | None
    project_code: str | None = None
    project_name: str | None = None
    unit: str | None = None
    year: int | None = None
    declared_total: float | None = None
    computed_total: float | None = None
    declared_grade: str | None = None
    computed_grade: str | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    top: list[str] = field(default_factory=list)
    llm_status: str = ""
    status: str | None = None
    status_label: str = ""
    note: str = ""
    changed_at: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    content_sha256: str | None = None
    duplicates: str = ""  # the other files of the queue with the same content: copies, each its own submission
    path: str = ""  # the file as stored (absolute): ranks tie-break on it, wherever the queue is read from

    @property
    def unreadable(self) -> bool:
        return self.form_index == 0


def shown_path(path: str) -> str:
    """A stored absolute path as a reviewer reads it: relative to the current folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


def _finding_view(record: dict[str, Any], lang: str) -> dict[str, Any]:
    en = lang == "en"
    return {
        "code": record["code"],
        "severity": record["severity"],
        "severity_label": Severity(record["severity"]).label(lang),
        "field": record["field"],
        "declared": record["declared"],
        "expected": record["expected"],
        "message": record["message_en"] if en else record["message"],
        "where": record["where_en"] if en else record["where"],
        "origin": record.get("origin", "rule"),
    }


def _line(view: dict[str, Any], lang: str) -> str:
    where = view["where"]
    suffix = (f"（{where}）" if lang == "zh" else f" ({where})") if where else ""
    return f"{view['severity_label']} {view['code']} {view['message']}{suffix}"


def _row(
    stored: str,
    path: str,
    content_sha256: str | None,
    index: int,
    form: dict[str, Any] | None,
    records: list[dict[str, Any]],
    changed_at: str | None,
    lang: str,
) -> QueueRow:
    risk = assess(records)
    views = [_finding_view(r, lang) for r in records]
    # The top findings are the heaviest; among equals the form's own order (errors first) stays.
    heaviest = sorted(range(len(records)), key=lambda k: -weight_of(records[k]).weight)[:3]
    counts = {s: sum(1 for r in records if r["severity"] == s) for s in ("error", "warning", "info")}
    row = QueueRow(
        rank=0,
        form_id=form_id(content_sha256, stored, index) if content_sha256 else "",
        risk=risk.score,
        explanation=risk.explain(lang),
        discrepancy=risk.discrepancy,
        file=path,
        form_index=index,
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        top=[_line(views[k], lang) for k in heaviest],
        llm_status=llm_status_label(form or {}, lang),
        changed_at=changed_at,
        findings=views,
        content_sha256=content_sha256,
        path=stored,
    )
    if form is not None:
        row.project_code = form["project_code"]
        row.project_name = form["project_name"]
        row.unit = form["implementing_unit"]
        row.year = form["year"]
        row.declared_total = form["declared"]["total_score"]
        row.computed_total = form["computed"]["total_score"]
        row.declared_grade = form["declared"]["grade"]
        row.computed_grade = form["computed"]["grade"]
    return row


def rows_of_file(
    path: str, content_sha256: str | None, data: dict[str, Any], changed_at: str | None, lang: str
) -> list[QueueRow]:
    """A stored file's rows (path as stored: absolute): one per form, or one for the file when it could not be read."""
    shown = shown_path(path)
    if data["error"] is not None:
        return [_row(path, shown, content_sha256, 0, None, [data["error"]], changed_at, lang)]
    return [
        _row(path, shown, content_sha256, form["index"], form, form["findings"], changed_at, lang)
        for form in data["forms"]
    ]


def rank(rows: list[QueueRow], marks: dict[str, Mark], lang: str) -> list[QueueRow]:
    """Unreadable files first, then by risk, ties by discrepancy; marks attached; ranks numbered."""
    # The same order as the store's queue table (queue_table.RANK_ORDER), so the web queue numbers rows alike.
    rows.sort(key=lambda r: (not r.unreadable, -r.risk, -r.discrepancy, r.path, r.form_index or 0))
    for k, row in enumerate(rows, start=1):
        row.rank = k
        attach_mark(row, marks.get(row.form_id), lang)
    return rows


def attach_mark(row: QueueRow, mark: Mark | None, lang: str) -> None:
    """Show a reviewer's mark (or none: pending) on a row."""
    row.status = mark.status if mark else None
    row.status_label = STATUS_LABELS[lang][row.status]
    row.note = mark.note if mark else ""


def queue_rows(
    entries: Iterable[FileEntry],
    marks: dict[str, Mark],
    lang: str = "zh",
    extra: Iterable[QueueRow] = (),
) -> list[QueueRow]:
    """The ranked queue from stored files (and rows for files the store could not hold)."""
    rows = list(extra)
    for entry in entries:
        if entry.payload is None:
            continue
        data = json.loads(entry.payload)
        rows.extend(rows_of_file(entry.path, entry.content_sha256, data, entry.changed_at, lang))
        for part in entry.parts if data["error"] is None else ():  # a large file's forms, a part at a time
            forms = {"error": None, "forms": json.loads(part)}
            rows.extend(rows_of_file(entry.path, entry.content_sha256, forms, entry.changed_at, lang))
    _point_out_duplicates(rows, lang)
    return rank(rows, marks, lang)


def _point_out_duplicates(rows: list[QueueRow], lang: str) -> None:
    """Name, on each row, the other files that hold the very same content (the same form sent twice)."""
    files: dict[str, set[str]] = {}
    for row in rows:
        if row.content_sha256:
            files.setdefault(row.content_sha256, set()).add(row.file)
    separator = ", " if lang == "en" else "、"
    for row in rows:
        others = sorted(files.get(row.content_sha256 or "", set()) - {row.file})
        row.duplicates = separator.join(others)


def select_rows(rows: list[QueueRow], since: datetime | None = None, status: str | None = None) -> list[QueueRow]:
    """The rows new since a time and/or with one reviewer status ("pending": not marked); ranks kept."""
    if since is not None:
        stamp = since.isoformat(timespec="microseconds")
        rows = [r for r in rows if r.changed_at is None or r.changed_at >= stamp]
    if status is not None:
        wanted = None if status == "pending" else status
        rows = [r for r in rows if r.status == wanted]
    return rows


def unread_rows(batch: Sequence[Source], checker: Checker, lang: str) -> list[QueueRow]:
    """Rows for files that could not even be opened (missing, not regular): checked here, never stored."""
    rows = []
    for source in batch:
        if source.content_sha256 is None:
            result = checker.check_found(Found(Path(source.path), source.walked, source.problem))
            data = json.loads(payload(result))
            rows.extend(rows_of_file(source.path, None, data, None, lang))
    return rows


def triage_rows(batch: Sequence[Source], store: Store, checker: Checker, lang: str) -> list[QueueRow]:
    """The ranked queue of one batch, read back from the store (a folder's files that hold no form are not in it)."""
    entries = store.files([s.path for s in batch if s.content_sha256 is not None])
    return queue_rows(entries.values(), store.marks(), lang, unread_rows(batch, checker, lang))


# ── the dry run ──────────────────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class Estimate:
    """What a run would do: files and forms, and the LLM calls and tokens it would need (estimated)."""

    files: int = 0
    forms: int = 0
    unreadable: int = 0
    skipped: int = 0  # met in a folder, holding no form
    stored_files: int = 0  # already in the store under the current key: no work at all
    stored_forms: int = 0
    llm_calls: int = 0  # for the forms not yet stored
    input_tokens: int = 0
    output_tokens: int = 0


def estimate(
    batch: Sequence[Source], store: Store | None, checker: Checker, llm: LLMSettings | None = None
) -> Estimate:
    """Count the batch's forms and estimate the LLM cost, storing nothing (no store: nothing is stored yet)."""
    from ziping.readers import read_bytes
    from ziping.readers.encoding import UndecodableError, decode

    parts = key_parts(checker, llm)
    result = Estimate(files=len(batch))
    keys = [parts.key(s.content_sha256) for s in batch if s.content_sha256]
    stored_forms = store.forms_of(keys) if store is not None else {}
    known = set(stored_forms)
    for source in batch:
        key = parts.key(source.content_sha256) if source.content_sha256 else None
        if key in known:
            result.unreadable += stored_forms[key] == 0  # a stored file without forms could not be read
            result.stored_files += 1
            result.stored_forms += stored_forms[key]
            result.forms += stored_forms[key]
            continue
        try:
            data = Path(source.path).read_bytes() if source.content_sha256 else b""
            read = read_bytes(data, source.path)
            # Counted one at a time: a large file's forms are never held.
            forms = sum(1 for _ in read.stream()) if read.problem is None else 0
        except Exception:  # noqa: BLE001 -- the dry run reports, it does not stop on a bad file
            read, forms = None, 0
        if source.walked and read is not None and read.problem is not None and read.problem.not_a_form:
            result.skipped += 1
            continue
        if read is None or read.problem is not None or not forms:
            result.unreadable += 1
            continue
        try:
            text, _ = decode(data)
        except UndecodableError:
            text = ""
        result.forms += forms
        result.llm_calls += forms
        result.input_tokens += tokens_of(text) + forms * PROMPT_TOKENS_PER_CALL
        result.output_tokens += forms * OUTPUT_TOKENS_PER_CALL
    return result
