"""Rebuild real published layouts (fixtures/real) as XLSX, DOCX and PDF fixtures in fixtures/real-rebuilt/.

Each layout is one form of fixtures/real/NN.txt laid out as its template has it: the title rows, the
real column headings and section labels (as NN.txt shows them), amounts in 万元, merged cells where
the template merges (the title, the funds block's label, the 一级/二级指标 cells down their rows).
Every value the annotation (NN.json) holds comes from it verbatim, so a form's real problems stay in;
what the annotation does not hold (a 财政拨款 row, the goal sentences) is copied from NN.txt, where
the layout's builder says so. One grid per layout is written three ways: an openpyxl sheet with
merged ranges, a python-docx table merged the same way (title paragraphs above it, as Word templates
have them) and a reportlab ruled table on A4 pages (landscape; portrait for a table too long for one).

Needs: `pip install -e '.[dev]'` (openpyxl, python-docx, reportlab) and a TrueType CJK font for the
PDFs: the Debian package fonts-wqy-zenhei (`apt-get install -y fonts-wqy-zenhei`). The files are
committed, so the tests need neither. Re-running writes the same bytes (fixed dates in every file).

Run: .venv/bin/python scripts/make_real_layout_fixtures.py
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_docx_xls_fixtures import (  # noqa: E402
    _new_document,
    _save,
    _table_from_spec,
    _title,
    fixed_zip,
    merged_spans,
)
from make_pdf_fixtures import FONT, _font  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "fixtures" / "real"
OUT = ROOT / "fixtures" / "real-rebuilt"

Row = list[str]


@dataclass(frozen=True, slots=True)
class Layout:
    """One real layout: the lines above its table and the table as rows ("<" and "^" merge, as in
    make_docx_xls_fixtures), with relative column widths for the PDF and the sheet."""

    stem: str  # the file name in fixtures/real-rebuilt, e.g. "10-anhui-xiangmu"
    titles: tuple[str, ...]
    rows: list[Row]
    widths: tuple[float, ...]
    portrait: bool = False  # a long table (its 绩效指标 cell merged down every row cannot break) on a tall page


def annotation(number: str) -> dict[str, Any]:
    """The first annotated form of fixtures/real/NN.json."""
    return json.loads((REAL / f"{number}.json").read_text(encoding="utf-8"))["forms"][0]


def amount(value: Any) -> str:
    """An annotated figure as the form writes it: 10 not 10.0, 89.974 as it is, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def indicator_rows(
    form: dict[str, Any],
    order: list[tuple[str, list[str]]],
    cells: Callable[[dict[str, Any], int], Row],
    width: int,
    numbered: bool = False,
) -> list[Row]:
    """The indicator table's body: one row per annotated indicator, 一级 and 二级指标 written once and merged
    down their rows. `order` gives each 一级指标 cell as the form writes it ("产出指标(50分)", "满意度\n指标")
    with its 二级 cells; a 二级 with no indicator gets an empty row. `cells(indicator, k)` is the rest of the
    row (k: the indicator's place in its 二级, from 1). `numbered`: the national template's blank rows, 指标1
    and 指标2 whatever is filled in, then "……", under every 二级."""
    indicators = form["indicators"]

    def name(label: str) -> str:
        return label.split("(")[0].replace("\n", "")

    placed = {(name(level1), name(level2)) for level1, names in order for level2 in names}
    stray = [i["name"] for i in indicators if (i["level1"], i["level2"]) not in placed]
    if stray:
        raise SystemExit(f"make_real_layout_fixtures: indicators outside the layout's order: {stray}")
    rows: list[Row] = []
    for level1, names in order:
        first = True
        for level2 in names:
            group = [i for i in indicators if (i["level1"], i["level2"]) == (name(level1), name(level2))]
            body = [cells(indicator, k) for k, indicator in enumerate(group, start=1)]
            if numbered:
                body += [[f"指标{k}", *[""] * (width - 3)] for k in range(len(group) + 1, 3)]
                body.append(["……", *[""] * (width - 3)])
            for k, rest in enumerate(body or [[""] * (width - 2)]):
                rows.append([level1 if first else "^", "^" if k else level2, *rest])
                first = False
    return rows


