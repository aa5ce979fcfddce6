"""Decoding the bytes of a text file: UTF-8 (with or without BOM), GB18030 and UTF-16 with BOM are met in practice."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we read."""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with; raises UndecodableError for binary data."""
    for encoding in _candidates(data[:4096]):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UndecodableError("encoding")


def file_encoding(path: str | Path) -> str:
    """The encoding `decode` would read a file's bytes with, found piece by piece, never holding the file."""
    with open(path, "rb") as fh:
        for encoding in _candidates(fh.read(4096)):
            fh.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise UndecodableError("encoding")


def file_lines(path: str | Path, encoding: str) -> Iterator[str]:
    """A text file's lines as `str.splitlines` splits its text, read piece by piece."""
    # newline="": lines end where universal newlines end them, untranslated; splitlines then cuts where
    # it also cuts (form feeds, U+2028 …), so the lines are those of the whole text.
    with open(path, encoding=encoding, newline="") as fh:
        for line in fh:
            yield from line.splitlines()


def _candidates(head: bytes) -> tuple[str, ...]:
    """The encodings to try, in order, for a text that starts with these bytes."""
    # Notepad's "Unicode" saves UTF-16 with a BOM; its NUL bytes must not be taken for binary.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    if b"\x00" in head:
        # UTF-16 or a binary file: GB18030 would "decode" it into nonsense.
        raise UndecodableError("binary")
    return ENCODINGS
