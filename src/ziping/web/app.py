"""The web application: the checker (自查) and the review queue (审核队列) over the store the CLI uses.

Routes call the library (checks.Checker, triage, queue_table, the report renderers and exporters, the LLM
Reviewer) as the CLI does, never the CLI. Pages are the report and queue templates, extended.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ziping import queue_table, triage
from ziping.checks import Checker, FileResult
from ziping.store import STATUSES, Store
from ziping.web import security
from ziping.web.config import MB, ServeConfig
from ziping.web.jobs import InboxWatcher, Jobs
from ziping.web.security import Session, Sessions
from ziping.web.uploads import Blobs, Incoming, Refused, TooMany, safe_name, unpack
from ziping.web.words import WORDS

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
REPORT_TEMPLATES = HERE.parent / "reports" / "templates"
# The report and queue styles are served from where the exported pages inline them from: one copy each.
SHARED_STATIC = {"form.css": REPORT_TEMPLATES / "form.css", "queue.css": REPORT_TEMPLATES / "queue.css"}
MEDIA = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
REPORT_MINUTES = 30
THREADS = 8
# The queue on screen: the columns a reviewer scans; the rest are on each form's page and in the exports.
SCREEN_COLUMNS = (
    "rank", "form_id", "risk", "project_name", "unit", "year", "file", "declared_total", "computed_total",
    "errors", "warnings", "infos", "top1", "llm_status", "status_label", "note", "duplicates",
)  # fmt: skip


class Server:
    """What the routes share: the configuration, a store connection per thread, jobs, sessions."""

    def __init__(self, config: ServeConfig, checker: Checker | None = None, llm: Any = None) -> None:
        self.config = config
        self.checker = checker or Checker.create()
        self.llm = llm
        self.blobs = Blobs(config.data)
        self.sessions = Sessions()
        self.jobs = Jobs(config.db, self.blobs, self.checker, llm)
        self.watcher = InboxWatcher(config.inbox, self.jobs, self.blobs, config.inbox_seconds) if config.inbox else None
        self._local = threading.local()
        Store(config.db).close()  # a store that cannot be opened stops the server before it listens

    def store(self) -> Store:
        """This thread's connection (SQLite connections are not shared between threads)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.config.db)
        return store

    def start(self) -> None:
        self.jobs.start()
        if self.watcher is not None:
            self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.jobs.stop()


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def session_of(request: Request) -> Session:
    return request.state.session


def lang_of(request: Request) -> str:
    """?lang=en switches the session to English, ?lang=zh back; Chinese first."""
    session = session_of(request)
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        session.lang = asked
    return session.lang


def words_of(request: Request) -> dict[str, str]:
    return WORDS[lang_of(request)]


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    from ziping.reports.html import environment

    session = session_of(request)
    lang = lang_of(request)
    server: Server = request.app.state.server
    common = {
        "ww": WORDS[lang],
        "lang": lang,
        "csrf": session.csrf,
        "reviewer": session.reviewer,
        "signed_in": server.config.token is None or session.signed_in,
        "request_path": request.url.path,
        "active_jobs": [job.view() for job in server.jobs.active()],
        "llm_model": server.llm.model if server.llm is not None else None,
    }
    page = environment("ziping.web").get_template(template).render({**common, **context})
    return HTMLResponse(page, status_code=status)


def report_context(lang: str, title: str, view: Any = None, llm_note: str = "") -> dict[str, Any]:
    """What form.html.j2 needs to draw a page, with or without a file's report in it."""
    from ziping.reports.html import page_context
    from ziping.reports.labels import LABELS

    context = {
        "w": LABELS[lang], "html_lang": "zh-CN" if lang == "zh" else "en", "page_title": title, "footer": "",
        "path": "", "view": None,
    }  # fmt: skip
    if view is not None:
        context.update(page_context(view))
    context["llm_note"] = llm_note  # what the web page says of the LLM, not the CLI's advice
    return context


def fail(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "message.html.j2", status=status, message=message)


class InMemoryParser(MultiPartParser):
    """Uploaded files stay in memory (bounded by the body limit): a self-check writes nothing to disk."""

    spool_max_size = 256 * MB


