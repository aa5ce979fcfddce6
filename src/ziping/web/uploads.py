"""What an upload brings, made safe: archives unpacked within bounds, names cleaned, contents stored by hash.

Nothing a client names reaches the file system: a file's bytes are stored as `blobs/<2 hex>/<sha256>` under the
data folder, and the queue knows it by a path built from its hash and its cleaned name
(`uploads/<12 hex>/<name>`, a link to the blob), so two files with one name never overwrite each other and
the same file sent twice is the same submission. Stored files are data only: served as downloads, never run.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ziping.readers import SUPPORTED_SUFFIXES
from ziping.web.config import MB, Limits
from ziping.web.security import inside

ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab", ".jar")
# Signatures of archives ziping does not unpack inside another (a zip's own is checked apart: OOXML files are zips).
ARCHIVE_MAGIC = (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"\x28\xb5\x2f\xfd", b"MSCF")
ZIP_MAGIC = b"PK\x03\x04"
UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')
HEX = re.compile(r"^[0-9a-f]{64}$")
NAME_MAX = 120  # characters of one path component


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file accepted from an upload: its cleaned relative name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Refused:
    """A file not accepted, with the reason's key in the web words (and its parameters)."""

    name: str
    reason: str
    params: tuple[tuple[str, object], ...] = ()


class TooMany(Exception):
    """More files than an upload may hold, archives unpacked."""


def safe_name(name: str) -> str:
    """A client's file name as a relative POSIX path of clean parts: no root, no `..`, no control or reserved
    characters, no leading dots, each part bounded; Chinese kept as written (NFC)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    parts = []
    for part in name.split("/"):
        part = UNSAFE.sub("_", part).strip().lstrip(".").strip()
        if part:
            stem, suffix = os.path.splitext(part)
            parts.append(stem[: NAME_MAX - len(suffix[:16])] + suffix[:16])
    return "/".join(parts) or "未命名"


def is_document_zip(data: bytes) -> bool:
    """A zip that is an Office document (xlsx, docx …), not an archive of files."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def is_archive(name: str, data: bytes) -> bool:
    """An archive ziping will not read as a form (a zip that is not an Office document, a tar, a rar …).

    A file named as a form (自评表.xlsx) is the reader's to judge, damaged or not: it becomes a queue row
    saying what is wrong with it, as in `ziping triage`."""
    lower = name.lower()
    if lower.endswith(ARCHIVE_SUFFIXES):
        return True
    if lower.endswith(tuple(SUPPORTED_SUFFIXES)):
        return False
    if data.startswith(ZIP_MAGIC):
        return not is_document_zip(data)
    return data.startswith(ARCHIVE_MAGIC)


def unpack(name: str, data: bytes, limits: Limits) -> tuple[list[Incoming], list[Refused]]:
    """One uploaded file: itself, or the files of a .zip (one level deep, bounded); what is refused says why."""
    name = safe_name(name)
    if not data:
        return [], [Refused(name, "empty_file")]
    archive = is_archive(name, data)
    if len(data) > limits.file_bytes and not archive:
        return [], [Refused(name, "file_large", (("mb", limits.file_bytes // MB),))]
    if not archive:
        return [Incoming(name, data)], []
    if not data.startswith(ZIP_MAGIC):
        return [], [Refused(name, "zip_nested")]  # a tar, rar … is not unpacked at all
    return _unzip(name, data, limits)


def _unzip(name: str, data: bytes, limits: Limits) -> tuple[list[Incoming], list[Refused]]:
    folder = str(PurePosixPath(name).with_suffix(""))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return [], [Refused(name, "zip_bad")]
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > limits.files:
            raise TooMany
        # Declared sizes first (cheap), then the bytes actually inflated, which a forged header cannot hide.
        if sum(m.file_size for m in members) > limits.unzipped_bytes or any(_bomb(m, limits) for m in members):
            return [], [Refused(name, "zip_bomb")]
        accepted, refused, total = [], [], 0
        for member in members:
            shown = f"{folder}/{safe_name(member.filename)}"
            try:
                content = _read(archive, member, limits.file_bytes)
            except _Overflow:
                refused.append(Refused(shown, "file_large", (("mb", limits.file_bytes // MB),)))
                continue
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
                return [], [Refused(name, "zip_bad")]
            total += len(content)
            if total > limits.unzipped_bytes:
                return [], [Refused(name, "zip_bomb")]
            if not content:
                refused.append(Refused(shown, "empty_file"))
            elif is_archive(member.filename, content):
                refused.append(Refused(shown, "zip_nested"))
            else:
                accepted.append(Incoming(shown, content))
        return accepted, refused


def _bomb(member: zipfile.ZipInfo, limits: Limits) -> bool:
    return member.file_size > MB and member.file_size > limits.zip_ratio * max(member.compress_size, 1)


class _Overflow(Exception):
    pass


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, stopping as soon as they pass `limit` (its header may understate them)."""
    out = bytearray()
    with archive.open(member) as fh:
        while chunk := fh.read(MB):
            out += chunk
            if len(out) > limit:
                raise _Overflow
    return bytes(out)


class Blobs:
    """Files by content under the data folder: `blobs/ab/<sha256>`, and the queue's path for each upload."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.root = data / "blobs"
        self.uploads = data / "uploads"

    def put(self, content: bytes) -> str:
        """Store bytes (once: the same content is the same file); returns their sha256."""
        sha = hashlib.sha256(content).hexdigest()
        target = self.path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{sha}.{os.getpid()}.{id(content)}")
            temporary.write_bytes(content)
            os.chmod(temporary, 0o444)  # data, never a program
            os.replace(temporary, target)
        return sha

    def path(self, sha: str) -> Path:
        """Where the content with this hash is (the hash checked, so nothing else can be named)."""
        if not HEX.match(sha):
            raise ValueError("not a sha256")
        return self.root / sha[:2] / sha

    def read(self, sha: str) -> bytes | None:
        try:
            return self.path(sha).read_bytes()
        except (OSError, ValueError):
            return None

    def submission(self, sha: str, name: str) -> Path:
        """The path the queue knows an upload by: its hash and cleaned name, linked to the stored content."""
        target = inside(self.uploads, f"{sha[:12]}/{safe_name(name)}")
        if target is None:
            raise ValueError(name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.path(sha), target)
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links: a copy, still under the data folder
                target.write_bytes(self.path(sha).read_bytes())
        return target
