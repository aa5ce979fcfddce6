"""The words synthetic forms are made of: projects, units, indicator templates, notes and narrative phrases.

Drawn from the seed forms (fixtures/longgang-2023-selfeval.txt) and the published ones
(fixtures/published*/): the same categories, the same habits of writing targets, the same kinds of
deviation notes. No project, unit or amount here is a real one.
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICTS = (
    "深圳市龙岗区", "深圳市南山区", "成都市青羊区", "杭州市西湖区", "南京市鼓楼区", "武汉市江岸区", "池州市贵池区",
    "遂宁市大英县", "眉山市青神县", "佛山市顺德区", "苏州市吴江区", "长沙市岳麓区", "郑州市金水区", "西安市雁塔区",
    "合肥市蜀山区", "福州市鼓楼区", "昆明市五华区", "贵阳市云岩区", "南宁市青秀区", "济南市历下区",
)  # fmt: skip
DEPARTMENTS = (
    "人民代表大会常务委员会办公室", "民政局", "教育局", "卫生健康局", "农业农村局", "司法局", "文化广电旅游体育局",
    "城市管理和综合执法局", "生态环境局", "发展和改革局", "科学技术局", "人力资源和社会保障局", "住房和城乡建设局",
    "交通运输局", "水务局", "应急管理局", "市场监督管理局", "退役军人事务局", "统计局", "政务服务数据管理局",
)  # fmt: skip
SUBUNITS = ("本级", "（本级）", "机关", "综合服务中心", "信息中心", "事务中心")
PROJECTS = (
    "人大宣传", "代表工作", "信息系统运行与维护", "社区居家养老服务", "乡村示范点建设", "委托业务项目",
    "困难群众临时救助", "法律援助服务", "公共文化活动", "中小学教师培训", "河道日常巡查维护", "垃圾分类宣传推广",
    "网格化社会治理", "安全生产专项检查", "老旧小区改造", "食品安全抽检", "农村饮水安全维护", "图书采购",
    "政务新媒体运营", "基层医疗设备购置", "退役军人关爱帮扶", "就业创业培训", "防汛物资储备", "智慧城管平台运维",
    "公共法律服务平台建设", "全民健身设施维护", "非遗保护传承", "统计调查业务", "市场主体信用监管",
    "病媒生物防制", "校园安全保障", "农业技术推广", "历史档案数字化", "社区矫正工作", "政务服务大厅运行",
)  # fmt: skip
THEMES = (
    "加强新媒体宣传", "提升公共服务水平", "保障项目顺利实施", "规范资金使用管理", "提高群众满意度",
    "完善长效管理机制", "推动重点工作落实", "改善基层服务条件", "提升业务工作质量", "强化监督检查",
)  # fmt: skip
GOAL_CLAUSES = (
    "围绕{year}年度重点工作，统筹推进{project}各项任务",
    "按照年度计划组织实施{project}工作，{theme}",
    "严格执行预算管理规定，确保资金使用规范高效",
    "建立健全工作制度，{theme}",
    "加强与相关部门的沟通协调，形成工作合力",
    "做好项目全过程管理，按期完成年度目标任务",
)  # fmt: skip
RESULT_CLAUSES = (
    "{project}工作按计划有序推进",
    "项目实施过程规范，资金使用符合相关规定",
    "服务对象反映良好，社会效益逐步显现",
    "相关工作制度进一步完善",
    "通过项目实施，{theme}取得实效",
)  # fmt: skip
# Sentences that explain why funds went unspent (they must satisfy ZP106's reader when the rate is low).
FUNDS_EXPLANATIONS = (
    "部分资金因合同尾款顺延至下一年度支付而未执行",
    "因部分采购项目结余，资金未全部支付",
    "部分经费因项目延期未能在年内支付",
)  # fmt: skip
CLAIMS = ("全年各项工作全部完成", "年度目标任务均已完成", "圆满完成年度各项工作任务")  # ZP502's words
TEMPLATE_HINTS = (
    "对照年度目标,说明相关任务目标的完成情况(100字以内)",
    "请填写实际完成情况（限2000字以内）",
    "此处填写项目年度目标完成情况",
)  # fmt: skip
TEMPLATE_NOTE_HINT = "请简要说明偏差原因及改进措施（限200字内）"
UNPLACED = ("项目负责人意见：同意", "财务负责人：张某某", "审核意见：情况属实")

# Deviation notes: a cause, a measure. Causes flagged about_funds speak of unspent money.
CAUSES = (
    "受天气等客观因素影响，部分工作进度滞后",
    "部分服务对象因搬迁等原因未能参与",
    "实际需求少于年初预估",
    "上级部门调整工作安排，部分活动取消",
    "人员变动导致部分工作推迟开展",
    "部分任务需与其他单位协同，进度受到影响",
    "系统正处于试运行状态，还未正式运行",
)  # fmt: skip
FUNDS_CAUSES = (
    "部分采购项目结余，资金未全部支付",
    "部分合同尾款顺延至下一年度支付",
    "培训事宜调整，该培训费未能支付",
)  # fmt: skip
MEASURES = (
    "下一步将加强统筹调度，确保按计划完成",
    "加快推进相关工作，提前谋划年度任务",
    "优化工作流程，合理设定年度目标",
    "加强与相关部门的沟通协调，及时跟进工作进度",
    "完善项目管理制度，督促各环节按期落实",
)  # fmt: skip
OVER_CAUSES = ("群众需求旺盛，实际完成量高于年初预期", "新增临时任务，工作量超出计划")
OVER_MEASURES = ("下一年度将结合实际合理设定目标值", "今后编制目标时充分评估工作需求")
CAUSE_LABELS = (("原因分析：", "改进措施："), ("偏差原因分析：", "改进措施："), ("原因：", "措施："))

QUALITATIVE_TARGETS = ("有效提高", "明显提升", "持续改善", "效果明显", "稳步提高", "逐步完善")
QUALITATIVE_ACTUALS = ("有效提高", "明显提升", "持续改善", "效果明显", "达到预期", "已实现", "效果良好")
PARTIAL_ACTUALS = ("基本完成", "基本实现", "部分完成", "试运行", "尚未全面完成")
WORD_ACTUALS = ("完成", "已完成", "达成预期指标", "达到预期")  # a word where a number belongs (ZP211)


@dataclass(frozen=True, slots=True)
class Template:
    """One kind of indicator a form may carry.

    kind: at_least | range | at_most | deadline | qualitative; role marks the indicators whose value
    the form's other parts decide (completion rate, funds rate, funds amount). `low`/`high` bound the
    drawn target; `phrase` is how a narrative reports the actual ({n} the number, {u} the unit).
    """

    level1: str
    level2: str
    name: str
    kind: str
    unit: str | None = None
    low: float = 0
    high: float = 0
    role: str = ""
    phrase: str = ""


OUTPUT, EFFECT, SATISFACTION = "产出指标", "效益指标", "满意度指标"

TEMPLATES = (
    # 产出 · 数量: counts with a floor
    Template(OUTPUT, "数量指标", "纸媒版面数量（个）", "at_least", "个", 6, 40, phrase="制作纸媒版面{n}{u}"),
    Template(OUTPUT, "数量指标", "短视频专栏数（期）", "at_least", "期", 6, 30, phrase="推出短视频专栏{n}{u}"),
    Template(OUTPUT, "数量指标", "编印季刊数（期）", "at_least", "期", 2, 8, phrase="编印季刊{n}{u}"),
    Template(OUTPUT, "数量指标", "培训场次（场）", "at_least", "场", 5, 60, phrase="组织培训{n}{u}"),
    Template(OUTPUT, "数量指标", "培训人数（人）", "at_least", "人", 100, 3000, phrase="培训学员{n}{u}"),
    Template(OUTPUT, "数量指标", "宣传活动次数（次）", "at_least", "次", 4, 50, phrase="开展宣传活动{n}{u}"),
    Template(OUTPUT, "数量指标", "发放宣传资料数量（份）", "at_least", "份", 500, 20000, phrase="发放宣传资料{n}{u}"),
    Template(OUTPUT, "数量指标", "慰问困难群众户数（户）", "at_least", "户", 50, 2000, phrase="慰问困难群众{n}{u}"),
    Template(OUTPUT, "数量指标", "专项检查次数（次）", "at_least", "次", 4, 80, phrase="开展专项检查{n}{u}"),
    Template(OUTPUT, "数量指标", "服务企业数量（家）", "at_least", "家", 20, 600, phrase="走访服务企业{n}{u}"),
    Template(OUTPUT, "数量指标", "课题研究数量（项）", "at_least", "项", 2, 12, phrase="完成课题研究{n}{u}"),
    Template(OUTPUT, "数量指标", "采购设备数量（台）", "at_least", "台", 5, 300, phrase="采购设备{n}{u}"),
    Template(OUTPUT, "数量指标", "区人大代表数量（人）", "at_least", "人", 200, 500, phrase="保障区人大代表{n}{u}"),
    Template(OUTPUT, "数量指标", "助餐服务人次（人次）", "at_least", "人次", 2000, 30000, phrase="提供助餐服务{n}{u}"),
    Template(OUTPUT, "数量指标", "安装路灯数量（盏）", "at_least", "盏", 20, 800, phrase="安装路灯{n}{u}"),
    Template(OUTPUT, "数量指标", "示范点建设数量（个）", "at_least", "个", 2, 20, phrase="建成示范点{n}{u}"),
    Template(OUTPUT, "数量指标", "图书采购册数（册）", "at_least", "册", 1000, 50000, phrase="采购图书{n}{u}"),
    Template(OUTPUT, "数量指标", "救助对象人数（人）", "at_least", "人", 50, 5000, phrase="救助困难对象{n}{u}"),
    Template(OUTPUT, "数量指标", "发布信息量（条）", "range", "条", 50, 200, phrase="发布信息{n}{u}"),
    Template(OUTPUT, "数量指标", "推文发布数量（篇）", "range", "篇", 100, 300, phrase="发布推文{n}{u}"),
    # 产出 · 质量: rates with a floor
    Template(OUTPUT, "质量指标", "项目验收合格率（%）", "at_least", "%", 90, 100),
    Template(OUTPUT, "质量指标", "系统故障排除率（%）", "at_least", "%", 95, 100),
    Template(OUTPUT, "质量指标", "资料归档完整率（%）", "at_least", "%", 90, 100),
    Template(OUTPUT, "质量指标", "培训覆盖率（%）", "at_least", "%", 85, 100),
    Template(OUTPUT, "质量指标", "设备完好率（%）", "at_least", "%", 90, 100),
    Template(OUTPUT, "质量指标", "问题整改率（%）", "at_least", "%", 90, 100),
    Template(OUTPUT, "质量指标", "项目完成率（%）", "at_least", "%", 100, 100, role="completion"),
    Template(OUTPUT, "质量指标", "任务完成率（%）", "at_least", "%", 100, 100, role="completion"),
    # 产出 · 时效: deadlines and response times
    Template(OUTPUT, "时效指标", "项目完成时间", "deadline"),
    Template(OUTPUT, "时效指标", "完成时限", "deadline"),
    Template(OUTPUT, "时效指标", "系统故障修复响应时间（小时）", "at_most", "小时", 24, 72),
    Template(OUTPUT, "时效指标", "投诉处理时限（天）", "at_most", "天", 7, 30),
    Template(OUTPUT, "时效指标", "服务响应时间（小时）", "at_most", "小时", 12, 48),
    # 产出 · 成本
    Template(OUTPUT, "成本指标", "资金使用率（%）", "at_least", "%", 100, 100, role="funds_rate"),
    Template(OUTPUT, "成本指标", "预算执行率（%）", "at_least", "%", 100, 100, role="funds_rate"),
    Template(OUTPUT, "成本指标", "项目资金额（元）", "at_most", "元", role="funds_amount"),
    Template(OUTPUT, "成本指标", "项目资金（万元）", "at_most", "万元", role="funds_amount"),
    Template(OUTPUT, "成本指标", "人均培训成本（元）", "at_most", "元", 200, 2000),
    Template(OUTPUT, "成本指标", "单次活动成本（万元）", "at_most", "万元", 1, 10),
    # 效益
    Template(EFFECT, "社会效益指标", "人大工作影响力", "qualitative"),
    Template(EFFECT, "社会效益指标", "群众获得感", "qualitative"),
    Template(EFFECT, "社会效益指标", "公共服务水平", "qualitative"),
    Template(EFFECT, "社会效益指标", "政策知晓率（%）", "at_least", "%", 80, 95),
    Template(EFFECT, "社会效益指标", "受益群众人数（人）", "at_least", "人", 500, 50000, phrase="惠及群众{n}{u}"),
    Template(EFFECT, "经济效益指标", "带动就业人数（人）", "at_least", "人", 20, 800, phrase="带动就业{n}{u}"),
    Template(EFFECT, "生态效益指标", "垃圾分类覆盖率（%）", "at_least", "%", 80, 98),
    Template(EFFECT, "生态效益指标", "生态环境质量", "qualitative"),
    Template(EFFECT, "可持续影响指标", "长效管理机制", "qualitative"),
    Template(EFFECT, "可持续影响指标", "项目持续发挥作用年限（年）", "at_least", "年", 3, 10),
    # 满意度
    Template(SATISFACTION, "服务对象满意度指标", "服务对象满意度（%）", "at_least", "%", 85, 95),
    Template(SATISFACTION, "服务对象满意度指标", "群众满意度（%）", "at_least", "%", 85, 95),
    Template(SATISFACTION, "服务对象满意度指标", "媒体受众满意度", "at_least", "%", 85, 95),
    Template(SATISFACTION, "服务对象满意度指标", "系统使用者满意度（%）", "at_least", "%", 85, 95),
    Template(SATISFACTION, "其他满意度指标", "参训人员满意度（%）", "at_least", "%", 85, 95),
)

# The template's level-2 rows per level 1, in order: those a form leaves unused become placeholders.
LEVEL2_ORDER = {
    OUTPUT: ("数量指标", "质量指标", "时效指标", "成本指标"),
    EFFECT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    SATISFACTION: ("服务对象满意度指标", "其他满意度指标"),
}
