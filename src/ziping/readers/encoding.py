"""Decoding the bytes of a text file: UTF-8 (with or without BOM), GB18030 and UTF-16 with BOM are met in practice."""

from __future__ import annotations

ENCODINGS = ("utf-8-sig", "gb18030")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we read."""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with; raises UndecodableError for binary data."""
    # Notepad's "Unicode" saves UTF-16 with a BOM; its NUL bytes must not be taken for binary.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UndecodableError("encoding") from None
    if b"\x00" in data[:4096]:
        # UTF-16 or a binary file: GB18030 would "decode" it into nonsense.
        raise UndecodableError("binary")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UndecodableError("encoding")
