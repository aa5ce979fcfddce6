"""Helpers for the tests of `ziping serve`: an app over a fresh store, its CSRF token, uploads that finish."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ziping.web import Limits, ServeConfig, create_app

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
FORM_LINK = re.compile(r'href="/forms/([0-9a-f]{10}-\d+)"')


def make_app(tmp_path: Path, **options):
    """An app over tmp_path/store.db with its data under tmp_path/data (options: ServeConfig fields, llm=)."""
    llm = options.pop("llm", None)
    config = ServeConfig(db=tmp_path / "store.db", data=tmp_path / "data", **options)
    return create_app(config, llm=llm)


def client_of(app, **kwargs) -> TestClient:
    # base_url on loopback: the client's Host is what a browser on this machine sends
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False, **kwargs)


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, as every page carries it for its forms and scripts."""
    page = client.get("/check")
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


def wait_idle(app, timeout: float = 60) -> None:
    """Until every background job has finished."""
    deadline = time.monotonic() + timeout
    while app.state.server.jobs.busy():
        assert time.monotonic() < deadline, "background jobs did not finish"
        time.sleep(0.02)


def upload(client: TestClient, files: list[tuple[str, bytes]], csrf: str | None = None):
    """POST files to /upload as a browser's form does; waits for the job it starts."""
    token = csrf if csrf is not None else csrf_of(client)
    response = client.post("/upload", data={"csrf": token}, files=[("files", (name, data)) for name, data in files])
    if response.status_code in (202, 303):
        wait_idle(client.app)
    return response


def form_ids(html: str) -> list[str]:
    """The form IDs of a queue page, in the order shown."""
    return list(dict.fromkeys(FORM_LINK.findall(html)))


def fails_without(check, monkeypatch, target: str, replacement) -> None:
    """`check` holds with the protection, and fails once `target` is replaced: the test is of that protection."""
    check()
    with monkeypatch.context() as patched:
        patched.setattr(target, replacement)
        with pytest.raises(AssertionError):
            check()


ALL_LIMITS_OFF = Limits(request_bytes=10**12, files=10**6, file_bytes=10**12, unzipped_bytes=10**12, zip_ratio=10**9)
