"""The protections of `ziping serve`, each a test that passes with it and fails once it is switched off."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from typer.testing import CliRunner

from ziping.cli import app as cli
from ziping.web import Limits
from ziping.web import security as sec
from ziping.web.config import access_token

from .conftest import SEED
from .web_helpers import ALL_LIMITS_OFF, client_of, csrf_of, fails_without, form_ids, make_app, upload

SEED_BYTES = SEED.read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ── who may use it ───────────────────────────────────────────────────────────────────────────


def test_loopback_by_default_and_a_token_beyond_it(monkeypatch):
    def check():
        assert access_token("127.0.0.1", None) == (None, False)
        for host in ("0.0.0.0", "192.168.1.20", "::", "ziping.example"):
            token, generated = access_token(host, None)
            assert generated and token and len(token) >= 24, host

    fails_without(check, monkeypatch, "ziping.web.config.is_loopback", lambda host: True)


def test_the_server_refuses_to_run_beyond_loopback_without_a_token():
    from ziping.web.config import ServeConfig, TokenRequired
    from ziping.web.server import run

    with pytest.raises(TokenRequired):
        run(ServeConfig(db=SEED.parent / "never.db", data=SEED.parent, host="0.0.0.0", token=None))


def test_serve_prints_a_generated_token_once(monkeypatch, tmp_path):
    started = []

    def run(config, ready):
        started.append(config)
        ready()

    monkeypatch.setattr("ziping.web.server.run", run)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 0, result.output
    (config,) = started
    assert config.token and result.output.count(config.token) == 1 and "只显示这一次" in result.output
    started.clear()
    local = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "t.db")])
    assert local.exit_code == 0 and started[0].token is None and started[0].host == "127.0.0.1"


def test_the_token_is_exchanged_for_a_strict_http_only_cookie(tmp_path, monkeypatch):
    app = make_app(tmp_path, token="s3cret-token-of-the-office")

    def check():
        with client_of(app) as client:
            assert client.get("/").status_code == 303 and client.get("/").headers["location"] == "/login"
            assert client.get("/export.csv").status_code == 303
            assert client.get("/jobs/1-x.json").status_code == 401
            assert client.post("/marks", data={}).status_code == 401
            assert client.get("/login?token=wrong").status_code == 403
            before = client.cookies.get(sec.COOKIE)
            signed = client.get("/login?token=s3cret-token-of-the-office")
            assert signed.status_code == 303
            cookie = signed.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            assert client.cookies.get(sec.COOKIE) != before  # a new session ID at sign-in
            assert client.get("/").status_code == 200

    fails_without(check, monkeypatch, "ziping.web.security.signed_in", lambda session, token: True)


def test_sign_in_by_form_needs_its_csrf_token(tmp_path):
    app = make_app(tmp_path, token="t0ken-t0ken-t0ken")
    with client_of(app) as client:
        page = client.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        assert client.post("/login", data={"token": "t0ken-t0ken-t0ken"}).status_code == 403
        assert client.post("/login", data={"token": "t0ken-t0ken-t0ken", "csrf": csrf}).status_code == 303
        assert client.get("/").status_code == 200


# ── every POST carries its session's CSRF token ─────────────────────────────────────────────


def test_every_post_route_refuses_a_request_without_its_csrf_token(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    posts = [route.path for route in app.routes if "POST" in (route.methods or ())]
    assert {"/upload", "/check", "/marks", "/forms/{form_id}/mark", "/llm", "/reviewer", "/login"} <= set(posts)

    def check():
        with client_of(app) as client, client_of(app) as other:
            upload(client, [("龙岗.txt", SEED_BYTES)])
            form = form_ids(client.get("/").text)[0]
            foreign = csrf_of(other)  # a token, but another session's
            for path in posts:
                path = path.replace("{form_id}", form)
                for token in (None, "", foreign):
                    data = {"status": "returned", "form_id": form, "reviewer": "x", "token": "x"}
                    if token is not None:
                        data["csrf"] = token
                    files = [("files", ("a.txt", SEED_BYTES))] if path in ("/upload", "/check") else None
                    response = client.post(path, data=data, files=files)
                    assert response.status_code == 403, (path, token, response.status_code)
                    assert "安全令牌" in response.text
            assert client.get(f"/forms/{form}").text.count("尚无标记") == 1  # nothing was marked

    fails_without(check, monkeypatch, "ziping.web.security.csrf_valid", lambda session, given: True)


# ── response headers ─────────────────────────────────────────────────────────────────────────


def test_security_headers_on_every_response(tmp_path, monkeypatch):
    app = make_app(tmp_path, limits=Limits(request_bytes=1000))

    def check():
        with client_of(app) as client:
            responses = [
                client.get("/"), client.get("/static/ziping.js"), client.get("/nowhere"), client.get("/template.xlsx"),
                client.post("/upload", content=b"x" * 5000, headers={"content-type": "application/octet-stream"}),
            ]  # fmt: skip
            for response in responses:
                csp = response.headers.get("content-security-policy", "")
                assert "script-src 'self'" in csp and "unsafe-inline" not in csp, response.url
                assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
                assert response.headers.get("x-content-type-options") == "nosniff"
            # No inline script anywhere: every script is a file the app serves.
            page = responses[0].text
            assert "<script>" not in page and '<script src="/static/ziping.js"' in page
            assert "<style>" not in page and 'href="/static/queue.css"' in page

    fails_without(check, monkeypatch, "ziping.web.security.HEADERS", {})


# ── uploads ──────────────────────────────────────────────────────────────────────────────────


class _NoLimit:
    def __init__(self, app, **kwargs):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


def test_an_upload_too_large_is_a_chinese_413(tmp_path, monkeypatch):
    limits = Limits(request_bytes=64 * 1024)

    def check():
        app = make_app(tmp_path, limits=limits)
        with client_of(app) as client:
            csrf = csrf_of(client)
            big = [("files", ("大.txt", SEED_BYTES * 8))]
            response = client.post("/upload", data={"csrf": csrf}, files=big)
            assert response.status_code == 413 and "上传过大：单次上传不超过 0.0625 MB" in response.text
            # Without a Content-Length (chunked), stopped as the body passes the limit.
            chunks = (b"-" * 8192 for _ in range(20))
            streamed = client.post(
                "/upload", content=chunks, headers={"content-type": "multipart/form-data; boundary=x"}
            )
            assert streamed.status_code == 413 and "上传过大" in streamed.text

    fails_without(check, monkeypatch, "ziping.web.security.BodyLimit", _NoLimit)


def test_too_many_files_is_a_chinese_413(tmp_path):
    def check(limits):
        app = make_app(tmp_path / str(limits.files), limits=limits)
        with client_of(app) as client:
            files = [(f"表{k}.txt", SEED_BYTES.replace(b"2023", str(2000 + k).encode(), 1)) for k in range(5)]
            response = upload(client, files)
            assert response.status_code == 413 and "文件过多：单次上传不超过 3 个文件" in response.text
            zipped = upload(client, [("批次.zip", _zip(dict(files)))])  # unpacked, the count is the same
            assert zipped.status_code == 413

    check(Limits(files=3))
    with pytest.raises(AssertionError):
        check(ALL_LIMITS_OFF)


def test_zip_bombs_are_refused(tmp_path):
    bomb = _zip({"炸弹.txt": b"0" * (20 * 1024 * 1024)})  # 20 MB of zeros in about 20 KB
    assert len(bomb) < 100_000

    def check(limits):
        app = make_app(tmp_path / str(limits.zip_ratio), limits=limits)
        with client_of(app) as client:
            response = upload(client, [("bomb.zip", bomb), ("龙岗.txt", SEED_BYTES)])
            job = client.get(response.headers["location"]).text
            assert "疑似压缩炸弹" in job
            blobs = list((tmp_path / str(limits.zip_ratio) / "data" / "blobs").rglob("*"))
            assert all(b.is_dir() or b.stat().st_size < 1024 * 1024 for b in blobs)  # the bomb was never written

    check(Limits())
    with pytest.raises(AssertionError):
        check(ALL_LIMITS_OFF)


def test_nested_archives_are_refused(tmp_path, monkeypatch):
    inner = _zip({"龙岗.txt": SEED_BYTES})
    outer = _zip({"外层/内层.zip": inner, "外层/龙岗副本.txt": SEED_BYTES})
    app = make_app(tmp_path)

    def check():
        with client_of(app) as client:
            response = upload(client, [("批次.zip", outer), ("打包.tar.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 100)])
            job = client.get(response.headers["location"]).text
            assert job.count("压缩包中的压缩包不予处理") == 2
            assert "内层.zip" in job and "打包.tar.gz" in job
            page = client.get("/").text
            assert "龙岗副本.txt" in page and "内层" not in page and "打包" not in page

    fails_without(check, monkeypatch, "ziping.web.uploads.is_archive", lambda name, data: False)


def test_file_names_are_cleaned(tmp_path, monkeypatch):
    app = make_app(tmp_path)

    def check():
        with client_of(app) as client:
            upload(client, [("..\\逃逸<script>?.txt", SEED_BYTES)])
            page = client.get("/").text
            assert "逃逸_script__.txt" in page and "..\\" not in page
            uploads = tmp_path / "data" / "uploads"
            assert [p.name for p in uploads.rglob("*.txt")] == ["逃逸_script__.txt"]

    fails_without(check, monkeypatch, "ziping.web.uploads.safe_name", lambda name: name)
    fresh = tmp_path / "fresh"
    with client_of(make_app(fresh)) as client:  # a climb out of the folder is cut to the name itself
        upload(client, [("../../../..//上级.txt", SEED_BYTES)])
        assert [p.name for p in (fresh / "data" / "uploads").rglob("*.txt")] == ["上级.txt"]
    assert {p.name for p in fresh.iterdir()} <= {"data", "store.db", "store.db-shm", "store.db-wal"}


def test_files_are_stored_by_content_and_served_as_downloads_only(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    page = b"<html><script>alert(1)</script></html>"

    def check():
        with client_of(app) as client:
            upload(client, [("网页.html", page)])
            (form,) = form_ids(client.get("/").text)
            response = client.get(f"/forms/{form}/original")
            assert response.content == page
            assert response.headers["content-type"] == "application/octet-stream"
            assert response.headers["content-disposition"].startswith("attachment;")
            stored = [p for p in (tmp_path / "data" / "blobs").rglob("*") if p.is_file()]
            assert len(stored) == 1 and not os.stat(stored[0]).st_mode & 0o111  # data, never a program

    fails_without(
        check,
        monkeypatch,
        "ziping.web.app.download",
        lambda data, name: __import__("starlette.responses").responses.HTMLResponse(data),
    )


def test_no_request_reaches_the_file_system_outside_its_folder(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("不该被读到的内容", encoding="utf-8")

    def check():
        with client_of(app) as client:
            for path in (
                "/static/..%2F..%2F..%2Fstore.py", "/static/..%2Fapp.py", "/static/%2Fetc%2Fpasswd",
                f"/static/{'..%2F' * 12}{str(secret).lstrip('/').replace('/', '%2F')}",
                "/forms/..%2F..%2Fsecret.txt/original", "/jobs/..%2Fsecret.txt.json", "/check/..%2Fx/report.html",
            ):  # fmt: skip
                response = client.get(path)
                assert response.status_code == 404, path
                assert "不该被读到" not in response.text and "import" not in response.text, path

    fails_without(check, monkeypatch, "ziping.web.security.inside", lambda root, relative: root.resolve() / relative)


def test_form_text_is_rendered_escaped(tmp_path, monkeypatch):
    from jinja2 import ChoiceLoader, Environment, PackageLoader

    hostile = SEED.read_text(encoding="utf-8").replace("人大宣传", "<script>alert('人大')</script>", 1)
    app = make_app(tmp_path)

    def check():
        with client_of(app) as client:
            upload(client, [("恶意.txt", hostile.encode())])
            pages = [client.get("/").text]
            pages += [client.get(f"/forms/{form}").text for form in form_ids(pages[0])]
            csrf = csrf_of(client)
            pages.append(
                client.post("/check", data={"csrf": csrf}, files=[("files", ("恶意.txt", hostile.encode()))]).text
            )
            for page in pages:
                assert "<script>alert" not in page
            assert all("&lt;script&gt;alert(" in page for page in pages[:2] + pages[-1:])

    def unescaped(*packages):
        loaders = [PackageLoader(p, "templates") for p in (*packages, "ziping.reports")]
        return Environment(loader=ChoiceLoader(loaders), autoescape=False, trim_blocks=True, lstrip_blocks=True)

    fails_without(check, monkeypatch, "ziping.reports.html.environment", unescaped)
