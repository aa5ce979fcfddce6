"""`ziping triage` and `ziping queue`: the reviewer's queue, ranked by risk and kept in a store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ziping.cli.base import (
    DEFAULT_DB,
    BaseUrlOpt,
    ConcurrencyOpt,
    DbOption,
    Exit,
    ForceOpt,
    IgnoreOpt,
    Lang,
    LangOpt,
    LlmOpt,
    MaxTokensOpt,
    ModelOpt,
    ModeOpt,
    NoCacheOpt,
    PresetOpt,
    ProfileOpt,
    SelectOpt,
    app,
    fail,
    group,
    llm_settings,
    make_checker,
    make_reviewer,
    t,
)

SinceOpt = Annotated[
    str | None,
    typer.Option(
        metavar=t("时间", "TIME"),
        help=t(
            "只列出此时间之后新增或改动的表，如 2026-11-25T09:00",
            "only forms new or changed since, e.g. 2026-11-25T09:00",
        ),
    ),
]


def _since(value: str | None, lang: str):
    """--since as an aware UTC time; a time without a zone is local time."""
    if value is None:
        return None
    from datetime import UTC, datetime

    from ziping.reports.queue import WORDS

    try:
        return datetime.fromisoformat(value.strip()).astimezone(UTC)
    except ValueError:
        raise fail(WORDS[lang]["bad_since"].format(value=value)) from None


def _open_store(db: Path, lang: str, must_exist: bool = False):
    from ziping.reports.queue import WORDS
    from ziping.store import Store, StoreError

    if must_exist and not db.is_file():
        raise fail(WORDS[lang]["no_store"].format(path=db))
    try:
        return Store(db)
    except StoreError as exc:
        raise fail(str(exc)) from None


@app.command(
    help=t("按风险排序审核队列，增量检查并导出", "Rank forms by risk into a review queue, checking only what changed.")
)
def triage(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar=t("路径", "PATH"), help=t("自评表文件或文件夹", "form files or folders"), show_default=False
        ),
    ] = None,
    out: Annotated[
        list[Path] | None,
        typer.Option(
            "--out",
            "-o",
            metavar=t("路径", "PATH"),
            help=t("导出队列，按后缀 .xlsx/.csv/.json/.html", "export the queue: .xlsx, .csv, .json or .html"),
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    since: SinceOpt = None,
    explain: Annotated[bool, typer.Option("--explain", help=t("说明风险分的算法", "print the risk formula"))] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help=t("只统计并估算大模型用量，不检查", "count and estimate LLM use; check nothing")
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            metavar=t("数量", "N"),
            help=t("进程数；默认超过 200 个文件时用全部核", "processes; by default every core above 200 files"),
            show_default=False,
        ),
    ] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = Lang.zh,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    preset: PresetOpt = None,
    mode: ModeOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_tokens: MaxTokensOpt = None,
    no_cache: NoCacheOpt = False,
    force: ForceOpt = False,
) -> None:
    if explain:
        from ziping.risk import formula

        sys.stdout.write(formula(lang.value) + "\n")
        return
    from ziping import triage as tri
    from ziping.reports import queue

    words = queue.WORDS[lang.value]
    if not paths:
        raise fail(words["no_paths"])
    from ziping.files import OutputError, claim

    for target in out or []:
        if target.suffix.lower() not in queue.WRITERS:
            raise fail(words["bad_out"].format(suffix=target.suffix or "（无）", path=target))
        try:  # before any form is checked: an export that cannot be written stops the run at once
            claim(target, force=force, inputs=paths)
        except OutputError as exc:
            raise fail(exc.say(lang.value)) from None
    if workers is not None and workers < 1:
        raise fail(words["bad_workers"].format(value=workers))
    since_time = _since(since, lang.value)
    checker = make_checker(select, ignore, profile)
    settings = llm_settings(
        llm=llm,
        model=model,
        base_url=base_url,
        preset=preset,
        mode=mode,
        concurrency=concurrency,
        max_tokens=max_tokens,
    )
    batch = tri.sources(paths)
    if dry_run:
        store = _open_store(db, lang.value) if db.is_file() else None
        found = tri.estimate(batch, store, checker, settings)
        prompt, output = tri.PROMPT_TOKENS_PER_CALL, tri.OUTPUT_TOKENS_PER_CALL
        sys.stdout.write(words["dry_run"].format(**_fields(found), prompt=prompt, output=output) + "\n")
        return
    from ziping.reports.progress import BarProgress

    reviewer = make_reviewer(ctx, settings, checker, use_cache=not no_cache, show_progress=False)  # triage has its bar
    with _open_store(db, lang.value) as store:
        bar = BarProgress(lang.value)
        try:
            stats = tri.run(batch, store, checker, workers, bar, settings, reviewer)
        finally:
            bar.close()
        rows = tri.select_rows(tri.triage_rows(batch, store, checker, lang.value), since_time)
    sys.stdout.write(words["ran"].format(**_fields(stats)) + "\n")
    if stats.skipped_files:
        sys.stderr.write(words["skipped"].format(n=stats.skipped_files) + "\n")
    queue.render_terminal(rows, sys.stdout, lang.value, limit=20)
    for target in out or []:
        try:
            queue.write(rows, target, lang.value)
        except OSError as exc:
            raise fail(words["write_failed"].format(path=target, reason=exc.strerror or exc)) from None
        sys.stderr.write(words["written"].format(path=target) + "\n")
    if reviewer is not None:
        from ziping.reports.contract import llm_line

        sys.stdout.write(llm_line(reviewer.total, lang.value) + "\n")
    unreadable = sum(1 for row in rows if row.unreadable)
    if unreadable:
        sys.stderr.write(words["unreadable"].format(n=unreadable) + "\n")
    if unreadable or (reviewer is not None and reviewer.total.incomplete):
        raise typer.Exit(Exit.UNUSABLE)


def _fields(record) -> dict:
    """A slotted dataclass's fields, for formatting a message."""
    from dataclasses import asdict

    return asdict(record)


