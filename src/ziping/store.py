"""The incremental triage store: checked results by content key, the files seen, reviewer marks (SQLite).

One SQLite file, WAL mode: readers never block the writer, and writers take turns through
`BEGIN IMMEDIATE` transactions and a busy timeout, so two runs on one store cannot corrupt it.
Only the standard library is used (no ORM), so opening the store is cheap.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_DB = Path(".ziping") / "triage.db"
# 2: form IDs name a submission (content and path); version 1 named the content alone, so duplicates shared one.
# 3: results.final, so a result whose LLM review failed is stored for the queue but checked again.
# 4: marks say who set them (marks.reviewer) and every mark is kept in mark_history; the queue table (one row
#    per stored form, for filtering and paging in SQL) is derived data, rebuilt from files and results.
# 5: result_parts, the forms of a large file stored a part at a time as they are checked.
SCHEMA_VERSION = 5
STATUSES = ("reviewed", "returned", "accepted")
BUSY_TIMEOUT_MS = 60_000  # a long batch commits every chunk; another run waits its turn, not fails

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,          -- sha256 of the parts below
    content_sha256 TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    profile TEXT NOT NULL,
    prompt_versions TEXT NOT NULL,
    model TEXT NOT NULL,
    forms INTEGER NOT NULL,
    payload TEXT NOT NULL,         -- JSON: {"error": finding | null, "forms": [form, ...]}
    checked_at TEXT NOT NULL,
    final INTEGER NOT NULL DEFAULT 1  -- 0: an LLM review failed or was skipped, so the next run checks again
);
CREATE TABLE IF NOT EXISTS result_parts (
    key TEXT NOT NULL,             -- the result whose forms these are (results.key)
    part INTEGER NOT NULL,         -- in the order the forms come in the file
    forms TEXT NOT NULL,           -- JSON: [form, ...], appended to the result's payload forms
    PRIMARY KEY (key, part)
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,         -- absolute path
    content_sha256 TEXT NOT NULL,
    result_key TEXT NOT NULL,
    changed_at TEXT NOT NULL       -- when this content was first seen at this path
);
CREATE INDEX IF NOT EXISTS files_by_content ON files (content_sha256);
CREATE TABLE IF NOT EXISTS marks (
    form_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    marked_at TEXT NOT NULL,
    reviewer TEXT NOT NULL DEFAULT ''  -- who set it ('' for marks made before schema 4)
);
CREATE TABLE IF NOT EXISTS mark_history (
    id INTEGER PRIMARY KEY,        -- the order marks were made in
    form_id TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    marked_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mark_history_by_form ON mark_history (form_id, id);
CREATE TABLE IF NOT EXISTS queue (
    form_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,            -- files.path
    result_key TEXT NOT NULL,      -- the result the row was built from: a path pointed elsewhere is rebuilt
    content_sha256 TEXT NOT NULL,
    form_index INTEGER NOT NULL,   -- 0: the file could not be read
    risk REAL NOT NULL,
    discrepancy REAL NOT NULL,
    project_code TEXT, project_name TEXT, unit TEXT, year INTEGER,
    errors INTEGER NOT NULL, warnings INTEGER NOT NULL, infos INTEGER NOT NULL,
    codes TEXT NOT NULL,           -- ' ZP101 ZP304 ': every finding's code, for filtering by code or prefix
    changed_at TEXT NOT NULL,
    checked_at TEXT NOT NULL,      -- results.checked_at: a result stored again under its key is rebuilt too
    rank INTEGER                   -- the place in the whole queue, renumbered whenever rows change
);
CREATE INDEX IF NOT EXISTS queue_by_path ON queue (path, result_key);
CREATE INDEX IF NOT EXISTS queue_by_rank ON queue (rank);
CREATE INDEX IF NOT EXISTS queue_by_unit ON queue (unit);
CREATE INDEX IF NOT EXISTS queue_by_year ON queue (year);
"""


# Every change to files or results counts in meta.files_version (whoever writes: this version of ziping or an
# older one, since the triggers live in the file), so the queue table knows without a scan when it is current.
TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()} AFTER {event} ON {table}"
    " BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'files_version'; END"
    for table in ("files", "results")
    for event in ("INSERT", "UPDATE", "DELETE")
]


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A reviewer's status and note on one form, who set it and when."""

    status: str
    note: str
    marked_at: str
    reviewer: str = ""


@dataclass(frozen=True, slots=True)
class Checked:
    """One checked file, ready to be stored: its content hash, result key and payload."""

    path: str
    content_sha256: str
    key: str
    forms: int
    payload: str
    final: bool = True  # False: stored for the queue, checked again by the next run


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A file the store knows, with its current result: `payload`, and for a large file the parts of its forms."""

    path: str
    content_sha256: str
    result_key: str
    changed_at: str
    payload: str | None
    parts: tuple[str, ...] = ()


def now() -> str:
    """UTC time as stored: fixed-width ISO 8601, so strings sort as times do."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def form_id(content_sha256: str, path: str, index: int) -> str:
    """A form's ID for reviewers: its submission — the file's content at its path, hashed to 10 hex digits —
    and its place in the file. Copies of one file at several paths are several submissions, marked apart."""
    submission = hashlib.sha256(f"{content_sha256}\0{path}".encode()).hexdigest()[:10]
    return f"{submission}-{index}"


