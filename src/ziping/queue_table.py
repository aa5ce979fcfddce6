"""The queue as a table in the store: one row per stored form, so 10,000 forms filter, sort and page in SQL.

The table is derived data. `refresh` rebuilds the rows of every path whose result changed since (whoever
wrote it: a `ziping triage` run, the web server's jobs), so it never needs to be told. Rows hold only what
does not depend on the reader's language; a page's rows are built in full (`triage.rows_of_file`, the
builder every export uses) from the payloads of its own files only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from copy import copy
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from ziping.store import STATUSES, Store
from ziping.triage import QueueRow, attach_mark, rows_of_file

# The rank order of triage.rank: unreadable files first, then by risk, ties by discrepancy, path, place.
RANK_ORDER = "q.form_index = 0 DESC, q.risk DESC, q.discrepancy DESC, q.path, q.form_index"
# What a reviewer may sort by; every other order ties by rank.
SORTS = {
    "rank": "q.rank",
    "risk": "q.risk",
    "project_name": "q.project_name",
    "unit": "q.unit",
    "year": "q.year",
    "errors": "q.errors",
    "warnings": "q.warnings",
    "status": "COALESCE(m.status, '')",
    "changed_at": "q.changed_at",
    "marked_at": "COALESCE(m.marked_at, '')",
}
SEVERITY_COLUMNS = {"error": "q.errors", "warning": "q.warnings", "info": "q.infos"}
CODE = re.compile(r"^ZP\d{0,3}$")
PAGE_SIZE = 50
COLUMNS = (
    "form_id, path, result_key, content_sha256, form_index, risk, discrepancy, project_code, project_name, unit, "
    "year, errors, warnings, infos, codes, changed_at, checked_at"
)


class FilterError(ValueError):
    """A filter value that cannot be used; the message says which, in both languages (zh, en)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


@dataclass(frozen=True, slots=True)
class Filters:
    """A reviewer's view of the queue: every field empty means every form."""

    status: str = ""  # reviewed | returned | accepted | pending
    severity: str = ""  # error | warning | info: forms with at least one such finding
    code: str = ""  # a rule code or prefix: ZP304, ZP3
    unit: str = ""  # exactly this implementing unit
    year: str = ""
    q: str = ""  # free text over project name, project code and unit

    @classmethod
    def of(cls, params: Any) -> Filters:
        """From a mapping of request parameters (unknown ones ignored, values stripped); raises FilterError."""
        values = {f.name: str(params.get(f.name) or "").strip() for f in fields(cls)}
        found = cls(**values)
        found.validate()
        return found

    def validate(self) -> None:
        if self.status and self.status not in (*STATUSES, "pending"):
            raise FilterError(f"未知的审阅状态“{self.status}”", f'unknown review status "{self.status}"')
        if self.severity and self.severity not in SEVERITY_COLUMNS:
            raise FilterError(f"未知的问题级别“{self.severity}”", f'unknown severity "{self.severity}"')
        if self.code and not CODE.match(self.code.upper()):
            raise FilterError(
                f"规则代码应形如 ZP304 或 ZP3，不是“{self.code}”",
                f'a rule code looks like ZP304 or ZP3, not "{self.code}"',
            )
        if self.year and not self.year.isdigit():
            raise FilterError(f"年度应为数字，不是“{self.year}”", f'the year is a number, not "{self.year}"')

    def params(self) -> dict[str, str]:
        """The filters that are set, as request parameters."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition and its parameters (over `queue q LEFT JOIN marks m`)."""
        parts, args = ["1"], []
        if self.status == "pending":
            parts.append("m.status IS NULL")
        elif self.status:
            parts.append("m.status = ?")
            args.append(self.status)
        if self.severity:
            parts.append(f"{SEVERITY_COLUMNS[self.severity]} > 0")
        if self.code:
            parts.append("q.codes LIKE ?")
            args.append(f"% {self.code.upper()}%")
        if self.unit:
            parts.append("q.unit = ?")
            args.append(self.unit)
        if self.year:
            parts.append("q.year = ?")
            args.append(int(self.year))
        if self.q:
            like = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            parts.append(
                "(q.project_name LIKE ? ESCAPE '\\' OR q.project_code LIKE ? ESCAPE '\\' OR q.unit LIKE ? ESCAPE '\\')"
            )
            args += [like, like, like]
        return " AND ".join(parts), args


