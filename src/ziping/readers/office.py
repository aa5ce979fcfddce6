"""Old binary Word and WPS files (.doc, .wps, .et): converted by LibreOffice, then read as .docx/.xlsx.

No maintained Python library reads .doc or WPS formats, so `soffice --headless --convert-to` does it,
in a private temporary folder (its own user profile too, so concurrent conversions do not share a
lock) under a time limit, after which the whole process group is killed: a file that makes
LibreOffice hang costs the batch that long, never forever. Without LibreOffice the file is ZP001
with what to install or how to save it instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ziping.readers import FileProblem, ReadResult

# Seconds one conversion may take; ZIPING_SOFFICE_TIMEOUT overrides it (a large .doc on a slow machine).
TIMEOUT_SECONDS = 60.0
# The format each old file is converted to, by suffix.
TARGETS = {".doc": "docx", ".wps": "docx", ".et": "xlsx"}
INSTALL_HINT_ZH = (
    "需要安装 LibreOffice（如 `apt install libreoffice-writer-nogui libreoffice-calc-nogui`）"
    "或将文件另存为 .docx/.xlsx 后再检查"
)
INSTALL_HINT_EN = (
    "needs LibreOffice (e.g. `apt install libreoffice-writer-nogui libreoffice-calc-nogui`), "
    "or save the file as .docx/.xlsx first"
)


def find_soffice() -> str | None:
    """The LibreOffice command on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout_seconds() -> float:
    try:
        return float(os.environ.get("ZIPING_SOFFICE_TIMEOUT", TIMEOUT_SECONDS))
    except ValueError:
        return TIMEOUT_SECONDS


def read_converted(data: bytes, source: str, target: str) -> ReadResult:
    """Convert the bytes to `target` ("docx" or "xlsx") with LibreOffice and read the result."""
    converted = convert(data, source, target)
    if isinstance(converted, FileProblem):
        return ReadResult(source, problem=converted)
    if target == "docx":
        from ziping.readers.docx import read_docx

        return read_docx(converted, source)
    from ziping.readers.xlsx import read_workbook

    return read_workbook(converted, source)


def convert(data: bytes, source: str, target: str) -> bytes | FileProblem:
    """The converted file's bytes, or why there are none; nothing is left in the temporary folder."""
    soffice = find_soffice()
    if soffice is None:
        return FileProblem(
            "ZP001", f"是旧版 Word/WPS 文件，{INSTALL_HINT_ZH}", f"an old Word/WPS file: {INSTALL_HINT_EN}"
        )
    suffix = Path(source).suffix.lower() if Path(source).suffix.lower() in TARGETS else ".doc"
    limit = timeout_seconds()
    with tempfile.TemporaryDirectory(prefix="ziping-soffice-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        # An ASCII name: the user's file name (中文, spaces, quotes) never reaches the command line.
        original = folder / f"input{suffix}"
        original.write_bytes(data)
        out = folder / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(original),
        ]
        with open(folder / "log", "wb") as log:
            # Its own session: on timeout the whole group (oosplash, soffice.bin) is killed, not just the launcher.
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=folder, start_new_session=True
            )
            try:
                process.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                return FileProblem(
                    "ZP001",
                    f"LibreOffice 转换超时（超过 {limit:g} 秒），未读取；请将文件另存为 .docx/.xlsx 后再检查",
                    f"LibreOffice conversion timed out (over {limit:g} s); save the file as .docx/.xlsx",
                )
        result = out / f"input.{target}"
        if not result.is_file():
            return FileProblem(
                "ZP001",
                "LibreOffice 无法转换此文件（文件可能已损坏、设有密码或不是 Word/WPS 文件）",
                "LibreOffice could not convert the file (damaged, password-protected, or not Word/WPS)",
            )
        return result.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    # Before `wait` reaps the launcher its pid, and so the group's id, cannot belong to anyone else.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
