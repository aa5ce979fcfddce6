"""A triage test folder made at test time from the seed forms: varied, some defective, some unreadable."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from .conftest import SEED

HEADING = "项目支出绩效自评表"
CODE = re.compile(r"(项目编码： )(\d+)")

# Defects injected into seed form 3 (whose arithmetic is correct): each makes a recomputed error.
DEFECTS = {
    "inflated-total": ("总分 100 99.74 —", "总分 100 100.00 —"),
    "inflated-indicator": ("资金使用率（%） 100% 99.73% 10 9.97", "资金使用率（%） 100% 99.73% 10 10"),
    "funds": ("年度资金总额 661800.00 661800.00 660000.00 10 99.73 9.97", "年度资金总额 661800.00 661800.00 600000.00 10 99.73 9.97"),
}  # fmt: skip
UNREADABLE = {
    "二进制.txt": b"\x00\x01\x02PK\x03\x04" * 40,
    "坏的.json": b'{"header": {',
}
# Files of an inbox that hold no form: met while walking the folder, they are skipped, not queued.
NOT_FORMS = {
    "空文件.txt": b"",
    "不是自评表.txt": "这是一份会议纪要，没有自评表。\n".encode(),
    "README.md": "# 收件箱说明\n各单位的自评表放在各自的文件夹里。\n".encode(),
}


@dataclass
class Corpus:
    """What was written: the folder, the clean and defective form files, the unreadable ones."""

    root: Path
    clean: list[Path] = field(default_factory=list)  # seed form 3 variants: one warning, no error
    defective: list[Path] = field(default_factory=list)  # an injected defect, or seed forms 1–2
    unreadable: list[Path] = field(default_factory=list)
    not_forms: list[Path] = field(default_factory=list)
    forms: int = 0


def seed_forms() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [HEADING + part for part in text.split(HEADING)[1:]]


def _recode(text: str, prefix: str) -> str:
    """A new project code: its first digits replaced, so every form's content differs."""
    return CODE.sub(lambda m: m.group(1) + prefix + m.group(2)[len(prefix) :], text, count=1)


def _write(path: Path, text: str, rng: random.Random) -> None:
    """Write in one of the encodings and line endings real inboxes hold."""
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "gb18030"])
    path.write_bytes(text.encode(encoding))


def make_corpus(root: Path, count: int = 300, seed: int = 4) -> Corpus:
    """`count` form files (a few with two forms) in nested folders, plus unreadable files."""
    rng = random.Random(seed)
    forms = seed_forms()
    corpus = Corpus(root)
    defects = list(DEFECTS.values())
    injected = 0
    for k in range(count):
        folder = root / f"单位{k % 7:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"自评表-{k:04d}.txt"
        kind = k % 3
        text = forms[kind]
        defective = kind != 2
        if kind == 2 and k % 4 == 0:
            old, new = defects[injected % len(defects)]
            injected += 1
            assert old in text
            text = text.replace(old, new)
            defective = True
        text = _recode(text, f"{k:06d}")
        if k % 50 == 49 and defective:  # a file holding two forms, as the seed does
            text += "\n" + _recode(forms[0], f"9{k:05d}")
            corpus.forms += 1
        _write(path, text, rng)
        corpus.forms += 1
        (corpus.defective if defective else corpus.clean).append(path)
    bad = root / "待处理"
    bad.mkdir(exist_ok=True)
    for name, data in UNREADABLE.items():
        (bad / name).write_bytes(data)
        corpus.unreadable.append(bad / name)
    for name, data in NOT_FORMS.items():
        (bad / name).write_bytes(data)
        corpus.not_forms.append(bad / name)
    return corpus