@dataclass(slots=True)
class Page:
    """One page of the filtered, sorted queue, with the counts of the whole filtered set."""

    rows: list[QueueRow]
    total: int  # forms (and unreadable files) the filters keep
    number: int  # 1-based
    pages: int
    errors: int
    warnings: int
    infos: int


def _index_rows(path: str, sha: str, key: str, changed_at: str, checked_at: str, payload: str) -> Iterator[tuple]:
    for row in rows_of_file(path, sha, json.loads(payload), changed_at, "zh"):
        codes = " " + " ".join(sorted({f["code"] for f in row.findings})) + " "
        yield (
            row.form_id, path, key, sha, row.form_index, row.risk, row.discrepancy, row.project_code,
            row.project_name, row.unit, row.year, row.errors, row.warnings, row.infos, codes, changed_at, checked_at,
        )  # fmt: skip


STALE = (
    "SELECT f.path, f.content_sha256, f.result_key, f.changed_at, r.checked_at, r.payload FROM files f"
    " JOIN results r ON r.key = f.result_key WHERE NOT EXISTS (SELECT 1 FROM queue q"
    " WHERE q.path = f.path AND q.result_key = f.result_key AND q.checked_at = r.checked_at)"
)
GONE = (
    "NOT EXISTS (SELECT 1 FROM files f JOIN results r ON r.key = f.result_key"
    " WHERE f.path = queue.path AND f.result_key = queue.result_key AND r.checked_at = queue.checked_at)"
)
VERSIONS = "SELECT key, value FROM meta WHERE key IN ('files_version', 'queue_version')"


def refresh(store: Store) -> int:
    """Bring the queue table in line with the stored files; returns how many files' rows were rebuilt.

    Two point reads when nothing changed (the store counts every change to files and results, store.TRIGGERS);
    the write lock is taken only to rebuild, and only the files that changed are read."""
    db = store.db
    versions = dict(db.execute(VERSIONS))
    if versions.get("queue_version") == versions.get("files_version"):
        return 0
    with store.transaction():
        versions = dict(db.execute(VERSIONS))  # another connection may have rebuilt it meanwhile
        if versions.get("queue_version") == versions.get("files_version"):
            return 0
        stale = db.execute(STALE).fetchall()
        db.execute(f"DELETE FROM queue WHERE {GONE}")
        rows = [row for entry in stale for row in _index_rows(*entry)]
        db.executemany(f"INSERT OR REPLACE INTO queue ({COLUMNS}) VALUES ({','.join('?' * 17)})", rows)
        # Renumbered once per change, so a page view reads ranks instead of ranking every row again.
        db.execute(
            f"UPDATE queue SET rank = ranked.n FROM (SELECT form_id, ROW_NUMBER() OVER (ORDER BY {RANK_ORDER}) AS n"
            " FROM queue q) AS ranked WHERE queue.form_id = ranked.form_id AND queue.rank IS NOT ranked.n"
        )
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('queue_version', ?)", (versions["files_version"],))
    return len(stale)


def _ranked(filters: Filters, sort: str, descending: bool) -> tuple[str, list[Any]]:
    """The query of the filtered queue in display order, each row with its rank in the whole queue."""
    where, args = filters.where()
    order = SORTS.get(sort, "q.rank")
    direction = "DESC" if descending else "ASC"
    query = (
        "SELECT q.form_id, q.path, q.form_index, q.rank FROM queue q LEFT JOIN marks m ON m.form_id = q.form_id"
        f" WHERE {where} ORDER BY {order} {direction}, q.rank"
    )
    return query, args


