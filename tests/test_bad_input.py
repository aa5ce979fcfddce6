"""Bad input: clear Chinese messages naming the file and the place, no traceback, nothing stops the batch."""

from __future__ import annotations

import json
import random

from typer.testing import CliRunner

from ziping.checks import Checker
from ziping.cli import app
from ziping.rules import REGISTRY

from .conftest import SEED

runner = CliRunner()


def check_json(*paths):
    result = runner.invoke(app, ["check", "--format", "json", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, json.loads(result.output)


def _error(data, k=0):
    return data["files"][k]["error"]


def test_missing_path(tmp_path):
    code, data = check_json(tmp_path / "nope.txt")
    assert code == 2
    assert _error(data)["code"] == "ZP001"
    assert "文件不存在" in _error(data)["message"]
    assert data["files"][0]["path"].endswith("nope.txt")


def test_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    code, data = check_json(tmp_path / "empty.txt")
    assert code == 2 and _error(data)["code"] == "ZP002" and "文件为空" in _error(data)["message"]


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(random.Random(7).randbytes(4096))
    code, data = check_json(path)
    assert code == 2 and _error(data)["code"] == "ZP001"
    assert "不是文本文件" in _error(data)["message"]


def test_text_without_a_form(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("关于报送2023年度绩效自评结果的函\n", encoding="utf-8")
    code, data = check_json(path)
    assert code == 2 and _error(data)["code"] == "ZP002"


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"header": {\n  "project_name": }', encoding="utf-8")
    code, data = check_json(path)
    assert code == 2 and _error(data)["code"] == "ZP001"
    assert "第2行" in _error(data)["message"]


def test_form_cut_in_half(tmp_path, seed_text):
    lines = seed_text.splitlines()
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines[:65]), encoding="utf-8")  # stops inside form 1's indicator table
    result = Checker.create().check_file(path)
    assert result.error is None and len(result.forms) == 1
    form = result.forms[0]
    assert [ind.label for ind in form.form.indicators][-1] == "人大工作纪念画册（期）"  # the rows before the cut
    # The cut is reported once, with what it took away, not as a missing 总分 row or a wrong sum.
    assert "ZP003" not in {f.code for f in form.findings}
    [cut] = [f for f in form.findings if f.code == "ZP012"]
    message = REGISTRY["ZP012"].message(cut)
    assert "中断" in message and "总分行" in message
    assert cut.location.describe() == "第63–65行"  # the note the text stops in
    assert form.form.location.describe() == "第2–65行"


def test_unparsable_number_names_the_line(tmp_path, seed_text):
    path = tmp_path / "typo.txt"
    path.write_text(seed_text.replace("总分 90.00 85.00 —", "总分 90.00 八五.OO —"), encoding="utf-8")
    result = Checker.create().check_file(path)
    form1 = result.forms[0]
    typo = next(f for f in form1.findings if f.code == "ZP004")
    assert typo.field == "total.score" and typo.location.line == 97
    assert REGISTRY["ZP004"].message(typo) == "总分得分应为数值，填报为“八五.OO”，无法识别"
    assert "ZP304" not in {f.code for f in form1.findings}  # nothing is computed from a value not read


def test_score_written_as_a_word_is_reported_not_lost(tmp_path, seed_text):
    path = tmp_path / "word.txt"
    path.write_text(
        seed_text.replace("短视频专栏数（期） 15 15 10.00 10分", "短视频专栏数（期） 15 15 10.00 满分"),
        encoding="utf-8",
    )
    form1 = Checker.create().check_file(path).forms[0]
    assert len(form1.form.indicators) == 9
    typo = next(f for f in form1.findings if f.code == "ZP004")
    assert typo.field == "indicators[1].score" and typo.location.line == 56
    # The total cannot be re-added with a score unread: no ZP304 computed from a guessed zero.
    assert "ZP304" not in {f.code for f in form1.findings}
    assert "ZP303" in {f.code for f in form1.findings}


def test_batch_mixing_good_and_bad(tmp_path):
    good = tmp_path / "a-good.txt"
    good.write_bytes(SEED.read_bytes())
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-noise.txt").write_bytes(bytes(range(256)) * 8)
    gb = tmp_path / "d-gb.txt"
    gb.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    code, data = check_json(tmp_path)  # a folder, walked in name order
    assert code == 2
    assert [f["path"].rsplit("/", 1)[-1] for f in data["files"]] == [
        "a-good.txt",
        "b-empty.txt",
        "c-noise.txt",
        "d-gb.txt",
    ]
    assert [len(f["forms"]) for f in data["files"]] == [3, 0, 0, 3]
    # an empty file met in a folder holds no form: skipped; a binary one cannot be read: an error
    assert [bool(f["error"]) for f in data["files"]] == [False, False, True, False]
    assert [bool(f["skipped"]) for f in data["files"]] == [False, True, False, False]
    assert data["summary"]["unreadable"] == 1 and data["summary"]["skipped"] == 1 and data["summary"]["forms"] == 6
    # the user's files are untouched
    assert good.read_bytes() == SEED.read_bytes()


def test_fifo_is_refused_not_waited_on(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    code, data = check_json(fifo)
    assert code == 2 and "不是普通文件" in _error(data)["message"]


def test_folder_named_directly_is_walked(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "form.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "sub" / "notes.pptx").write_bytes(b"ignored: not a supported format")
    code, data = check_json(tmp_path)
    assert [f["path"].rsplit("/", 1)[-1] for f in data["files"]] == ["form.txt"]


def test_internal_error_on_one_file_does_not_stop_the_batch(tmp_path, monkeypatch):
    import ziping.checks as checks

    good, cursed = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_bytes(SEED.read_bytes())
    cursed.write_bytes(SEED.read_bytes())
    real = checks.read_path

    def flaky(path):
        if str(path).endswith("b.txt"):
            raise RuntimeError("a defect")
        return real(path)

    monkeypatch.setattr(checks, "read_path", flaky)
    code, data = check_json(good, cursed)
    assert code == 2
    assert [len(f["forms"]) for f in data["files"]] == [3, 0]
    assert data["files"][1]["error"]["code"] == "ZP009"
    assert "RuntimeError" in data["files"][1]["error"]["message"]


def test_english_file_messages(tmp_path):
    result = runner.invoke(app, ["check", "--format", "json", "--lang", "en", str(tmp_path / "none.txt")])
    assert json.loads(result.output)["files"][0]["error"]["message"] == "Cannot read the file: the file does not exist"


def test_text_after_the_total_is_reported_not_dropped(tmp_path, seed_text):
    path = tmp_path / "extra.txt"
    path.write_text(
        seed_text.replace("总分 90.00 85.00 —", "总分 90.00 85.00 —\n\n单位负责人意见：同意上报"), encoding="utf-8"
    )
    form1 = Checker.create().check_file(path).forms[0]
    extra = [f for f in form1.findings if f.code == "ZP010"]
    assert len(extra) == 1 and extra[0].location.line == 99
    assert "单位负责人意见：同意上报" in REGISTRY["ZP010"].message(extra[0])