async def posted(request: Request, files: int = 0) -> FormData:
    """A POST's form (multipart with at most `files` files), refused unless it carries its session's CSRF token."""
    server: Server = request.app.state.server
    ww = words_of(request)
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            parser = InMemoryParser(request.headers, request.stream(), max_files=files, max_fields=200)
            form = await parser.parse()
        else:
            form = await request.form(max_files=0, max_fields=200)
    except MultiPartException as exc:
        if "Too many files" in exc.message:
            raise HTTPException(413, ww["too_many"].format(n=files or server.config.limits.files)) from None
        raise HTTPException(400, ww["bad_upload"]) from None
    given = form.get(security.CSRF_FIELD) or request.headers.get(security.CSRF_HEADER)
    if not security.csrf_valid(session_of(request), given if isinstance(given, str) else None):
        raise HTTPException(403, ww["csrf"])
    return form


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def local_target(value: str | None, default: str = "/") -> str:
    """A redirect target from a form: a path of this site only."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


# ── the queue ────────────────────────────────────────────────────────────────────────────────


def _filters(request: Request) -> queue_table.Filters:
    try:
        return queue_table.Filters.of(request.query_params)
    except queue_table.FilterError as exc:
        reason = exc.en if lang_of(request) == "en" else exc.zh
        raise HTTPException(400, words_of(request)["bad_filter"].format(reason=reason)) from None


def _sort(request: Request) -> tuple[str, bool]:
    sort = request.query_params.get("sort", "rank")
    return (sort if sort in queue_table.SORTS else "rank"), request.query_params.get("dir") == "desc"


def _page_number(request: Request) -> int:
    value = request.query_params.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 8 else 1


async def queue_page(request: Request) -> Response:
    from ziping.reports.queue import page_context

    server: Server = request.app.state.server
    filters, (sort, descending), number, lang = (
        _filters(request),
        _sort(request),
        _page_number(request),
        lang_of(request),
    )

    def work():
        store = server.store()
        # While jobs run, their thread renumbers the queue (every few seconds): a page view does not wait for it.
        page = queue_table.page(store, filters, sort, descending, number, lang=lang, current=not server.jobs.busy())
        return page, queue_table.units(store), queue_table.years(store)

    page, units, years = await run_in_threadpool(work)
    totals = {
        "forms": sum(1 for r in page.rows if not r.unreadable), "unreadable": sum(1 for r in page.rows if r.unreadable),
        "error": page.errors, "warning": page.warnings, "info": page.infos,
    }  # fmt: skip
    params = {**filters.params(), "sort": sort, **({"dir": "desc"} if descending else {})}
    return render(
        request,
        "queue_page.html.j2",
        **page_context(page.rows, lang, totals, SCREEN_COLUMNS),
        page=page,
        filters=filters,
        units=units,
        years=years,
        sort=sort,
        descending=descending,
        query=lambda **change: "?" + urlencode({k: v for k, v in {**params, **change}.items() if v not in ("", None)}),
        filter_query=urlencode(filters.params()),
        here=str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
        statuses=STATUSES,
    )


async def export(request: Request) -> Response:
    from ziping.reports.queue import WRITERS

    server: Server = request.app.state.server
    fmt = request.path_params["fmt"]
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(404, words_of(request)["not_found"])
    filters, (sort, descending), lang = _filters(request), _sort(request), lang_of(request)

    def work() -> bytes:
        import tempfile

        rows = queue_table.all_rows(server.store(), filters, sort, descending, lang)
        with tempfile.TemporaryDirectory(prefix="ziping-export-") as tmp:
            target = Path(tmp) / f"queue.{fmt}"
            WRITERS[f".{fmt}"](rows, target, lang)
            return target.read_bytes()

    data = await run_in_threadpool(work)
    name = ("审核队列" if lang == "zh" else "queue") + f".{fmt}"
    media = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(data, media_type=media, headers={"content-disposition": _attachment(name)})


def _attachment(name: str) -> str:
    """A download's header: the name as RFC 5987 says (Chinese kept), an ASCII fallback beside it."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