def page(
    store: Store, filters: Filters = Filters(), sort: str = "rank", descending: bool = False, number: int = 1,
    size: int | None = None, lang: str = "zh", current: bool = True,
) -> Page:  # fmt: skip
    """One page of the queue as the filters, the sort and the page number choose (PAGE_SIZE rows by default).

    `current`: bring the table up to date first; False when a writer refreshes it itself (the server's jobs)."""
    size = size or PAGE_SIZE
    if current:
        refresh(store)
    where, args = filters.where()
    total, errors, warnings, infos = store.db.execute(
        "SELECT COUNT(*), COALESCE(SUM(q.errors), 0), COALESCE(SUM(q.warnings), 0), COALESCE(SUM(q.infos), 0)"
        f" FROM queue q LEFT JOIN marks m ON m.form_id = q.form_id WHERE {where}",
        args,
    ).fetchone()
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    query, args = _ranked(filters, sort, descending)
    picked = store.db.execute(f"{query} LIMIT ? OFFSET ?", [*args, size, (number - 1) * size]).fetchall()
    return Page(rows(store, picked, lang), total, number, pages, errors, warnings, infos)


def all_rows(
    store: Store, filters: Filters = Filters(), sort: str = "rank", descending: bool = False, lang: str = "zh"
) -> list[QueueRow]:
    """Every row the filters keep, in display order (an export of the current view)."""
    refresh(store)
    query, args = _ranked(filters, sort, descending)
    return rows(store, store.db.execute(query, args).fetchall(), lang)


def rows(store: Store, picked: Iterable[tuple[str, str, int, int]], lang: str) -> list[QueueRow]:
    """Full queue rows for (form ID, path, form index, rank) tuples: findings, marks and copies attached."""
    picked = list(picked)
    paths = sorted({path for _, path, _, _ in picked})
    built: dict[str, QueueRow] = {}
    for start in range(0, len(paths), 500):  # SQLite bounds the number of host parameters
        for entry in store.files(paths[start : start + 500]).values():
            if entry.payload is not None:
                for row in _file_rows(entry.path, entry.content_sha256, entry.payload, entry.changed_at, lang):
                    built[row.form_id] = copy(row)  # the cached rows stay as built; marks and ranks go on copies
    stored_marks = store.marks_of([form for form, _, _, _ in picked])
    copies = _copies(store, paths)
    separator = ", " if lang == "en" else "、"
    out = []
    for form, path, _, number in picked:
        row = built.get(form)
        if row is None:  # the file changed between the query and the read: the next page view shows it
            continue
        row.rank = number
        attach_mark(row, stored_marks.get(form), lang)
        row.duplicates = separator.join(copies.get(path, ()))
        out.append(row)
    return out


@lru_cache(maxsize=2048)
def _file_rows(path: str, sha: str, payload: str, changed_at: str, lang: str) -> tuple[QueueRow, ...]:
    """A stored file's rows, built once for as long as its payload stays the same (pages are read far more
    often than files change)."""
    return tuple(rows_of_file(path, sha, json.loads(payload), changed_at, lang))


def _copies(store: Store, paths: list[str]) -> dict[str, list[str]]:
    """For each path, the other stored files with the same content (shown as the queue shows files)."""
    from ziping.triage import shown_path

    out: dict[str, list[str]] = {}
    for start in range(0, len(paths), 500):
        part = paths[start : start + 500]
        query = (
            "SELECT a.path, b.path FROM files a JOIN files b ON b.content_sha256 = a.content_sha256 AND b.path != a.path"
            f" WHERE a.path IN ({','.join('?' * len(part))}) ORDER BY b.path"
        )
        for path, other in store.db.execute(query, part):
            out.setdefault(path, []).append(shown_path(other))
    return out


def locate(store: Store, form: str) -> tuple[str, int, int] | None:
    """The stored path, form index and rank of a form ID, if the queue holds it."""
    refresh(store)
    found = store.db.execute("SELECT path, form_index, rank FROM queue WHERE form_id = ?", (form.lower(),)).fetchone()
    return tuple(found) if found else None


def units(store: Store) -> list[str]:
    """The implementing units in the queue, for a filter's choices."""
    return [
        unit for (unit,) in store.db.execute("SELECT DISTINCT unit FROM queue WHERE unit IS NOT NULL ORDER BY unit")
    ]


def years(store: Store) -> list[int]:
    """The years in the queue, newest first."""
    return [
        year
        for (year,) in store.db.execute("SELECT DISTINCT year FROM queue WHERE year IS NOT NULL ORDER BY year DESC")
    ]
