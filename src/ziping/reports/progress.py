"""The triage progress bar on stderr: forms per second and time left, drawn only on a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any

from ziping.triage import Progress

WORDS = {
    "zh": {"checking": "检查中", "files": "个文件", "rate": "张表/秒"},
    "en": {"checking": "checking", "files": "files", "rate": "forms/s"},
}


class BarProgress(Progress):
    """A rich progress bar while files are checked; silent when stderr is not a terminal."""

    def __init__(self, lang: str = "zh", enabled: bool | None = None) -> None:
        self.words = WORDS[lang]
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar: Any = None
        self.task: Any = None
        self.forms = 0
        self.started = 0.0

    def start(self, files: int) -> None:
        if not self.enabled or files == 0:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        w = self.words
        self.bar = RichProgress(
            TextColumn(w["checking"]),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(w["files"]),
            TextColumn("{task.fields[rate]} " + w["rate"]),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("", total=files, rate="—")
        self.started = time.perf_counter()

    def advance(self, files: int, forms: int) -> None:
        if self.bar is None:
            return
        self.forms += forms
        elapsed = time.perf_counter() - self.started
        rate = f"{self.forms / elapsed:,.0f}" if elapsed > 0 else "—"
        self.bar.update(self.task, advance=files, rate=rate)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