# ── one form ─────────────────────────────────────────────────────────────────────────────────


def _located(request: Request) -> tuple[str, str, int, int]:
    server: Server = request.app.state.server
    form_id = request.path_params["form_id"].lower()
    found = queue_table.locate(server.store(), form_id)
    if found is None:
        raise HTTPException(404, words_of(request)["unknown_form"].format(id=form_id))
    return form_id, *found


def original_bytes(server: Server, path: str) -> bytes | None:
    """A stored file's content: from the data folder, else from where a `ziping triage` run found it, when that
    file still holds the content the store checked (the path comes from the store, never from a request)."""
    entry = server.store().files([path]).get(path)
    if entry is None:
        return None
    data = server.blobs.read(entry.content_sha256)
    if data is None:
        import hashlib

        with contextlib.suppress(OSError):
            data = Path(path).read_bytes()
        if data is not None and hashlib.sha256(data).hexdigest() != entry.content_sha256:
            data = None
    return data


async def form_page(request: Request) -> Response:
    from ziping.reports.formview import file_view
    from ziping.reports.queue import page_context as queue_page_context

    server: Server = request.app.state.server
    lang = lang_of(request)

    def work():
        form_id, path, index, rank = _located(request)
        store = server.store()
        (row,) = queue_table.rows(store, [(form_id, path, index, rank)], lang) or [None]
        data = original_bytes(server, path)
        view = None
        if data is not None:
            result = server.checker.check_bytes(data, triage.shown_path(path))
            if index:
                forms = [f for f in result.forms if f.form.index == index]
                result = FileResult(result.path, forms, result.error, result.skipped)
            view = file_view(result, lang, server.checker.profile.name).drawn()
        return form_id, row, view, store.history(form_id)

    form_id, row, view, history = await run_in_threadpool(work)
    if row is None:
        raise HTTPException(404, words_of(request)["unknown_form"].format(id=form_id))
    ww = words_of(request)
    queue_context = queue_page_context([row], lang)
    return render(
        request,
        "form_page.html.j2",
        **report_context(
            lang, f"{row.project_name or row.file} · {ww['app']}", view, f"{ww['llm_title']}：{row.llm_status}"
        ),
        finding_headers=queue_context["finding_headers"],
        finding_row=queue_context["finding_row"],
        row=row,
        form_id=form_id,
        history=history,
        statuses=STATUSES,
        status_labels=triage.STATUS_LABELS[lang],
    )


async def original(request: Request) -> Response:
    server: Server = request.app.state.server

    def work():
        path = _located(request)[1]
        return path, original_bytes(server, path)

    path, data = await run_in_threadpool(work)
    if data is None:
        raise HTTPException(404, words_of(request)["original_gone"])
    return download(data, Path(path).name)


def download(data: bytes, name: str) -> Response:
    """A stored file as bytes to save, never a page: the browser neither renders nor runs it (nosniff too)."""
    return Response(data, media_type="application/octet-stream", headers={"content-disposition": _attachment(name)})


def _reviewer(request: Request, form: FormData) -> str:
    session = session_of(request)
    given = str(form.get("reviewer") or "").strip()[:40]
    if given:
        session.reviewer = given
    if not session.reviewer:
        raise HTTPException(400, words_of(request)["need_name"])
    return session.reviewer


async def mark_form(request: Request) -> Response:
    server: Server = request.app.state.server
    form = await posted(request)
    reviewer = _reviewer(request, form)
    status = str(form.get("status") or "")
    if status not in STATUSES:
        raise HTTPException(400, words_of(request)["bad_status"])
    note = str(form.get("note") or "")[:2000]

    def work():
        form_id = _located(request)[0]
        server.store().mark(form_id, status, note, reviewer)
        return form_id

    form_id = await run_in_threadpool(work)
    if wants_json(request):
        return JSONResponse({"marked": [form_id], "status": status, "reviewer": reviewer})
    return RedirectResponse(f"/forms/{form_id}", status_code=303)


