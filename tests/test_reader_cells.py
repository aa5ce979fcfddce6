"""The cell reader: pipes, tabs and one cell per line; dispatch; UTF-16, CR line ends and stdin."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ziping.checks import Checker
from ziping.model import Location
from ziping.readers import read_bytes
from ziping.readers.streams import shape
from ziping.readers.text import read_text as read_cells

from .conftest import FIXTURES, SEED

QINGSHEN = FIXTURES / "published" / "sichuan-qingshen-2023-wages.txt"

TABBED = "\n".join(
    [
        "部门整体支出绩效自评表",
        "项目名称\t区档案馆运行",
        "主管部门\t某区档案局",
        "项目负责人：张三\t联系电话：12345678",
        "资金使用情况\t全年预算数（A）\t全年执行数（B）\t执行率（B/A）\t分值\t得分",
        "年度资金总额\t200\t150\t75%\t10\t7.5",
        "一级指标\t二级指标\t三级指标\t分值\t指标值\t实际完成值\t得分\t未完成原因分析",
        "产出指标\t数量指标\t档案整理（卷）\t40\t≥1000卷\t800卷\t32\t人手不足",
        "\t\t档案数字化率\t50\t100%\t100%\t50\t",
        "满意度指标\t服务对象满意度指标\t不适用\t0\t不适用\t\t0\t",
        "合计\t100\t89.5",
        "评价结论\t基本完成年度目标。",
    ]
)


def _summary(result):
    return [
        [(f.code, f.field, f.location.line if f.location else None) for f in form.findings] for form in result.forms
    ]


def test_tabs_with_weight_before_target():
    [form] = read_cells(TABBED, "t.txt")
    names = [(i["name"]["raw"], i["target"]["raw"], i["actual"]["raw"], i["weight"]["raw"]) for i in form["indicators"]]
    assert names == [("档案整理（卷）", "≥1000卷", "800卷", "40"), ("档案数字化率", "100%", "100%", "50")]
    assert form["indicators"][0]["note"]["raw"] == "人手不足"
    assert len(form["placeholders"]) == 1
    assert form["funds"]["total"]["budget"]["raw"] == "200"
    assert form["funds"]["execution_rate"]["raw"] == "75%"
    assert form["total"]["weight"]["raw"] == "100" and form["total"]["score"]["raw"] == "89.5"
    # No 实际完成情况: the 评价结论 stands in for it, with its line.
    assert form["goals"]["actual"] == {"raw": "基本完成年度目标。", "location": Location(line=12)}
    # 项目负责人 and 联系电话 are fields of the header now, with their line, not unplaced text.
    assert form["header"]["contact"] == {"raw": "张三", "location": Location(line=4)}
    assert form["header"]["phone"]["raw"] == "12345678"
    assert not any("负责人" in u["raw"] or "电话" in u["raw"] for u in form["unread"])


def test_contact_and_phone_in_the_seed_layout():
    text = SEED.read_text(encoding="utf-8").replace(
        "项目名称：", "项目负责人：李四 联系电话：0755-28900000 项目名称：", 1
    )
    form = read_bytes(text.encode("utf-8"), "seed.txt").forms[0]
    assert (form.header.contact.raw, form.header.phone.raw) == ("李四", "0755-28900000")
    assert form.header.project_name.raw == "人大宣传"


def test_markdown_pipes_and_form_split():
    text = "\n".join(
        [
            "| 项目支出绩效自评表 |",
            "|---|---|",
            "| 项目名称 | 甲 |",
            "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 | 权重 | 得分 |",
            "| 产出指标 | 数量指标 | 场次 | ≥10场 | 12场 | 90 | 90 |",
            "| 转移支付区域绩效自评表 |",
            "| 项目名称 | 乙 |",
        ]
    )
    forms = read_cells(text)
    assert [f["header"]["project_name"]["raw"] for f in forms] == ["甲", "乙"]
    assert forms[0]["indicators"][0]["location"] == Location(line=5)


def test_one_cell_per_line_joins_nature_target_unit():
    form = read_cells(QINGSHEN.read_text(encoding="utf-8"))[0]
    first = form["indicators"][0]
    assert first["target"] == {"raw": "=100%", "location": Location(line=81, end_line=83)}
    assert form["funds"]["unit"] == "万元"


def test_dispatch_keeps_seed_reader_first():
    seed = SEED.read_bytes()
    assert shape(seed.decode("utf-8")) != "pipes"
    assert len(read_bytes(seed, "seed.txt").forms) == 3


def test_utf16_bom_copy_gives_seed_findings(tmp_path):
    original = _summary(Checker.create().check_file(SEED))
    for encoding, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")):
        path = tmp_path / f"seed-{encoding}.txt"
        path.write_bytes(bom + SEED.read_text(encoding="utf-8").encode(encoding))
        assert _summary(Checker.create().check_file(path)) == original


def test_cr_only_copy_gives_seed_findings(tmp_path):
    path = tmp_path / "seed-cr.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").replace("\n", "\r").encode("utf-8"))
    assert _summary(Checker.create().check_file(path)) == _summary(Checker.create().check_file(SEED))


def _cli(*args, stdin: bytes):
    return subprocess.run(
        [sys.executable, "-m", "ziping", *args], input=stdin, capture_output=True, check=False, timeout=120
    )


def test_check_stdin_gives_seed_findings():
    from_file = _cli("check", str(SEED), "--format", "json", stdin=b"")
    from_stdin = _cli("check", "-", "--format", "json", stdin=SEED.read_bytes())
    assert from_stdin.returncode == from_file.returncode == 1
    assert _codes(from_stdin.stdout) == _codes(from_file.stdout)
    assert _codes(from_file.stdout)[0]  # the seed's findings are there to compare


def _codes(out: bytes):
    import json

    report = json.loads(out)
    return [
        [(f["code"], f.get("field")) for f in form["findings"]] for file in report["files"] for form in file["forms"]
    ]


def test_parse_stdin():
    done = _cli("parse", "-", stdin=QINGSHEN.read_bytes())
    assert done.returncode == 0
    assert "发放(缴纳)覆盖率" in done.stdout.decode("utf-8")


CELLULAR = QINGSHEN.read_text(encoding="utf-8").splitlines() + TABBED.splitlines()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.permutations(CELLULAR).map(lambda ls: ls[: len(ls) // 2 + 1]),
    junk=st.binary(max_size=200),
    oversized=st.integers(min_value=0, max_value=200_000),
)
def test_never_raises(lines, junk, oversized):
    text = "\n".join(["部门预算项目支出绩效自评表(2023年度) |", *lines, "产出指标 | " + "长" * oversized + " |"])
    read_cells(text)
    result = read_bytes(text.encode("utf-8") + junk, "h.txt")
    assert result.forms or result.problem is not None
