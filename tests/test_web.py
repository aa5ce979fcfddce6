"""`ziping serve` through the ASGI test client: every route, over the store the CLI uses."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from ziping import queue_table
from ziping.checks import Checker
from ziping.cli import app as cli
from ziping.store import Store
from ziping.triage import queue_rows, run, sources

from .conftest import LLM_KEY, SEED
from .triage_corpus import make_corpus
from .web_helpers import client_of, csrf_of, form_ids, make_app, upload, wait_idle

SEED_BYTES = SEED.read_bytes()


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    with client_of(app) as c:
        yield c


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_upload_is_checked_in_the_background_and_ranked_as_triage_ranks_it(client, tmp_path):
    response = upload(client, [("龙岗区自评表.txt", SEED_BYTES)])
    assert response.status_code == 303 and response.headers["location"].startswith("/jobs/")
    job = client.get(response.headers["location"])
    assert "检查完成：本次检查 1 个文件" in _text(job.text)
    status = client.get(response.headers["location"] + ".json").json()
    assert status["state"] == "done" and status["done_forms"] == 3 and status["percent"] == 100
    page = client.get("/")
    ids = form_ids(page.text)
    assert len(ids) == 3
    # The queue the CLI builds from the same store, in the same order, with the seed's findings.
    with Store(tmp_path / "store.db") as store:
        rows = queue_rows(store.files().values(), store.marks())
    assert [r.form_id for r in rows] == ids
    assert [r.project_name for r in rows] == ["人大宣传", "代表工作", "信息系统运行与维护"]
    text = _text(page.text)
    for code in ("ZP303", "ZP205"):  # each form's heaviest finding; the rest on the form's page
        assert code in text
    assert "ZP304" in _text(client.get(f"/forms/{ids[0]}").text)
    # The original is stored by content under the data folder, and downloads as the bytes uploaded.
    original = client.get(f"/forms/{ids[0]}/original")
    assert original.status_code == 200 and original.content == SEED_BYTES
    import hashlib

    sha = hashlib.sha256(SEED_BYTES).hexdigest()
    assert (tmp_path / "data" / "blobs" / sha[:2] / sha).read_bytes() == SEED_BYTES


def test_the_same_file_twice_is_one_submission(client, tmp_path):
    upload(client, [("表.txt", SEED_BYTES)])
    upload(client, [("表.txt", SEED_BYTES)])
    assert len(form_ids(client.get("/").text)) == 3
    upload(client, [("另一个名字.txt", SEED_BYTES)])  # a copy at another name is another submission, as in triage
    page = client.get("/")
    assert len(form_ids(page.text)) == 6 and "另一个名字.txt" in page.text
    assert len(list((tmp_path / "data" / "blobs").rglob("*"))) == 2  # one folder, one file: stored once


def test_a_form_page_shows_its_report_findings_and_marks(client, tmp_path):
    upload(client, [("龙岗.txt", SEED_BYTES)])
    first = form_ids(client.get("/").text)[0]
    page = client.get(f"/forms/{first}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "人大宣传" in text and "ZP303 应为 100" in text  # the report with findings pinned to their cells
    assert 'id="all-findings"' in page.text and "ZP401" in text
    assert "尚无标记" in text
    csrf = csrf_of(client)
    # A mark needs the reviewer's name once; the session keeps it.
    nameless = client.post(f"/forms/{first}/mark", data={"csrf": csrf, "status": "returned"})
    assert nameless.status_code == 400 and "请先填写您的姓名" in nameless.text
    marked = client.post(
        f"/forms/{first}/mark",
        data={"csrf": csrf, "status": "returned", "note": "总分漏计执行率分值", "reviewer": "王芳"},
    )
    assert marked.status_code == 303
    client.post(f"/forms/{first}/mark", data={"csrf": csrf, "status": "accepted", "note": "已改正"})
    history = _text(client.get(f"/forms/{first}").text)
    assert "王芳 · 已退回：总分漏计执行率分值" in history and "王芳 · 已通过：已改正" in history
    with Store(tmp_path / "store.db") as store:
        assert [(m.status, m.reviewer) for m in store.history(first)] == [("returned", "王芳"), ("accepted", "王芳")]
    # The same marks `ziping queue list` shows.
    listed = CliRunner().invoke(cli, ["queue", "list", "--db", str(tmp_path / "store.db")])
    assert listed.exit_code == 0 and "已通过（已改正）" in listed.output and first in listed.output


def test_bulk_marks_and_filters(client, tmp_path):
    upload(client, [("龙岗.txt", SEED_BYTES)])
    ids = form_ids(client.get("/").text)
    csrf = csrf_of(client)
    response = client.post(
        "/marks",
        data={"csrf": csrf, "status": "reviewed", "form_id": ids[:2], "reviewer": "李四", "back": "/?status=pending"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/?status=pending"
    assert form_ids(client.get("/?status=pending").text) == ids[2:]
    assert form_ids(client.get("/?status=reviewed").text) == ids[:2]
    assert form_ids(client.get("/?code=ZP205").text) == [ids[2]]
    assert form_ids(client.get("/?code=zp3").text) == ids[:2]
    assert form_ids(client.get("/?severity=error").text) == ids[:2]
    assert form_ids(client.get("/?q=代表工作").text) == [ids[1]]
    assert form_ids(client.get("/?q=440307210701500000827").text) == [ids[0]]
    assert form_ids(client.get("/?year=2023").text) == ids and form_ids(client.get("/?year=2022").text) == []
    unit = "深圳市龙岗区人民代表大会常务委员会办公室本级"
    assert form_ids(client.get("/", params={"unit": unit}).text) == ids[:2]
    # 人大宣传 < 代表工作 < 信息系统运行与维护 in code-point order
    assert form_ids(client.get("/?sort=project_name&dir=desc").text) == [ids[2], ids[1], ids[0]]
    assert form_ids(client.get("/?sort=project_name").text) == ids
    bad = client.get("/?code=DROP TABLE")
    assert bad.status_code == 400 and "规则代码应形如" in bad.text
    unknown = client.post("/marks", data={"csrf": csrf, "status": "reviewed", "form_id": ["0000000000-1"]})
    assert unknown.status_code == 404
    with Store(tmp_path / "store.db") as store:
        assert {store.marks()[i].reviewer for i in ids[:2]} == {"李四"}


def test_sorting_and_pages_over_a_larger_queue(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "inbox", count=70)
    with Store(tmp_path / "store.db") as store:  # a store written by `ziping triage`, read by the server
        run(sources([corpus.root]), store, Checker.create())
        ranked = [r.form_id for r in queue_rows(store.files().values(), store.marks())]
    monkeypatch.setattr(queue_table, "PAGE_SIZE", 25)
    app = make_app(tmp_path)
    with client_of(app) as client:
        pages = -(-len(ranked) // 25)
        assert pages >= 3
        shown = []
        for number in range(1, pages + 1):
            page = client.get(f"/?page={number}")
            assert f"<span>{number} / {pages}</span>" in page.text
            shown += form_ids(page.text)
        assert shown == ranked  # pages in rank order, nothing missed or repeated
        assert 'rel="next"' not in client.get(f"/?page={pages}").text
        by_risk = form_ids(client.get("/?sort=risk").text)  # ascending: the lightest first, ties in rank order
        with Store(tmp_path / "store.db") as store:
            risks = dict(store.db.execute("SELECT form_id, risk FROM queue"))
        assert [risks[f] for f in by_risk] == sorted(risks[f] for f in by_risk)
        assert min(risks.values()) == risks[by_risk[0]]


def test_exports_hold_the_filtered_view(client):
    upload(client, [("龙岗.txt", SEED_BYTES)])
    ids = form_ids(client.get("/").text)
    data = client.get("/export.csv?severity=error")
    assert data.status_code == 200 and "attachment" in data.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["序号", "编号"] and [r[1] for r in rows[1:]] == ids[:2]
    book = load_workbook(io.BytesIO(client.get("/export.xlsx").content))
    assert [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == ids
    assert client.get("/export.pdf").status_code == 404


def test_self_check_shows_the_report_and_stores_nothing(client, tmp_path):
    csrf = csrf_of(client)
    response = client.post("/check", data={"csrf": csrf}, files=[("files", ("自评表.txt", SEED_BYTES))])
    assert response.status_code == 200
    text = _text(response.text)
    assert "ZP303 应为 100" in text and "信息系统运行与维护" in text
    assert "文件只在内存中读取，检查后即丢弃" in text
    assert not (tmp_path / "data" / "blobs").exists() and not (tmp_path / "data" / "uploads").exists()
    with Store(tmp_path / "store.db") as store:
        assert store.files() == {}
    key = re.search(r"/check/([^/]+)/report\.html", response.text).group(1)
    html = client.get(f"/check/{key}/report.html")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]
    assert "<style>" in html.text and "ZP303" in html.text  # the self-contained report, as `check --format html`
    markdown = client.get(f"/check/{key}/report.md")
    assert markdown.status_code == 200 and "ZP304" in markdown.text
    with client_of(client.app) as stranger:  # another session cannot fetch it
        assert stranger.get(f"/check/{key}/report.html").status_code == 404


def test_the_blank_template_downloads(client):
    response = client.get("/template.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["自评表"]


def test_a_bad_file_is_a_row_with_its_chinese_message(client):
    response = upload(client, [("坏文件.xlsx", b"\x00\x01 not a workbook at all" * 40), ("龙岗.txt", SEED_BYTES)])
    job = _text(client.get(response.headers["location"]).text)
    assert "无法读取的文件" in job and "坏文件.xlsx" in job and "ZP001" in job
    page = client.get("/")
    first_row = re.search(r'<tr id="q1"[^>]*>(.*?)</tr>', page.text, re.S).group(1)
    assert 'class="unreadable"' in page.text and "坏文件.xlsx" in first_row and "ZP001" in first_row


def test_english_on_asking(client):
    page = client.get("/?lang=en")
    assert "Review queue" in page.text and 'lang="en"' in page.text
    assert "Review queue" in client.get("/").text  # the session keeps the language
    assert "审核队列" in client.get("/?lang=zh").text


def test_unknown_pages_and_forms_are_chinese_404s(client):
    assert "没有这个页面" in client.get("/nowhere").text
    missing = client.get("/forms/0123456789-1")
    assert missing.status_code == 404 and "队列中没有编号为 0123456789-1 的表" in missing.text
    assert client.get("/jobs/99-none").status_code == 404


def test_the_inbox_is_watched(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    app = make_app(tmp_path, inbox=inbox, inbox_seconds=0.05)
    with client_of(app) as client:
        (inbox / "龙岗.txt").write_bytes(SEED_BYTES)
        import time

        deadline = time.monotonic() + 30
        while len(form_ids(client.get("/").text)) < 3:
            assert time.monotonic() < deadline, "the inbox's forms never reached the queue"
            time.sleep(0.1)
        first = form_ids(client.get("/").text)[0]
        assert client.get(f"/forms/{first}/original").content == SEED_BYTES


def test_llm_checks_run_only_after_the_estimate_is_confirmed(tmp_path, llm_server):
    from ziping.web.server import llm_from_environment

    from .fake_openai import Step

    llm_server.script = [Step(content=json.dumps({"findings": []}))]
    settings = llm_from_environment()
    assert settings is not None and settings.model == "fake-model"
    app = make_app(tmp_path, llm=settings)
    with client_of(app) as client:
        upload(client, [("龙岗.txt", SEED_BYTES)])
        first = form_ids(client.get("/").text)[0]
        pages = [client.get("/"), client.get(f"/forms/{first}")]
        estimate = client.get(f"/llm?form={first}")
        pages.append(estimate)
        assert "将调用大模型 3 次" in _text(estimate.text)  # one file of three forms
        assert llm_server.requests == []  # nothing sent before the click
        response = client.post("/llm", data={"csrf": csrf_of(client), "form": first})
        assert response.status_code == 303
        wait_idle(app)
        pages.append(client.get(response.headers["location"]))
        assert len(llm_server.requests) == 3
        page = client.get("/")
        pages.append(page)
        assert _text(page.text).count("已完成") == 3
        assert "已有本模型的结果" in _text(client.get(f"/llm?form={first}").text) or "无需调用" in _text(
            client.get(f"/llm?form={first}").text
        )
        for shown in pages:
            assert LLM_KEY not in shown.text


def test_without_an_endpoint_the_llm_page_says_so(client):
    page = client.get("/llm")
    assert "未配置大模型端点" in page.text