async def mark_many(request: Request) -> Response:
    server: Server = request.app.state.server
    form = await posted(request)
    ww = words_of(request)
    reviewer = _reviewer(request, form)
    status = str(form.get("status") or "")
    if status not in STATUSES:
        raise HTTPException(400, ww["bad_status"])
    forms = sorted({str(f).lower() for f in form.getlist("form_id")})
    if not forms:
        raise HTTPException(400, ww["no_selection"])

    def work():
        store = server.store()
        unknown = [f for f in forms if queue_table.locate(store, f) is None]
        if unknown:
            raise HTTPException(404, ww["unknown_form"].format(id=unknown[0]))
        store.mark_many(forms, status, str(form.get("note") or "")[:2000], reviewer)

    await run_in_threadpool(work)
    if wants_json(request):
        return JSONResponse({"marked": forms, "status": status, "reviewer": reviewer})
    return RedirectResponse(local_target(str(form.get("back") or "")), status_code=303)


async def set_reviewer(request: Request) -> Response:
    form = await posted(request)
    session_of(request).reviewer = str(form.get("reviewer") or "").strip()[:40]
    return RedirectResponse(local_target(str(form.get("back") or "")), status_code=303)


# ── uploads and jobs ─────────────────────────────────────────────────────────────────────────


async def upload_page(request: Request) -> Response:
    limits = request.app.state.server.config.limits
    return render(request, "upload.html.j2", mb=limits.request_bytes // MB, files=limits.files)


async def posted_files(request: Request, limit: int) -> list[tuple[str, bytes]]:
    """The files of a POST (names as sent, bytes), at most `limit`, at least one, its CSRF token checked."""
    form = await posted(request, files=limit)
    out = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile):
            out.append((item.filename or "", await item.read()))
            await item.close()
    if len(out) > limit:
        raise HTTPException(413, words_of(request)["too_many"].format(n=limit))
    if not out:
        raise HTTPException(400, words_of(request)["no_files"])
    return out


def accept(server: Server, uploaded: list[tuple[str, bytes]]) -> tuple[list[triage.Source], list[Refused]]:
    """Unpack, store by content and name the upload's files as the queue will know them."""
    limits = server.config.limits
    accepted: list[Incoming] = []
    refused: list[Refused] = []
    for name, data in uploaded:
        files, bad = unpack(name, data, limits)
        accepted += files
        refused += bad
        if len(accepted) > limits.files:
            raise TooMany
    sources, seen = [], set()
    for incoming in accepted:
        sha = server.blobs.put(incoming.data)
        path = str(server.blobs.submission(sha, incoming.name))
        if path not in seen:
            seen.add(path)
            sources.append(triage.Source(triage.shown_path(path), path, sha))
    return sources, refused


async def upload(request: Request) -> Response:
    server: Server = request.app.state.server
    limits = server.config.limits
    uploaded = await posted_files(request, limits.files)
    try:
        sources, refused = await run_in_threadpool(accept, server, uploaded)
    except TooMany:
        raise HTTPException(413, words_of(request)["too_many"].format(n=limits.files)) from None
    job = server.jobs.submit("check", sources, refused)
    if wants_json(request):
        return JSONResponse(
            {"job": job.id, "files": len(sources), "refused": [r.name for r in refused]}, status_code=202
        )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _job(request: Request):
    job = request.app.state.server.jobs.get(request.path_params["job_id"])
    if job is None:
        raise HTTPException(404, words_of(request)["no_job"])
    return job


async def job_page(request: Request) -> Response:
    job = _job(request)
    return render(request, "job.html.j2", job=job, view=job.view(), refused=job.refused)


async def job_json(request: Request) -> Response:
    return JSONResponse(_job(request).view())


# ── self-check ───────────────────────────────────────────────────────────────────────────────


def _check_page(request: Request, shown: list) -> HTMLResponse:
    lang, ww = lang_of(request), words_of(request)
    return render(
        request,
        "check.html.j2",
        **report_context(lang, f"{ww['check_title']} · {ww['app']}"),
        views=shown,
        minutes=REPORT_MINUTES,
        limit=request.app.state.server.config.limits.selfcheck_files,
    )


async def check_page(request: Request) -> Response:
    return _check_page(request, [])


