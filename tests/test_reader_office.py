"""Old Word and WPS files through LibreOffice: the message without it, the time limit, the conversion."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from ziping.readers import office, read_bytes, read_path
from ziping.readers.xlsx import OLE_MAGIC

from .conftest import FIXTURES, SEED
from .test_reader_xlsx import projection

DOCX = FIXTURES / "docx"
TEXT_FORMS = read_path(SEED).forms
OLD_WORD = OLE_MAGIC + b"\x00" * 1024  # enough to be taken for an old binary file; soffice never sees it here


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, so files other runs leave in /tmp do not count."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _on_path(monkeypatch, folder: Path, script: str | None) -> None:
    """PATH holding only `folder`, with a fake `soffice` there when a script is given."""
    folder.mkdir(exist_ok=True)
    if script is not None:
        fake = folder / "soffice"
        fake.write_text("#!/bin/sh\nPATH=/usr/bin:/bin\n" + script, encoding="utf-8")  # its own tools still found
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


@pytest.mark.parametrize("name", ["旧版自评表.doc", "自评表.wps", "自评表.et"])
def test_without_libreoffice_the_message_says_what_to_install(tmp_path, monkeypatch, private_tmp, name):
    _on_path(monkeypatch, tmp_path / "bin", None)
    read = read_bytes(OLD_WORD, name)
    assert read.problem.code == "ZP001"
    assert "需要安装 LibreOffice" in read.problem.reason_zh and "libreoffice-writer-nogui" in read.problem.reason_zh
    assert "另存为 .docx/.xlsx" in read.problem.reason_zh and "LibreOffice" in read.problem.reason_en
    assert list(private_tmp.iterdir()) == []


def test_an_old_word_file_under_another_name_goes_to_libreoffice(tmp_path, monkeypatch):
    _on_path(monkeypatch, tmp_path / "bin", None)
    read = read_bytes(OLD_WORD, "自评表.txt")  # OLE2 but not a workbook: taken for Word
    assert read.problem.code == "ZP001" and "需要安装 LibreOffice" in read.problem.reason_zh


def test_a_doc_that_is_really_a_docx_needs_no_libreoffice(tmp_path, monkeypatch):
    _on_path(monkeypatch, tmp_path / "bin", None)
    read = read_bytes((DOCX / "longgang-2023-form3.docx").read_bytes(), "自评表.doc")
    assert projection(read.forms[0]) == projection(TEXT_FORMS[2])


def test_a_hanging_conversion_is_killed_at_the_time_limit(tmp_path, monkeypatch, private_tmp):
    pids = tmp_path / "pids"
    # The launcher and a helper it started, as soffice starts soffice.bin: both must go.
    _on_path(monkeypatch, tmp_path / "bin", f'sleep 30 &\necho $! > "{pids}"\necho $$ >> "{pids}"\nwait\n')
    monkeypatch.setenv("ZIPING_SOFFICE_TIMEOUT", "0.5")
    started = time.monotonic()
    read = read_bytes(OLD_WORD, "卡住.doc")
    assert time.monotonic() - started < 10
    assert read.problem.code == "ZP001" and "超时" in read.problem.reason_zh and "0.5 秒" in read.problem.reason_zh
    for pid in map(int, pids.read_text().split()):
        assert _gone(pid), pid
    assert list(private_tmp.iterdir()) == []


def _gone(pid: int) -> bool:
    """Dead (or a zombie waiting for init to reap it) within a few seconds."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_the_timeout_default_and_override(monkeypatch):
    monkeypatch.delenv("ZIPING_SOFFICE_TIMEOUT", raising=False)
    assert office.timeout_seconds() == office.TIMEOUT_SECONDS == 60
    monkeypatch.setenv("ZIPING_SOFFICE_TIMEOUT", "120")
    assert office.timeout_seconds() == 120
    monkeypatch.setenv("ZIPING_SOFFICE_TIMEOUT", "很久")
    assert office.timeout_seconds() == 60


def test_a_failed_conversion_is_zp001(tmp_path, monkeypatch, private_tmp):
    _on_path(monkeypatch, tmp_path / "bin", "exit 1\n")
    read = read_bytes(OLD_WORD, "坏.doc")
    assert read.problem.code == "ZP001" and "无法转换" in read.problem.reason_zh
    assert list(private_tmp.iterdir()) == []


def test_the_converted_file_is_read_and_the_folder_removed(tmp_path, monkeypatch, private_tmp):
    """A fake soffice that 'converts' by copying a .docx where the real one writes its output."""
    args = tmp_path / "args"
    fixture = DOCX / "longgang-2023-form2.docx"
    script = (
        f'printf "%s\\n" "$@" > "{args}"\n'
        'prev=""; for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
        f'mkdir -p "$out" && cp "{fixture}" "$out/input.docx"\n'
    )
    _on_path(monkeypatch, tmp_path / "bin", script)
    read = read_bytes(OLD_WORD, "人大 代表工作（终稿）.doc")
    assert read.problem is None and projection(read.forms[0]) == projection(TEXT_FORMS[1])
    argv = args.read_text(encoding="utf-8").splitlines()
    assert "--headless" in argv and argv[argv.index("--convert-to") + 1] == "docx"
    assert any(a.startswith("-env:UserInstallation=file://") for a in argv)  # a private profile per run
    assert argv[-1].endswith("input.doc")  # the user's file name never reaches the command line
    assert list(private_tmp.iterdir()) == []


@pytest.mark.skipif(office.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_real_doc_converted_by_libreoffice(tmp_path, private_tmp):
    """Save a seed .docx as .doc with LibreOffice itself, then read the .doc back through it."""
    profile = (tmp_path / "profile").as_uri()

    def convert(source: Path, target: str) -> Path:
        command = [office.find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
        subprocess.run([*command, "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
        return tmp_path / f"{source.stem}.{target}"

    # By way of .odt: LibreOffice 7.4 drops python-docx's tables when it writes .doc from .docx directly.
    doc = convert(convert(DOCX / "longgang-2023-form3.docx", "odt"), "doc")
    assert doc.read_bytes().startswith(OLE_MAGIC)
    read = read_path(doc)
    assert read.problem is None and projection(read.forms[0]) == projection(TEXT_FORMS[2])
    assert list(private_tmp.iterdir()) == []
