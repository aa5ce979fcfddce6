"""What a server is started with: where the store and the data folder are, who may use it, upload limits."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ziping.readers import MAX_BYTES

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one request may bring."""

    request_bytes: int = 200 * MB  # one upload, all files together (the body as sent)
    files: int = 1000  # files in one upload, archives unpacked
    file_bytes: int = MAX_BYTES  # one file: what the readers accept
    unzipped_bytes: int = 200 * MB  # everything one archive inflates to
    zip_ratio: int = 100  # a member inflating more than this many times over (and past 1 MB) is a bomb
    selfcheck_files: int = 10


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """One server: its store, data folder, optional inbox, address, access token and limits."""

    db: Path
    data: Path  # uploads and originals live here, content-addressed; nothing else is written
    inbox: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None  # None: no sign-in (allowed on loopback only, see access_token)
    limits: Limits = field(default_factory=Limits)
    inbox_seconds: float = 5.0  # how often the inbox is looked at


class TokenRequired(ValueError):
    """A server bound beyond loopback without an access token."""


def is_loopback(host: str) -> bool:
    """Whether an address to bind to reaches this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def access_token(host: str, given: str | None) -> tuple[str | None, bool]:
    """The token the server demands, and whether it was generated here (to be printed once).

    On loopback a token is optional; beyond it a server never runs without one."""
    if given:
        return given, False
    if is_loopback(host):
        return None, False
    return secrets.token_urlsafe(24), True