async def check(request: Request) -> Response:
    from ziping.reports.formview import file_view
    from ziping.reports.html import render_view
    from ziping.reports.markdown import render_view as markdown_view

    server: Server = request.app.state.server
    limits = server.config.limits
    uploaded = await posted_files(request, limits.selfcheck_files)
    lang, session = lang_of(request), session_of(request)

    def work():
        shown = []
        for name, data in uploaded:
            name = safe_name(name)
            if len(data) > limits.file_bytes:
                raise HTTPException(413, words_of(request)["file_large"].format(mb=limits.file_bytes // MB))
            # In memory only: the bytes are checked and dropped; the rendered reports stay in the session.
            result: FileResult = server.checker.check_bytes(data, name)
            view = file_view(result, lang, server.checker.profile.name).drawn()  # drawn three times below
            key = secrets.token_urlsafe(12)
            _keep_report(session, key, name, render_view(view), markdown_view(view))
            shown.append((key, view, report_context(lang, name, view, words_of(request)["check_llm"])))
        return shown

    return _check_page(request, await run_in_threadpool(work))


def _keep_report(session: Session, key: str, name: str, html: str, markdown: str) -> None:
    now = time.monotonic()
    for old in [k for k, (_, _, _, made) in session.reports.items() if now - made > REPORT_MINUTES * 60]:
        del session.reports[old]
    while len(session.reports) >= 20:
        session.reports.pop(next(iter(session.reports)))
    session.reports[key] = (name, html, markdown, now)


async def check_report(request: Request) -> Response:
    kept = session_of(request).reports.get(request.path_params["key"])
    fmt = request.path_params["fmt"]
    if kept is None or fmt not in ("html", "md") or time.monotonic() - kept[3] > REPORT_MINUTES * 60:
        raise HTTPException(404, words_of(request)["report_gone"])
    name, html, markdown, _ = kept
    stem = Path(name).stem
    body, media = (html, "text/html; charset=utf-8") if fmt == "html" else (markdown, "text/markdown; charset=utf-8")
    return Response(body, media_type=media, headers={"content-disposition": _attachment(f"{stem}-自评检查.{fmt}")})


async def template(request: Request) -> Response:
    from ziping.template import template_bytes

    data = await run_in_threadpool(template_bytes)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": _attachment("项目支出绩效自评表.xlsx")},
    )


# ── the LLM on demand ────────────────────────────────────────────────────────────────────────


def _llm_sources(request: Request, params: Any) -> list[triage.Source]:
    """The files of one form (`form`) or of the filtered queue, as the store knows them."""
    server: Server = request.app.state.server
    store = server.store()
    if params.get("form"):
        found = queue_table.locate(store, str(params.get("form")))
        paths = [found[0]] if found else []
    else:
        try:
            filters = queue_table.Filters.of(params)
        except queue_table.FilterError as exc:
            raise HTTPException(400, words_of(request)["bad_filter"].format(reason=exc.zh)) from None
        paths = sorted({row.path for row in queue_table.all_rows(store, filters)})
    entries = store.files(paths)
    return [triage.Source(triage.shown_path(p), p, e.content_sha256) for p, e in sorted(entries.items())]


async def llm_page(request: Request) -> Response:
    server: Server = request.app.state.server
    if server.llm is None:
        return render(request, "llm.html.j2", estimate=None, params={})

    def work():
        sources = _llm_sources(request, request.query_params)
        return triage.estimate(sources, server.store(), server.checker, server.llm)

    found = await run_in_threadpool(work)
    params = {
        k: v
        for k, v in request.query_params.items()
        if k in ("form", "status", "severity", "code", "unit", "year", "q")
    }
    return render(request, "llm.html.j2", estimate=found, params=params)


async def llm_run(request: Request) -> Response:
    server: Server = request.app.state.server
    form = await posted(request)
    if server.llm is None:
        raise HTTPException(400, words_of(request)["llm_off"])
    sources = await run_in_threadpool(_llm_sources, request, form)
    job = server.jobs.submit("llm", sources)
    if wants_json(request):
        return JSONResponse({"job": job.id, "files": len(sources)}, status_code=202)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# ── sign-in, static files, errors ────────────────────────────────────────────────────────────


async def login_page(request: Request) -> Response:
    server: Server = request.app.state.server
    given = request.query_params.get("token")
    if given is not None and server.config.token is not None:
        return _sign_in(request, given)
    return render(request, "login.html.j2")


async def login(request: Request) -> Response:
    form = await posted(request)
    return _sign_in(request, str(form.get("token") or ""))


def _sign_in(request: Request, given: str) -> Response:
    server: Server = request.app.state.server
    if server.config.token is None or not security.token_matches(given, server.config.token):
        return render(request, "login.html.j2", status=403, error=words_of(request)["bad_token"])
    sid, session = server.sessions.renew(request.state.sid)
    session.signed_in = True
    request.state.sid, request.state.session = sid, session
    return RedirectResponse("/", status_code=303)


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    path = SHARED_STATIC.get(name) or security.inside(STATIC, name)
    if path is None or not path.is_file():
        raise HTTPException(404, words_of(request)["not_found"])
    media = MEDIA.get(path.suffix, "application/octet-stream")
    return Response(path.read_bytes(), media_type=media, headers={"cache-control": "no-cache"})


async def http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "") or ""
    if status == 404 and not detail.strip() or detail == "Not Found":
        detail = words_of(request)["not_found"]
    if wants_json(request) or request.url.path.endswith(".json"):
        return JSONResponse({"error": detail}, status_code=status)
    return fail(request, status, detail)


