"""The answer cache: a re-run costs nothing. Keyed by everything that shapes an answer, never the API key."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any


def default_path() -> Path:
    """Under the user's cache directory (XDG_CACHE_HOME, else ~/.cache)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ziping" / "llm-cache.sqlite3"


def cache_key(**parts: Any) -> str:
    """A hash of model, messages, schema, prompt version and parameters."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class AnswerCache:
    """SQLite, WAL: several runs may share one cache."""

    def __init__(self, path: Path | None = None):
        self.path = path or default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT NOT NULL, "
            "prompt_tokens INTEGER, completion_tokens INTEGER, created REAL NOT NULL)"
        )

    def get(self, key: str) -> tuple[dict[str, Any], int | None, int | None] | None:
        row = self._db.execute(
            "SELECT answer, prompt_tokens, completion_tokens FROM answers WHERE key = ?", (key,)
        ).fetchone()
        return (json.loads(row[0]), row[1], row[2]) if row else None

    def put(self, key: str, answer: dict[str, Any], prompt_tokens: int | None, completion_tokens: int | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
            (key, json.dumps(answer, ensure_ascii=False), prompt_tokens, completion_tokens, time.time()),
        )

    def clear(self) -> int:
        """Remove every answer; returns how many there were."""
        count = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        self._db.execute("DELETE FROM answers")
        return count

    def close(self) -> None:
        self._db.close()
