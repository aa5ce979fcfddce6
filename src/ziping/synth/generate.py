"""`ziping synth`: a seeded, reproducible corpus of labelled forms in every input format.

Each form is drawn clean (build + finalize), gets zero to three defects, and is written in one
format with the extraction noise that format meets in practice. Every random choice comes from a
generator seeded by (seed, form number), so the same seed gives the same files byte for byte.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from ziping.model import Form
from ziping.synth import writers
from ziping.synth.build import build, finalize
from ziping.synth.defects import DEFECTS, Defect
from ziping.synth.labels import field_values, write_labels
from ziping.synth.spec import EPS, Negative, Spec, to_form

FORMATS = ("txt", "json", "xlsx", "pdf")
SHARE = {"txt": 50, "json": 15, "xlsx": 20, "pdf": 15}
CLEAN_SHARE = 0.35
BROKEN_SHARE = 0.005  # files no reader can use: ZP001 / ZP002
FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


@dataclass(slots=True)
class Summary:
    """What a run wrote."""

    out: Path
    forms: int = 0
    files: int = 0
    forms_by_format: Counter[str] = field(default_factory=Counter)
    files_by_format: Counter[str] = field(default_factory=Counter)  # the broken files aside
    broken: int = 0  # files no reader can use (ZP001 / ZP002)
    by_defect: Counter[str] = field(default_factory=Counter)
    clean: int = 0
    skipped: str | None = None  # why a requested format was not written
    seconds: float = 0.0

    def describe(self, lang: str = "zh") -> str:
        """One sentence for the command line: forms and files per format, told apart."""
        if lang == "en":
            shares = ", ".join(
                f"{fmt} {self.files_by_format[fmt]} files / {self.forms_by_format[fmt]} forms"
                for fmt in sorted(self.files_by_format)
            )
            return (
                f"wrote {self.forms} forms in {self.files} files ({shares}; {self.broken} unreadable files; "
                f"{self.clean} forms without defects) to {self.out}, labels in {self.out / 'labels.jsonl'}, "
                f"in {self.seconds:.1f} s"
            )
        shares = "，".join(
            f"{fmt} {self.files_by_format[fmt]} 个文件 {self.forms_by_format[fmt]} 张表"
            for fmt in sorted(self.files_by_format)
        )
        return (
            f"已生成 {self.forms} 张表、{self.files} 个文件（{shares}；无法读取的文件 {self.broken} 个；"
            f"无缺陷的表 {self.clean} 张）到 {self.out}，标注在 {self.out / 'labels.jsonl'}，用时 {self.seconds:.1f} 秒"
        )


def make_spec(rng: Random, form_id: str, fmt: str, kinds: Sequence[str] | None = None) -> Spec:
    """One labelled form: drawn clean, then given its defects (`kinds`: exactly these, where the form allows)."""
    spec = build(rng, form_id)
    pool = [d for d in DEFECTS if d.formats is None or fmt in d.formats]
    if kinds is not None:
        order = [d for d in pool if d.kind in kinds]
        wanted = len(order)
    else:
        wanted = 0 if rng.random() < CLEAN_SHARE else rng.choice((1, 1, 2, 2, 3))
        order = rng.sample(pool, len(pool))
    n_before = sum(1 for d in order[:wanted] if d.phase == "before")
    applied = _apply(rng, spec, [d for d in order if d.phase == "before"], n_before)
    finalize(rng, spec)
    applied += _apply(rng, spec, [d for d in order if d.phase == "after"], wanted - len(applied))
    spec.defects = [d.kind for d in sorted(applied, key=DEFECTS.index)]
    _negatives(spec)
    return spec


def _apply(rng: Random, spec: Spec, candidates: list[Defect], wanted: int) -> list[Defect]:
    applied: list[Defect] = []
    for defect in candidates:
        if len(applied) >= wanted:
            break
        if defect.inject(rng, spec):
            applied.append(defect)
    return applied


def _negatives(spec: Spec) -> None:
    """Fields that look like defects and are not: honest rounding, explained over-achievement and low execution."""
    st = spec.style
    for ind in spec.inds:
        if not ind.fixed_score and ind.score is not None and abs(ind.earned() - ind.score) > EPS:
            kind = "whole_points" if st.places == 0 else "honest_rounding"
            spec.negatives.append(
                Negative(spec.ind_field(ind, "score"), kind, f"{ind.earned():.4f} 写作 {ind.score_text}")
            )
        if ind.over_ok and ind.note and not ind.fixed_note:
            spec.negatives.append(Negative(spec.ind_field(ind, "actual"), "over_explained", "超额完成并已说明"))
    funds = spec.funds
    rate = funds.rate()
    exact = funds.weight * min(rate, 100.0) / 100
    if not funds.fixed_score and abs(exact - funds.score) > EPS:
        spec.negatives.append(
            Negative("funds.execution_score", "honest_rounding", f"{exact:.4f} 写作 {funds.score_text}")
        )
    if not funds.fixed_rate and st.rate_places == 0 and abs(rate - round(rate)) > 0.01:
        spec.negatives.append(Negative("funds.execution_rate", "rate_whole", f"{rate:.4f}% 写作 {funds.rate_text}"))
    if rate < 90 and "no_funds_note" not in spec.fixed:
        spec.negatives.append(Negative("funds.execution_rate", "low_rate_explained", f"执行率 {rate:.2f}%，叙述已说明"))


def _fullwidth(form: Form, rng: Random) -> None:
    """Full-width digits in some number cells and values, as some extractions and typists write them."""

    def swap(field):
        if field is None or rng.random() > 0.4:
            return field
        return type(field)(raw=field.raw.translate(FULLWIDTH))

    for row in ("total", "fiscal", "carryover", "other"):
        fields = getattr(form.funds, row)
        for part in ("initial_budget", "budget", "executed"):
            setattr(fields, part, swap(getattr(fields, part)))
    form.funds.execution_rate = swap(form.funds.execution_rate)
    form.funds.execution_score = swap(form.funds.execution_score)
    for ind in form.indicators:
        ind.weight, ind.score = swap(ind.weight), swap(ind.score)
        ind.target, ind.actual = swap(ind.target), swap(ind.actual)
    form.total.score = swap(form.total.score)


def _form_record(spec: Spec, form: Form, index: int) -> dict:
    return {
        "id": spec.id,
        "index": index,
        "clean": not spec.expects,
        "defects": spec.defects,
        "expected": [_fields(e) for e in spec.expects],
        "negatives": [_fields(n) for n in spec.negatives],
        "truth": field_values(form),
    }


def _fields(item) -> dict:
    """A slotted dataclass as a JSON object."""
    return {name: getattr(item, name) for name in item.__slots__}


def generate_corpus(out: Path, count: int, seed: int = 1, formats: Sequence[str] = FORMATS) -> Summary:
    """Write `count` labelled forms under `out` with labels.jsonl beside them; returns what was written."""
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary(out)
    formats = [f for f in FORMATS if f in formats]
    if "pdf" in formats and (why := writers.pdf_unavailable()):
        formats.remove("pdf")
        summary.skipped = f"PDF：{why}"
    if not formats:
        raise ValueError("没有可写出的格式 / no format to write")
    master = Random(f"ziping-synth-{seed}")
    records = []
    number = 0
    while number < count:
        fmt = master.choices(formats, [SHARE[f] for f in formats])[0]
        if master.random() < BROKEN_SHARE:
            if (broken := _broken(out, master, number, formats, fmt)) is not None:
                records.append(broken)
                summary.files += 1
                summary.broken += 1
            continue
        n = min(count - number, master.choices((1, 2, 3), (75, 17, 8))[0] if fmt == "txt" else 1)
        rngs = [Random(f"ziping-synth-{seed}-{number + k}") for k in range(n)]
        specs = [make_spec(rng, f"F{number + k + 1:06d}", fmt) for k, rng in enumerate(rngs)]
        records.append(_write(out, fmt, specs, rngs[0], summary))
        number += n
    write_labels(out, records)
    summary.seconds = time.perf_counter() - start
    return summary


def _write(out: Path, fmt: str, specs: list[Spec], rng: Random, summary: Summary) -> dict:
    forms = [to_form(spec) for spec in specs]
    noise: list[str] = []
    if rng.random() < 0.12:
        for form in forms:
            _fullwidth(form, rng)
        noise.append("fullwidth")
    if any(spec.style.thousands for spec in specs):
        noise.append("thousands")
    encoding = "utf-8"
    name = f"{specs[0].id}.{fmt}"
    if fmt == "txt":
        layouts = [
            writers.Layout(
                wrapped=rng.random() < 0.4,
                spaces=rng.random() < 0.3,
                comments=rng.random() < 0.5,
                level1_inline=rng.random() < 0.3,
                budget_label=spec.style.budget_label,
            )
            for spec in specs
        ]
        encoding = rng.choices(("utf-8", "gb18030", "utf-8-sig"), (55, 30, 15))[0]
        crlf = rng.random() < 0.1
        data = writers.write_text(forms, layouts, rng, encoding, crlf)
        noise += [n for n in ("wrapped", "spaces", "comments") if any(getattr(lay, n) for lay in layouts)]
        noise += (["crlf"] if crlf else []) + ([encoding] if encoding != "utf-8" else [])
    elif fmt == "json":
        data = writers.write_json(forms)
    elif fmt == "xlsx":
        data = writers.write_xlsx(forms)
        encoding = None
    else:
        data = writers.write_pdf(forms)
        encoding = None
    (out / name).write_bytes(data)
    summary.files += 1
    summary.forms += len(specs)
    summary.files_by_format[fmt] += 1
    summary.forms_by_format[fmt] += len(specs)
    for spec in specs:
        summary.by_defect.update(spec.defects)
        summary.clean += not spec.expects
    return {
        "path": name,
        "format": fmt,
        "encoding": encoding,
        "noise": sorted(set(noise)),
        "expected": [],
        "forms": [_form_record(spec, form, k) for k, (spec, form) in enumerate(zip(specs, forms), start=1)],
    }


def _broken(out: Path, rng: Random, number: int, formats: list[str], fmt: str) -> dict | None:
    """A file no reader can use, labelled with the file-level finding it must get; None for PDF alone."""
    name = f"X{number + 1:06d}-{rng.randrange(10**6):06d}"
    kind = rng.choice(("json", "xlsx", "txt"))
    if kind not in formats:  # only the formats asked for
        if fmt not in ("json", "xlsx", "txt"):
            return None
        kind = fmt
    if kind == "json":
        data, code, why = b'{"header": {"project_name": {"raw": "\xe4\xba\xba', "ZP001", "JSON 被截断"
    elif kind == "xlsx":
        data, code, why = "项目支出绩效自评表".encode() * 20, "ZP001", "扩展名是 .xlsx，内容不是工作簿"
    else:
        data, code, why = "关于报送2023年度绩效自评材料的说明\n请查收附件。\n".encode(), "ZP002", "文本里没有自评表"
    path = f"{name}.{kind}"
    (out / path).write_bytes(data)
    return {
        "path": path,
        "format": kind,
        "encoding": None,
        "noise": ["broken"],
        "expected": [{"code": code, "field": "file", "kind": "broken_file", "description": why}],
        "forms": [],
    }