def _refuse_large(limit: int):
    text = " / ".join(WORDS[lang]["too_large"].format(mb=f"{limit / MB:.3g}") for lang in ("zh", "en"))

    async def refuse(scope, receive, send) -> None:
        await Response(text, status_code=413, media_type="text/plain; charset=utf-8")(scope, receive, send)

    return refuse


async def _refuse_unsigned(scope, receive, send) -> None:
    if scope["method"] in security.SAFE_METHODS and not scope["path"].endswith(".json"):
        await RedirectResponse("/login", status_code=303)(scope, receive, send)
        return
    text = WORDS["zh"]["need_login"] + " / " + WORDS["en"]["need_login"]
    await Response(text, status_code=401, media_type="text/plain; charset=utf-8")(scope, receive, send)


ROUTES = [
    Route("/", queue_page),
    Route("/export.{fmt}", export),
    Route("/forms/{form_id}", form_page),
    Route("/forms/{form_id}/original", original),
    Route("/forms/{form_id}/mark", mark_form, methods=["POST"]),
    Route("/marks", mark_many, methods=["POST"]),
    Route("/reviewer", set_reviewer, methods=["POST"]),
    Route("/upload", upload_page),
    Route("/upload", upload, methods=["POST"]),
    Route("/jobs/{job_id}.json", job_json),
    Route("/jobs/{job_id}", job_page),
    Route("/check", check_page),
    Route("/check", check, methods=["POST"]),
    Route("/check/{key}/report.{fmt}", check_report),
    Route("/template.xlsx", template),
    Route("/llm", llm_page),
    Route("/llm", llm_run, methods=["POST"]),
    Route("/login", login_page),
    Route("/login", login, methods=["POST"]),
    Route("/static/{name:path}", static),
]


def create_app(config: ServeConfig, checker: Checker | None = None, llm: Any = None, start: bool = True) -> Starlette:
    """The application over one store; `start`: run the job thread (and the inbox watcher) with it."""
    server = Server(config, checker, llm)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # Page work runs on threads that take turns on one interpreter lock: a few suffice, and each holds a
        # store connection and its page cache.
        from anyio import to_thread

        to_thread.current_default_thread_limiter().total_tokens = THREADS
        if start:
            server.start()  # again after a shutdown (a test client opened twice)
        try:
            yield
        finally:
            server.stop()

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(security.SecurityHeaders),
            Middleware(
                security.BodyLimit, limit=config.limits.request_bytes, refuse=_refuse_large(config.limits.request_bytes)
            ),
            Middleware(security.SessionAuth, sessions=server.sessions, token=config.token, refuse=_refuse_unsigned),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.server = server
    os.makedirs(config.data, exist_ok=True)
    if start:
        server.start()
    return app