class Store:
    """An open store; use as a context manager so the connection is closed."""

    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), not sqlite3's implicit ones.
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL loses no committed transaction on a crash of the process, only on power loss.
            self.db.execute("PRAGMA synchronous = NORMAL")
            with self.transaction():
                queue = {row[1] for row in self.db.execute("PRAGMA table_info(queue)")}
                if queue and "checked_at" not in queue:  # derived data of an earlier layout: rebuilt by queue_table
                    self.db.execute("DROP TABLE queue")
                    self.db.execute("DELETE FROM meta WHERE key = 'queue_version'")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                for statement in TRIGGERS:
                    self.db.execute(statement)
                self.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('files_version', '0')")
                columns = {row[1] for row in self.db.execute("PRAGMA table_info(results)")}
                if "final" not in columns:  # a store before schema 3: every result it holds is final
                    self.db.execute("ALTER TABLE results ADD COLUMN final INTEGER NOT NULL DEFAULT 1")
                columns = {row[1] for row in self.db.execute("PRAGMA table_info(marks)")}
                if "reviewer" not in columns:  # a store before schema 4: nobody is named on its marks
                    self.db.execute("ALTER TABLE marks ADD COLUMN reviewer TEXT NOT NULL DEFAULT ''")
                self.db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
                self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"无法打开结果库 {self.path}：{_reason(exc)}") from None

    def _migrate(self) -> None:
        """Bring an older store up to SCHEMA_VERSION, keeping every reviewer mark (inside the open transaction)."""
        (version,) = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if int(version) < 2:
            # A version-1 mark named the content only, so it applied to every copy: each copy keeps it.
            marks = self.db.execute("SELECT form_id, status, note, marked_at FROM marks").fetchall()
            files = self.db.execute("SELECT path, content_sha256 FROM files").fetchall()
            moved = []
            for old, status, note, marked_at in marks:
                prefix, _, index = old.rpartition("-")
                for path, sha in files:
                    if sha.startswith(prefix) and index.isdigit():
                        moved.append((form_id(sha, path, int(index)), status, note, marked_at))
            self.db.execute("DELETE FROM marks")
            self.db.executemany(
                "INSERT OR REPLACE INTO marks (form_id, status, note, marked_at) VALUES (?, ?, ?, ?)", moved
            )
        if int(version) < 4:
            # The history starts with the marks the store holds: each is the first entry of its form's history.
            self.db.execute(
                "INSERT INTO mark_history (form_id, status, note, reviewer, marked_at)"
                " SELECT form_id, status, note, reviewer, marked_at FROM marks ORDER BY marked_at"
            )
        # 3 only added results.final and 5 result_parts, both done above for every older store.
        if int(version) < SCHEMA_VERSION:
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time: the write lock is taken at BEGIN, not at the first write."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these result keys are stored as final (a run need not check their files again)."""
        return set(self.forms_of(keys))

    def forms_of(self, keys: Iterable[str]) -> dict[str, int]:
        """How many forms each result stored as final holds."""
        out: dict[str, int] = {}
        batch = list(keys)
        for start in range(0, len(batch), 500):  # SQLite bounds the number of host parameters
            part = batch[start : start + 500]
            rows = self.db.execute(
                f"SELECT key, forms FROM results WHERE final AND key IN ({','.join('?' * len(part))})", part
            )
            out.update(rows)
        return out

    def put(self, checked: Sequence[Checked], parts: dict[str, str]) -> None:
        """Store checked files and point their paths at the results, in one transaction."""
        stamp = now()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO results (key, content_sha256, ruleset, profile, prompt_versions, model,"
                " forms, payload, checked_at, final) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.key,
                        c.content_sha256,
                        parts["ruleset"],
                        parts["profile"],
                        parts["prompt_versions"],
                        parts["model"],
                        c.forms,
                        c.payload,
                        stamp,
                        int(c.final),
                    )
                    for c in checked
                ],
            )
            self._point(db, [(c.path, c.content_sha256, c.key) for c in checked], stamp)

    def put_part(self, key: str, part: int, forms: str) -> None:
        """Store a part of a large file's forms (JSON list), in its own transaction, before the file's result;
        a result whose parts are stored but not the result itself is checked again by the next run."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO result_parts (key, part, forms) VALUES (?, ?, ?)", (key, part, forms))

    def clear_parts(self, key: str) -> None:
        """Forget the parts stored under a result key (before it is checked again)."""
        with self.transaction() as db:
            db.execute("DELETE FROM result_parts WHERE key = ?", (key,))

    def point(self, files: Sequence[tuple[str, str, str]]) -> None:
        """Record that paths now hold contents whose results are already stored."""
        with self.transaction() as db:
            self._point(db, files, now())

    @staticmethod
    def _point(db: sqlite3.Connection, files: Sequence[tuple[str, str, str]], stamp: str) -> None:
        # changed_at moves only when the content at a path changes: that is what `--since` lists.
        db.executemany(
            "INSERT INTO files (path, content_sha256, result_key, changed_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET result_key = excluded.result_key,"
            " changed_at = CASE WHEN files.content_sha256 = excluded.content_sha256"
            " THEN files.changed_at ELSE excluded.changed_at END,"
            " content_sha256 = excluded.content_sha256",
            [(path, sha, key, stamp) for path, sha, key in files],
        )

    def files(self, paths: Sequence[str] | None = None) -> dict[str, FileEntry]:
        """The stored files (all, or those named) with their current payloads."""
        query = (
            "SELECT f.path, f.content_sha256, f.result_key, f.changed_at, r.payload"
            " FROM files f LEFT JOIN results r ON r.key = f.result_key"
        )
        if paths is None:
            out = {row[0]: FileEntry(*row) for row in self.db.execute(query)}
        else:
            out = {}
            names = list(paths)
            for start in range(0, len(names), 500):
                part = names[start : start + 500]
                rows = self.db.execute(f"{query} WHERE f.path IN ({','.join('?' * len(part))})", part)
                out.update((row[0], FileEntry(*row)) for row in rows)
        parts: dict[str, list[str]] = {}
        keys = sorted({entry.result_key for entry in out.values()})
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            rows = self.db.execute(
                f"SELECT key, forms FROM result_parts WHERE key IN ({','.join('?' * len(batch))}) ORDER BY key, part",
                batch,
            )
            for key, forms in rows:
                parts.setdefault(key, []).append(forms)
        for path, entry in out.items():
            if entry.result_key in parts:
                out[path] = replace(entry, parts=tuple(parts[entry.result_key]))
        return out

    def form_exists(self, form: str) -> bool:
        """Whether a form ID names a form of a file the store knows."""
        submission, _, index = form.rpartition("-")
        if len(submission) != 10 or not index.isdigit():
            return False
        rows = self.db.execute(
            "SELECT f.path, f.content_sha256, r.forms FROM files f JOIN results r ON r.key = f.result_key"
        )
        for path, sha, forms in rows:
            if form_id(sha, path, int(index)) == form.lower():
                # Index 0 is the row of a file that could not be read (it has no forms).
                return int(index) <= forms if forms else int(index) == 0
        return False

    def mark(self, form: str, status: str, note: str = "", reviewer: str = "") -> Mark:
        """Set a reviewer's status and note on a form (the last mark wins; every mark stays in the history)."""
        return self.mark_many([form], status, note, reviewer)

    def mark_many(self, forms: Sequence[str], status: str, note: str = "", reviewer: str = "") -> Mark:
        """One mark on several forms, in one transaction: all of them are marked or none is."""
        if status not in STATUSES:
            raise ValueError(status)
        mark = Mark(status, note, now(), reviewer)
        rows = [(form, mark.status, mark.note, mark.marked_at, mark.reviewer) for form in forms]
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO marks (form_id, status, note, marked_at, reviewer) VALUES (?, ?, ?, ?, ?)", rows
            )
            db.executemany(
                "INSERT INTO mark_history (form_id, status, note, marked_at, reviewer) VALUES (?, ?, ?, ?, ?)", rows
            )
        return mark

    def marks(self) -> dict[str, Mark]:
        """Every reviewer mark by form ID."""
        query = "SELECT form_id, status, note, marked_at, reviewer FROM marks"
        return {row[0]: Mark(*row[1:]) for row in self.db.execute(query)}

    def marks_of(self, forms: Sequence[str]) -> dict[str, Mark]:
        """The marks of these form IDs (those that have one)."""
        out: dict[str, Mark] = {}
        for start in range(0, len(forms), 500):
            part = list(forms[start : start + 500])
            query = f"SELECT form_id, status, note, marked_at, reviewer FROM marks WHERE form_id IN ({','.join('?' * len(part))})"
            out.update((row[0], Mark(*row[1:])) for row in self.db.execute(query, part))
        return out

    def history(self, form: str) -> list[Mark]:
        """Every mark ever set on a form, oldest first."""
        query = "SELECT status, note, marked_at, reviewer FROM mark_history WHERE form_id = ? ORDER BY id"
        return [Mark(*row) for row in self.db.execute(query, (form,))]

    def integrity(self) -> str:
        """SQLite's own integrity check ("ok" when the file is sound)."""
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return "不是 ziping 结果库（文件已损坏或是其他文件）"
    if "unable to open" in text or isinstance(exc, IsADirectoryError | PermissionError | NotADirectoryError):
        return "无法打开该路径（是目录、无权限或上级不是目录）"
    if "locked" in text or "busy" in text:
        return "结果库被另一个进程长时间占用"
    return text


def absolute(path: str | Path) -> str:
    """A path as the store keys it: absolute, without resolving symbolic links."""
    return os.path.abspath(path)
