"""The server's protections, each in one place: sessions and sign-in, CSRF, response headers, the body limit,
paths that stay inside a folder.

Sessions live in the server's memory: a cookie holds only a random session ID (HttpOnly, SameSite=Strict),
so nothing a browser sends can forge a session, and a restart signs everyone out.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "ziping_session"
SESSIONS_MAX = 10_000  # the oldest session is forgotten past this, so no client can fill the memory
SESSION_SECONDS = 12 * 3600
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# No inline script, nothing from elsewhere, no framing.
HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@dataclass(slots=True)
class Session:
    """One browser's session: its CSRF token, whether it signed in, the reviewer's name, its language."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    signed_in: bool = False
    reviewer: str = ""
    lang: str = "zh"
    created: float = field(default_factory=time.monotonic)
    reports: dict[str, Any] = field(default_factory=dict)  # self-check reports kept for download


class Sessions:
    """Sessions by ID, in memory, bounded in number and age."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None or time.monotonic() - session.created > SESSION_SECONDS:
                self._sessions.pop(sid, None)
                return None
            return session

    def new(self) -> tuple[str, Session]:
        sid, session = secrets.token_urlsafe(32), Session()
        with self._lock:
            self._sessions[sid] = session
            while len(self._sessions) > SESSIONS_MAX:
                self._sessions.popitem(last=False)
        return sid, session

    def renew(self, sid: str) -> tuple[str, Session]:
        """A signed-in session gets a new ID (so an ID planted before sign-in is worth nothing)."""
        with self._lock:
            session = self._sessions.pop(sid)
        new = secrets.token_urlsafe(32)
        session.csrf = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[new] = session
        return new, session


def cookie_header(sid: str) -> str:
    """The session cookie: unreadable to scripts, never sent with a request another site starts."""
    return f"{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}"


def token_matches(given: str | None, token: str) -> bool:
    """Compare a token in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def signed_in(session: Session, token: str | None) -> bool:
    """Whether a request may use the server: no token demanded, or this session signed in with it."""
    return token is None or session.signed_in


def csrf_valid(session: Session, given: str | None) -> bool:
    """Whether a state-changing request carries its session's CSRF token."""
    return given is not None and hmac.compare_digest(given.encode(), session.csrf.encode())


def inside(root: Path, relative: str) -> Path | None:
    """`root / relative` when it stays inside `root` (after resolving .. and links), else None."""
    base = root.resolve()
    target = (base / relative).resolve()
    return target if target.is_relative_to(base) and target != base else None


class SecurityHeaders:
    """Adds HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(Exception):
    """A request body past the limit (raised while it streams in)."""


class BodyLimit:
    """Refuses a body over `limit` bytes: at once when Content-Length says so, else as soon as it passes it."""

    def __init__(self, app: ASGIApp, limit: int, refuse: Any) -> None:
        self.app, self.limit, self.refuse = app, limit, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self.refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await self.refuse(scope, receive, send)


class SessionAuth:
    """Gives every request its session (a new one, with its cookie, when it has none) and lets a request
    through only when signed_in says so; the sign-in page and the static files are open to all."""

    def __init__(self, app: ASGIApp, sessions: Sessions, token: str | None, refuse: Any) -> None:
        self.app, self.sessions, self.token, self.refuse = app, sessions, token, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sid = _cookie(scope, COOKIE)
        session = self.sessions.get(sid)
        if session is None:
            sid, session = self.sessions.new()
        state = scope.setdefault("state", {})
        state["session"], state["sid"] = session, sid

        async def with_cookie(message: Message) -> None:
            # A new session, or one renewed at sign-in (the handler put its new ID in the state), sets the cookie.
            if message["type"] == "http.response.start" and state["sid"] != _cookie(scope, COOKIE):
                message["headers"] = [
                    *message.get("headers", []),
                    (b"set-cookie", cookie_header(state["sid"]).encode()),
                ]
            await send(message)

        path = scope["path"]
        if not signed_in(session, self.token) and path != "/login" and not path.startswith("/static/"):
            await self.refuse(scope, receive, with_cookie)
            return
        await self.app(scope, receive, with_cookie)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None