queue_app = group("queue", t("审核队列：标记与列出", "The review queue: mark forms, list them."))


@queue_app.command(
    "mark", help=t("标记一张表的审阅状态，可附备注", "Mark a form reviewed, returned or accepted, with a note.")
)
def queue_mark(
    form_id: Annotated[
        str,
        typer.Argument(
            metavar=t("编号", "ID"), help=t("表的编号，见队列", "the form's ID in the queue"), show_default=False
        ),
    ],
    status: Annotated[
        str, typer.Argument(metavar=t("状态", "STATUS"), help="reviewed | returned | accepted", show_default=False)
    ],
    note: Annotated[str, typer.Option(metavar=t("文字", "TEXT"), help=t("审阅备注", "a note"))] = "",
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            envvar="ZIPING_REVIEWER",
            show_envvar=False,
            metavar=t("姓名", "NAME"),
            help=t(
                "审阅人（或环境变量 ZIPING_REVIEWER）；默认为当前登录用户",
                "who marks (or ZIPING_REVIEWER); by default the login name",
            ),
            show_default=False,
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    lang: LangOpt = Lang.zh,
) -> None:
    from ziping.reports.queue import WORDS
    from ziping.store import STATUSES
    from ziping.triage import STATUS_LABELS

    words = WORDS[lang.value]
    status = status.strip().lower()
    if status not in STATUSES:
        raise fail(words["bad_status"].format(status=status))
    with _open_store(db, lang.value, must_exist=True) as store:
        if not store.form_exists(form_id.strip()):
            raise fail(words["unknown_id"].format(id=form_id))
        store.mark(form_id.strip(), status, note, reviewer=_reviewer(by))
    sys.stdout.write(words["marked"].format(id=form_id, label=STATUS_LABELS[lang.value][status]) + "\n")


def _reviewer(given: str | None) -> str:
    """The name recorded on a mark: the one given, else the login name."""
    if given and given.strip():
        return given.strip()
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return ""


@queue_app.command("list", help=t("列出结果库中的全部表，按风险排序", "List every stored form, ranked by risk."))
def queue_list(
    status: Annotated[
        str | None,
        typer.Option(metavar=t("状态", "STATUS"), help="reviewed | returned | accepted | pending", show_default=False),
    ] = None,
    since: SinceOpt = None,
    db: DbOption = DEFAULT_DB,
    lang: LangOpt = Lang.zh,
) -> None:
    from ziping.reports.queue import WORDS, render_terminal
    from ziping.store import STATUSES
    from ziping.triage import queue_rows, select_rows

    words = WORDS[lang.value]
    if status is not None and status.strip().lower() not in (*STATUSES, "pending"):
        raise fail(words["bad_list_status"].format(status=status))
    since_time = _since(since, lang.value)
    with _open_store(db, lang.value, must_exist=True) as store:
        rows = queue_rows(store.files().values(), store.marks(), lang.value)
    rows = select_rows(rows, since_time, status.strip().lower() if status else None)
    render_terminal(rows, sys.stdout, lang.value)