def _values(indicator: dict[str, Any], *names: str) -> Row:
    """The annotated indicator's values in the order of the layout's columns."""
    return [amount(indicator.get(name)) if name != "name" else indicator["name"] for name in names]


def goal_rows(expected: tuple[str, str], actual: tuple[str, str]) -> list[Row]:
    """年度总体目标 in a nine-column table: each (heading, text) over four columns, the two side by side."""
    return [["年度总体目标", expected[0], "<", "<", "<", actual[0], "<", "<", "<"],
            ["^", expected[1], "<", "<", "<", actual[1], "<", "<", "<"]]  # fmt: skip


def _rate(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}%"


# --- the layouts ---------------------------------------------------------------------------------
# Each builder takes the annotated form and returns its Layout; headings and labels are NN.txt's own.


def anhui(number: str = "10") -> Layout:
    """安徽 池州市贵池区 项目支出绩效自评表 (the 2020 national template): 年初预算数 … 执行率 得分, 偏差原因分析及改进措施."""
    f = annotation(number)
    expected = (
        "本项目共申请预算资金2026400元,其中村级组织运转400000元,村民组长,党小组长基本报酬252000元,"
        "村民监督委员会 工资28000元,村级事务补助960000元,村级工作目标奖励100000元。"
    )
    actual = (
        "本项目共完成预算资金1329120.67元,其中村级组织运转439120.67元,村民组长,党小组长基本报酬152000元,"
        "村民监督委员会 工资28000元,村级事务补助660000元,村级工作目标奖励50000元。"
    )
    rate = amount(f["execution_rate_declared"])
    rows: list[Row] = [
        ["项目名称", "<", f["project_name"], "<", "<", "<", "<", "<", "<"],
        ["主管部门", "<", "219-池州市贵池区棠溪镇人民政府", "<", "<", "实施单位", "219001-池州市贵池区棠溪镇人民政府", "<", "<"],
        ["项目资金\n（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "<"],
        ["^", "年度资金总额：", "0", "0", "0", amount(f["execution_weight"]), rate, amount(f["execution_score_declared"]), "<"],
        # NN.txt: the 年度资金总额 row is written 0 / 0 / 0 with 执行率 0 and 得分 0; the 本年财政拨款 row holds the
        # figures (年初 202.64), and the annotation's 全年 figures are that row's.
        ["^", "其中：本年财政拨款", "202.64", amount(f["budget_full_year"]), amount(f["executed"]), "—", "", "—", "<"],
        ["^", "上年结转资金", "", "", "", "—", "", "—", "<"],
        ["^", "其他资金", "", "", "", "—", "", "—", "<"],
        *goal_rows(("预期目标", expected), ("实际完成情况", actual)),
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ]  # fmt: skip
    order = [
        ("产出指标(50分)", ["数量指标", "质量指标", "时效指标", "成本指标"]),
        ("效益指标(30分)", ["经济效益指标", "社会效益指标"]),
    ]
    body = indicator_rows(
        f, order, lambda i, k: _values(i, "name", "target", "actual", "weight", "score", "deviation"), 8
    )
    rows += [["^", *row] for row in body]
    return Layout(f"{number}-anhui-xiangmu", ("附件：", "项目支出绩效自评表", f"（{f['year']}年度）"), rows,
                  (10, 14, 11, 20, 13, 12, 6, 6, 13))  # fmt: skip


def sichuan_xianjie(number: str = "03") -> Layout:
    """四川 德阳市中江县 衔接资金 绩效目标自评表: 全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分; indicators
    分值 before 年度指标值 全年实际值, then 得分 and 未完成原因及拟采取的改进措施; a 总分 row and the template's 注."""
    f = annotation(number)
    budget, executed = amount(f["budget_full_year"]), amount(f["executed"])
    goal = "对农村地区供水计量设施设备进行改进,对项目区农业用水计量,为项目区农业生产夯实基础,"
    done = "对项目区农业用水计量,为项目区农业生产夯实基础,"
    rows: list[Row] = [
        ["项目名称", "<", f["project_name"], "<", "<", "<", "项目负责人及电话", "谢凯13990260322(办公)", "<"],
        ["主管部门", "<", "中江县水利局", "<", "<", "<", "实施单位", "中江县水利局", "<"],
        ["资金情况\n(万元)", "", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分", "<", "<"],
        ["^", "年度资金总额:", budget, executed, amount(f["execution_weight"]), _rate(f["execution_rate_declared"], 2),
         amount(f["execution_score_declared"]), "<", "<"],
        ["^", "其中:本年财政拨款", budget, executed, "", "", "", "<", "<"],  # NN.txt: "其中:本年财政拨款2020"
        ["^", "其他资金", "", "", "", "", "", "<", "<"],
        *goal_rows(("年初设定目标", goal), ("年度总体目标完成情况综述", done)),
        ["绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
         "未完成原因及拟采取的改进措施"],
    ]  # fmt: skip
    order = [
        ("产出指标(70分)", ["数量指标", "质量指标", "时效指标", "成本指标"]),
        ("效益指标(20分)", ["经济效益指标", "社会效益指标"]),
        ("满意度指标(10分)", ["服务对象满意度指标"]),
    ]
    body = indicator_rows(
        f, order, lambda i, k: _values(i, "name", "weight", "target", "actual", "score", "deviation"), 8
    )
    rows += [["^", *row] for row in body]
    rows.append(
        ["总分", "<", "<", "<", amount(f["total_weight_declared"]), "", "", amount(f["total_score_declared"]), ""]
    )
    rows.append(
        ["注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分,各部门根据各项"
         "指标重要程度确定三级指标的分值,得分最高不能超过该指标分值上限。", "<", "<", "<", "<", "<", "<", "<", "<"]
    )  # fmt: skip
    return Layout(f"{number}-sichuan-xianjie", ("绩效目标自评表", f"({f['year']}年度)"), rows,
                  (10, 11, 12, 20, 6, 12, 12, 6, 13))  # fmt: skip


def bumen_zhengti(number: str = "14") -> Layout:
    """安徽 六安市金寨县 部门整体支出绩效自评表: 部门 instead of 项目名称, 预算资金(万元), numbered 指标1: names."""
    f = annotation(number)
    unit = f["project_name"].split(" (")[0]  # the annotation names the form by its 部门 and the layout
    rate = _rate(f["execution_rate_declared"], 2)
    expected = "1.建设徽风皖韵美丽乡村;2.整治美丽宜居自然村庄;3.推进农村改厕提质增效;4.深入开展村庄清洁行动;5.促进茶谷果岭融合发展。"
    actual = (
        "1.启动燕子河镇龙马村、花石乡大湾村等4个精品示范村建设;2.整治美丽宜居自然村庄202个;3.完成农村户用卫生厕所改造3061户;"
        "4.全面完成2022年度10个省级中心村各项建设任务,并顺利通过省级验收;加快2023年度10个省级中心村任务,确保2024年通过各级验收。"
    )
    budget, executed = amount(f["budget_full_year"]), amount(f["executed"])
    rows: list[Row] = [
        ["部门", "<", unit, "<", "<", "<", "<", "<", "<"],
        ["预算资金\n(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "<"],
        ["^", "年度资金总额", budget, budget, executed, amount(f["execution_weight"]), rate,
         amount(f["execution_score_declared"]), "<"],
        ["^", "其中:当年财政拨款", budget, budget, executed, "—", rate, "—", "<"],  # NN.txt: the same figures
        ["^", "上年结转资金", "", "", "", "—", "", "—", "<"],
        ["^", "其他资金", "", "", "", "—", "", "—", "<"],
        *goal_rows(("预期目标", expected), ("实际完成情况", actual)),
        ["绩\n效\n指\n标", "一级指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
    ]  # fmt: skip
    order = [("产出指标", ["数量指标", "质量指标", "时效指标"])]

    def cells(i: dict[str, Any], k: int) -> Row:
        return [f"指标{k}:{i['name']}", *_values(i, "target", "actual", "weight", "score", "deviation")]

    rows += [["^", *row] for row in indicator_rows(f, order, cells, 8)]
    return Layout(f"{number}-anhui-bumen-zhengti", ("部门整体支出绩效自评表", f"({f['year']}年度)"), rows,
                  (8, 11, 11, 22, 12, 12, 6, 6, 12))  # fmt: skip


def quyu(number: str = "17") -> Layout:
    """四川 遂宁经开区 中央对地方专项转移支付区域绩效目标自评表: 转移支付预算数(A)/执行数(B) written "5.8万",
    预算执行率(B/A), no 分值 or 得分 anywhere; its title names the 专项 and there is no 项目名称 row."""
    f = annotation(number)
    expected = "目标1:完成两品一械抽检工作\n目标2:加强两品一械企业监管力度\n目标3:加强培训,提高监管人员专业水平\n目标4:加强两品一械科普宣传力度"
    actual = "目标1:配合完成抽检148个批次\n目标2:加强了两品一械企业监管力度\n目标3:提高监管人员专业水平,培训率达100%\n目标4:多次组织两品一械科普宣传活动"
    rows: list[Row] = [
        ["填报类型:整体□  区域√  项目□", "<", "<", "<", "<"],
        ["单位名称", "遂宁市市场监督管理局经开区分局", "<", "联系人及电话", "田苗苗,15881923688"],
        ["预算\n执行\n情况\n(万元)", "转移支付预算数(A)", f"{amount(f['budget_full_year'])}万", "预算执行率(B/A)",
         _rate(f["execution_rate_declared"], 0)],
        ["^", "转移支付执行数(B)", f"{amount(f['executed'])}万", "^", "^"],
        ["年度\n目标\n完成\n情况", "预期目标", "<", "目标实际完成情况", "<"],
        ["^", expected, "<", actual, "<"],
        ["一级\n指标", "二级指标", "三级指标", "指标值", "完成值"],
    ]  # fmt: skip
    order = [("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"])]
    counts = {lv2: sum(i["level2"] == lv2 for i in f["indicators"]) for lv2 in order[0][1]}

    def cells(i: dict[str, Any], k: int) -> Row:
        name = f"指标{k}.{i['name']}" if counts[i["level2"]] > 1 else i["name"]  # NN.txt numbers groups of two or more
        return [name, *_values(i, "target", "actual")]

    rows += indicator_rows(f, order, cells, 5)
    title = f"{f['year']}年中央对地方专项转移支付区域绩效目标自评表"
    return Layout(f"{number}-sichuan-quyu", (title,), rows, (14, 22, 26, 18, 20))


def sichuan_bumen(number: str = "02") -> Layout:
    """四川 眉山市青神县 部门预算项目支出绩效自评表 (报表编号 510000_0013zp): 预算执行情况(10分) with 年初预算,
    调整后预算数, 预算执行数, 预算执行率, 权重, 得分, 原因; 绩效指标(90分) with 指标性质, 指标值, 度量单位 apart."""
    f = annotation(number)
    budget, executed = amount(f["budget_full_year"]), amount(f["executed"])
    rate = _rate(f["execution_rate_declared"], 2)
    prompt = "对照年度目标,说明相关任务目标的完成情况(100字以内)"
    reason = (
        "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);2.年中发生预算调整的(追加或调减),"
        "应单独说明理由;3.其他资金包括:社会投入资金、银行贷款."
    )
    rows: list[Row] = [
        ["项目名称", "<", f["project_name"], "<", "<", "<", "<", "<", "<", "<", "<"],
        ["主管部门", "<", "青神县发展和改革局本级", "<", "<", "<", "实施单位\n(盖章)", "<", "青神县发展和改革局", "<", "<"],
        ["项目基本情况", "1.项目年度目标完成情况", "项目年度目标", "<", "<", "<", "年度目标完成情况", "<", "<", "<", "<"],
        ["^", "^", "严格执行相关政策,保障工资及时、足额发放或社保及时、足额缴纳,预算编制科学合理,减少结余资金。",
         "<", "<", "<", prompt, "<", "<", "<", "<"],
        ["^", "2.项目实施内容及过程概述", "", "<", "<", "<", "<", "<", "<", "<", "<"],
        ["预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分",
         "原因", "<", "<"],
        # NN.txt: 年初预算 238.93 in the 总额 and 财政资金 rows, the 全年 figures the annotation's
        ["^", "总额", "238.93", budget, executed, rate, amount(f["execution_weight"]),
         amount(f["execution_score_declared"]), reason, "<", "<"],
        ["^", "其中:财政资金", "238.93", budget, executed, rate, "/", "/", "^", "^", "^"],
        ["^", "财政专户管理资金", "0.00", "0.00", "0.00", "0.00%", "/", "/", "^", "^", "^"],
        ["^", "单位资金", "0.00", "0.00", "0.00", "0.00%", "/", "/", "^", "^", "^"],
        ["^", "其他资金", "", "", "", "", "/", "/", "^", "^", "^"],
        ["绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
         "未完成原因分析"],
    ]  # fmt: skip

    def cells(i: dict[str, Any], k: int) -> Row:
        # The annotation joins 指标性质, 指标值 and 度量单位 with spaces ("= 100 %"): three cells on the form.
        nature, value, unit = i["target"].split(" ")
        return [i["name"], nature, value, unit, *_values(i, "actual", "weight", "score", "deviation")]

    order = [("产出指标", ["数量指标"]), ("效益指标", ["社会效益指标"])]
    rows += [["^", *row] for row in indicator_rows(f, order, cells, 10)]
    rows.append(["合计", "<", "<", "<", "<", "<", "<", "<", amount(f["total_weight_declared"]),
                 amount(f["total_score_declared"]), ""])  # fmt: skip
    for label, hint in (
        ("评价结论", "结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)"),
        ("存在问题", "结合自评情况,分析存在的问题及原因。(200字以内)"),
        ("改进措施", "针对项目自评中发现的问题,提出下一步改进完善的意见及有关政策性建议。(200字以内)"),
    ):
        rows.append([label, "<", hint, "<", "<", "<", "<", "<", "<", "<", "<"])
    rows.append(["项目负责人:", "<", "<", "<", "<", "财务负责人:", "<", "<", "<", "<", "<"])
    titles = ("报表编号:510000_0013zp", f"部门预算项目支出绩效自评表({f['year']}年度)")
    return Layout(f"{number}-sichuan-bumen-yusuan", titles, rows, (10, 11, 10, 14, 7, 9, 7, 9, 7, 7, 11))


def hebei(number: str = "25") -> Layout:
    """河北 廊坊市 项目支出绩效自评表 (附件1): headings broken over lines ("年初\n预算数"), 指标1名称 run together,
    and the template's blank 指标2 and …… rows left in under every 二级指标."""
    f = annotation(number)
    budget, executed = amount(f["budget_full_year"]), amount(f["executed"])
    rows: list[Row] = [
        ["项目名称", "<", f["project_name"], "<", "<", "<", "<", "<", "<"],
        ["主管部门", "<", "廊坊市发改委", "<", "<", "实施单位", "廊坊市食品工程学校", "<", "<"],
        ["项目资金\n(万元)", "", "年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分", "<"],
        ["^", "年度资金总额", budget, budget, executed, amount(f["execution_weight"]),
         f"{amount(f['execution_rate_declared'])}%", amount(f["execution_score_declared"]), "<"],
        ["^", "其中:当年财政拨款", budget, budget, executed, "", "", "", "<"],  # NN.txt: the same figures
        ["^", "上年结转资金", "", "", "", "", "", "", "<"],
        ["^", "其他资金", "", "", "", "", "", "", "<"],
        # NN.txt: the goals are the two amounts, a verified problem of the form
        *goal_rows(("预期目标", budget), ("实际完成情况", executed)),
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
    ]  # fmt: skip
    order = [
        ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
        ("效益指标", ["经济效益\n指标", "社会效益\n指标", "生态效益\n指标", "可持续影响\n指标"]),
        ("满意度\n指标", ["服务对象满意度指标"]),
    ]

    def cells(i: dict[str, Any], k: int) -> Row:
        return [f"指标{k}{i['name']}", *_values(i, "target", "actual", "weight", "score", "deviation")]

    rows += [["^", *row] for row in indicator_rows(f, order, cells, 8, numbered=True)]
    return Layout(f"{number}-hebei-xiangmu", ("附件1", "项目支出绩效自评表", f"（{f['year']}年度）"), rows,
                  (9, 12, 11, 20, 10, 10, 6, 6, 16), portrait=True)  # fmt: skip


LAYOUTS: tuple[Callable[[], Layout], ...] = (anhui, sichuan_xianjie, bumen_zhengti, quyu, sichuan_bumen, hebei)


# --- the three writers ---------------------------------------------------------------------------

_PLAIN = re.compile(r"^-?\d+(?:\.(\d+))?$")
_PERCENT = re.compile(r"^(-?\d+(?:\.(\d+))?)%$")


def _excel_value(text: str) -> tuple[Any, str]:
    """A cell's value as Excel keeps it: figures as numbers (a percentage as a fraction) with the number format
    that shows them as the form wrote them; anything else as text."""
    if m := _PLAIN.match(text):
        places = len(m.group(1) or "")
        return (float(text) if places else int(text)), ("0." + "0" * places if places else "General")
    if m := _PERCENT.match(text):
        places = len(m.group(2) or "")
        return float(m.group(1)) / 100, "0." + "0" * places + "%" if places else "0%"
    return text, "General"


def write_xlsx(layout: Layout, path: Path) -> None:
    """The layout on one sheet: the title lines as merged rows across the table, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    grid, spans = merged_spans(layout.rows)
    width = len(grid[0])
    for r, text in enumerate(layout.titles, start=1):
        sheet.cell(r, 1, text).alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    top = len(layout.titles) + 1
    thin = Side(style="thin")
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            cell = sheet.cell(top + r, c + 1)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if text not in ("<", "^") and text:
                cell.value, cell.number_format = _excel_value(text)
                if isinstance(cell.value, str) and text.startswith("="):
                    cell.data_type = "s"  # "=8个" is a target typed as text, not a formula
    for (r, c), (r2, c2) in spans.items():
        if (r, c) != (r2, c2):
            sheet.merge_cells(start_row=top + r, start_column=c + 1, end_row=top + r2, end_column=c2 + 1)
    for c, share in enumerate(layout.widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = share * 1.6
    workbook.properties.creator = "ziping fixtures"
    buffer = io.BytesIO()
    workbook.save(buffer)
    fixed_zip(buffer.getvalue(), path)


def write_docx(layout: Layout, path: Path) -> None:
    """The layout as a Word document: the title lines as paragraphs, the table as one merged Word table."""
    document = _new_document()
    for text in layout.titles:
        _title(document, text)
    _table_from_spec(document, layout.rows)
    _save(document, path)


_registered = False


def write_pdf(layout: Layout, path: Path, font: Path) -> None:
    """The layout as a ruled table on A4 pages (landscape unless `portrait`): a GRID over every cell, merged
    cells spanned."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont(FONT, str(font), subfontIndex=0))
        _registered = True
    size = 8
    cell_style = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.35, wordWrap="CJK")
    title_style = ParagraphStyle("title", fontName=FONT, fontSize=14, leading=20, alignment=1)
    grid, spans = merged_spans(layout.rows)
    page = A4 if layout.portrait else landscape(A4)
    usable = page[0] - 72
    total = sum(layout.widths)
    widths = [usable * share / total for share in layout.widths]

    def cell(text: str):
        if text in ("<", "^", ""):
            return ""
        return Paragraph(escape(text).replace("\n", "<br/>"), cell_style)

    table = Table([[cell(text) for text in row] for row in grid], colWidths=widths, repeatRows=0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), size),
    ]
    style += [("SPAN", (c, r), (c2, r2)) for (r, c), (r2, c2) in spans.items() if (r, c) != (r2, c2)]
    table.setStyle(TableStyle(style))
    story: list = [Paragraph(escape(text), title_style) for text in layout.titles] + [Spacer(1, 6), table]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36,
                            invariant=1)  # fmt: skip
    doc.title = layout.titles[-1]
    doc.build(story)
    path.write_bytes(buffer.getvalue())


def main() -> int:
    try:
        import docx  # noqa: F401
        import openpyxl  # noqa: F401
        import reportlab  # noqa: F401
    except ImportError as exc:
        sys.exit(
            f"make_real_layout_fixtures: {exc.name} is missing; install the dev extra: .venv/bin/pip install -e '.[dev]'"
        )
    font = _font()  # exits with the Debian package to install when no TrueType CJK font is found
    OUT.mkdir(parents=True, exist_ok=True)
    for build in LAYOUTS:
        layout = build()
        for suffix, write in (("xlsx", write_xlsx), ("docx", write_docx)):
            write(layout, OUT / f"{layout.stem}.{suffix}")
        write_pdf(layout, OUT / f"{layout.stem}.pdf", font)
        print(f"wrote {(OUT / layout.stem).relative_to(ROOT)}.{{xlsx,docx,pdf}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
