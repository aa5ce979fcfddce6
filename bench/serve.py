"""`ziping serve` under load: 20 clients upload 50 forms each while 5 reviewers page, filter and mark.

Usage: python bench/serve.py [--store bench/out/serve-10000.db] [--forms 10000] [--uploaders 20] [--per-uploader 50]
                             [--reviewers 5] [--quiet-seconds 20]

The server runs in its own process (`ziping serve` on a loopback port) over a copy of a 10,000-form store
(built once with bench/corpus.py and triage if it is missing). Two phases, each measured in this one run:
  quiet: the 5 reviewers alone, for --quiet-seconds;
  load:  the same 5 reviewers while the uploaders send their forms (in requests of --batch files) and wait
         for their checks to finish.
Then every upload and every mark is accounted for in the store: each uploaded form is one queue row (none
lost, none doubled), each mark one history entry with its reviewer, and the last mark of each form is the
form's mark. Reported: queue-page latency p50/p95/max per phase, requests, uploads' wall time, the server's
resident memory (now and peak) and the load average before and after. Exits 1 when anything is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
FORM_LINK = re.compile(r'href="/forms/([0-9a-f]{10}-\d+)"')
STATUSES = ("reviewed", "returned", "accepted")


def build_store(path: Path, forms: int) -> None:
    """A store of `forms` one-form files, checked by triage as `ziping triage` would (both cores)."""
    from corpus import make_corpus

    from ziping.checks import Checker
    from ziping.store import Store
    from ziping.triage import run, sources

    corpus = path.parent / f"corpus-{forms}"
    if not corpus.is_dir() or len(list(corpus.iterdir())) != forms:
        make_corpus(corpus, forms)
    with Store(path) as store:
        run(sources([corpus]), store, Checker.create(), workers=os.cpu_count())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory(pid: int) -> dict[str, float]:
    """The server's resident memory now and at its peak, in MB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return {"rss_mb": round(fields["VmRSS"], 1), "peak_rss_mb": round(fields["VmHWM"], 1)}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session(url: str) -> tuple[httpx.Client, str]:
    """A browser-like client with its session cookie and CSRF token."""
    client = httpx.Client(base_url=url, timeout=120)
    page = client.get("/check")
    page.raise_for_status()
    return client, CSRF.search(page.text).group(1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Reviewer(threading.Thread):
    """Pages, filters and sorts the queue; every fourth action marks a form it saw (each mark's note unique)."""

    VIEWS = (
        {}, {"status": "pending"}, {"severity": "error"}, {"code": "ZP3"}, {"q": "人大"}, {"year": "2023"},
        {"sort": "risk", "dir": "desc"}, {"sort": "project_name"}, {"status": "returned"}, {"code": "ZP205"},
    )  # fmt: skip

    def __init__(self, number: int, url: str, stop: threading.Event, phase: str) -> None:
        super().__init__(daemon=True)
        self.number, self.url, self.stop, self.phase = number, url, stop, phase
        self.latencies: list[float] = []
        self.marks: list[tuple[str, str, str]] = []  # (form, status, note) the server accepted
        self.errors: list[str] = []
        self.rng = random.Random(number)

    def run(self) -> None:
        client, csrf = session(self.url)
        name = f"审阅人{self.number}"
        seen: list[str] = []
        with contextlib.closing(client):
            k = 0
            while not self.stop.is_set():
                k += 1
                params = {**self.rng.choice(self.VIEWS), "page": str(self.rng.randint(1, 40))}
                start = time.perf_counter()
                page = client.get("/", params=params)
                self.latencies.append(time.perf_counter() - start)
                if page.status_code != 200:
                    self.errors.append(f"GET / {params}: {page.status_code}")
                    continue
                seen = FORM_LINK.findall(page.text) or seen
                if k % 4 == 0 and seen:
                    form, status = self.rng.choice(seen), self.rng.choice(STATUSES)
                    note = f"{self.phase}-r{self.number}-{k}"
                    answer = client.post(
                        f"/forms/{form}/mark",
                        data={"csrf": csrf, "status": status, "note": note, "reviewer": name},
                        headers={"accept": "application/json"},
                    )
                    if answer.status_code == 200:
                        self.marks.append((form, status, note))
                    else:
                        self.errors.append(f"mark {form}: {answer.status_code}")


class Uploader(threading.Thread):
    """Uploads its forms in batches and waits for each batch's check to finish."""

    def __init__(self, number: int, url: str, forms: list[tuple[str, bytes]], batch: int) -> None:
        super().__init__(daemon=True)
        self.number, self.url, self.forms, self.batch = number, url, forms, batch
        self.jobs: list[str] = []
        self.errors: list[str] = []
        self.seconds = 0.0

    def run(self) -> None:
        start = time.perf_counter()
        client, csrf = session(self.url)
        with contextlib.closing(client):
            for k in range(0, len(self.forms), self.batch):
                files = [("files", (name, data, "text/plain")) for name, data in self.forms[k : k + self.batch]]
                answer = client.post(
                    "/upload", data={"csrf": csrf}, files=files, headers={"accept": "application/json"}
                )
                if answer.status_code != 202:
                    self.errors.append(f"upload: {answer.status_code} {answer.text[:200]}")
                    continue
                self.jobs.append(answer.json()["job"])
            for job in self.jobs:
                while (view := client.get(f"/jobs/{job}.json").json())["state"] in ("waiting", "running"):
                    time.sleep(0.5)  # as often as the job page's script asks
                if view["state"] != "done":
                    self.errors.append(f"job {job}: {view['state']} {view['error']}")
        self.seconds = time.perf_counter() - start


def upload_forms(uploaders: int, per: int) -> list[list[tuple[str, bytes]]]:
    """Distinct forms for each uploader: the seed's forms with new codes and numbers (bench/corpus.py)."""
    from corpus import seed_forms, vary

    rng = random.Random(14)
    forms = seed_forms()
    return [
        [(f"单位{u:02d}/自评表-{k:03d}.txt", vary(forms[k % len(forms)], rng).encode()) for k in range(per)]
        for u in range(uploaders)
    ]


def phase(name: str, url: str, reviewers: int, seconds: float | None, uploaders: list[Uploader], pid: int) -> dict:
    """Reviewers for `seconds`, or for as long as the uploaders run."""
    cpu = cpu_seconds(pid)
    stop = threading.Event()
    team = [Reviewer(n, url, stop, name) for n in range(reviewers)]
    for thread in team:
        thread.start()
    start = time.perf_counter()
    for thread in uploaders:
        thread.start()
    if seconds is not None:
        time.sleep(seconds)
    for thread in uploaders:
        thread.join()
    wall = time.perf_counter() - start
    stop.set()
    for thread in team:
        thread.join()
    latencies = [t for r in team for t in r.latencies]
    return {
        "seconds": round(wall, 1),
        "server_cpu_seconds": round(cpu_seconds(pid) - cpu, 1),
        "queue_pages": len(latencies),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "max_ms": round(1000 * max(latencies), 1),
        "marks": [m for r in team for m in r.marks],
        "errors": [e for r in team for e in r.errors] + [e for u in uploaders for e in u.errors],
    }


def account(db: Path, data: Path, uploaded: list[list[tuple[str, bytes]]], marks: list[tuple[str, str, str]]) -> dict:
    """Every upload and every mark, found in the store exactly once."""
    import hashlib

    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT path, content_sha256, form_index FROM queue").fetchall()
    prefix = str((data / "uploads").resolve())
    by_content: dict[str, int] = {}
    for path, sha, _ in rows:
        if path.startswith(prefix):
            by_content[sha] = by_content.get(sha, 0) + 1
    wanted = {hashlib.sha256(content).hexdigest() for forms in uploaded for _, content in forms}
    lost = len(wanted - set(by_content))
    doubled = sum(1 for sha, n in by_content.items() if n != 1)
    history = connection.execute("SELECT form_id, status, note, reviewer FROM mark_history ORDER BY id").fetchall()
    notes = [note for _, _, note, _ in history]
    counted = {note: notes.count(note) for note in {note for _, _, note in marks}}
    missing_marks = sum(1 for n in counted.values() if n == 0)
    doubled_marks = sum(1 for n in counted.values() if n > 1)
    last = {}
    for form, status, note, _ in history:
        last[form] = (status, note)
    current = dict((f, (s, n)) for f, s, n in connection.execute("SELECT form_id, status, note FROM marks"))
    disagree = sum(1 for form, mark in last.items() if current.get(form) != mark)
    nameless = sum(1 for *_, reviewer in history if not reviewer)
    total = connection.execute("SELECT COUNT(*) FROM queue").fetchone()[0]
    connection.close()
    return {
        "forms_in_queue": total,
        "uploaded_forms": len(wanted),
        "uploads_lost": lost,
        "uploads_doubled": doubled,
        "marks_made": len(marks),
        "marks_lost": missing_marks,
        "marks_doubled": doubled_marks,
        "marks_disagreeing_with_history": disagree,
        "marks_without_reviewer": nameless,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=HERE / "out" / "serve-10000.db")
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--uploaders", type=int, default=20)
    parser.add_argument("--per-uploader", type=int, default=50)
    parser.add_argument("--batch", type=int, default=10, help="files per upload request")
    parser.add_argument("--reviewers", type=int, default=5)
    parser.add_argument("--quiet-seconds", type=float, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    if not args.store.is_file():
        args.store.parent.mkdir(parents=True, exist_ok=True)
        print(f"building a {args.forms}-form store at {args.store} …", file=sys.stderr)
        build_store(args.store, args.forms)
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"ziping-bench-serve-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "triage.db"
    shutil.copy(args.store, db)
    port = free_port()
    load_before = os.getloadavg()
    server = subprocess.Popen(
        [sys.executable, "-m", "ziping", "serve", "--db", str(db), "--port", str(port)],
        cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "ZIPING_LANG": "zh"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                first = time.perf_counter()
                httpx.get(url + "/", timeout=120).raise_for_status()  # also builds the queue table of an older store
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        first_page = time.perf_counter() - first
        memory_idle = memory(server.pid)
        quiet = phase("quiet", url, args.reviewers, args.quiet_seconds, [], server.pid)
        memory_quiet = memory(server.pid)
        forms = upload_forms(args.uploaders, args.per_uploader)
        uploaders = [Uploader(n, url, forms[n], args.batch) for n in range(args.uploaders)]
        load = phase("load", url, args.reviewers, None, uploaders, server.pid)
        memory_end = memory(server.pid)
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(30)
    marks = quiet.pop("marks") + load.pop("marks")
    figures = {
        "store_forms": args.forms,
        "first_page_s": round(first_page, 2),
        "quiet": quiet,
        "load": {**load, "uploaders": args.uploaders, "forms_each": args.per_uploader, "batch": args.batch,
                 "upload_seconds_max": round(max(u.seconds for u in uploaders), 1)},
        "accounting": account(db, work, forms, marks),
        "server_memory_idle": memory_idle,
        "server_memory_after_quiet": memory_quiet,
        "server_memory_end": memory_end,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
    }  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    books = figures["accounting"]
    broken = (
        quiet["errors"]
        or load["errors"]
        or any(
            books[k]
            for k in (
                "uploads_lost",
                "uploads_doubled",
                "marks_lost",
                "marks_doubled",
                "marks_disagreeing_with_history",
                "marks_without_reviewer",
            )
        )
    )
    if broken or books["uploaded_forms"] != args.uploaders * args.per_uploader:
        print("FAILED: something was lost, doubled or refused (see above)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
