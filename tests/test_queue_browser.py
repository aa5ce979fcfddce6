"""The HTML queue in a real headless browser: the rendered table holds the export's rows in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ziping.cli import app

from .report_dom import parse, screenshot_module
from .triage_corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(screenshot_module().find_chromium() is None, reason="chromium is not installed")
def test_the_queue_renders_ranked_in_a_browser(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_corpus(tmp_path / "inbox", count=30)
    page, export = tmp_path / "queue.html", tmp_path / "queue.json"
    result = CliRunner().invoke(app, ["triage", "inbox", "--out", str(page), "--out", str(export)])
    assert result.exit_code in (0, 2), result.output
    shot = screenshot_module()
    dom = parse(shot.dump_dom(page))
    table = dom.find("table", id="queue")
    rendered = [tr.attrs.get("id") for tr in table.find_all("tr") if tr.attrs.get("id", "").startswith("q")]
    data = json.loads(export.read_text(encoding="utf-8"))
    rows = data["rows"] if isinstance(data, dict) else data
    assert rendered == [f"q{row['rank']}" for row in rows]
    assert len(rendered) >= 30
    png = shot.screenshot(page, tmp_path / "queue.png", 1400, 900)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
