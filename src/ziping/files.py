"""The files a batch names: folders walked (links followed, never round a loop), and OS errors in Chinese.

A path the user names is checked whatever it holds. A file met while walking a folder is a candidate:
what holds no form there is skipped, not an error (checks.py decides, after reading it). A link inside
a folder that points nowhere or round in a loop is reported with the reason, never passed over.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# errno → (Chinese, English): what the operating system said, as a user reads it.
OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ELOOP: ("符号链接循环", "a loop of symbolic links"),
    errno.ENOENT: ("文件不存在", "the file does not exist"),
    errno.EACCES: ("没有读取权限", "permission denied"),
    errno.EPERM: ("没有读取权限", "permission denied"),
    errno.EISDIR: ("是文件夹，不是文件", "a folder, not a file"),
    errno.ENOTDIR: ("路径中的某一级不是文件夹", "a part of the path is not a folder"),
    errno.ENAMETOOLONG: ("路径过长", "the path is too long"),
    errno.EIO: ("读取时出现输入输出错误（磁盘或网络盘故障）", "input/output error (disk or network drive)"),
    errno.EMFILE: ("同时打开的文件过多", "too many open files"),
    errno.ENFILE: ("同时打开的文件过多", "too many open files"),
    errno.EBUSY: ("文件正被占用", "the file is busy"),
    errno.ETIMEDOUT: ("网络盘无响应", "the network drive does not answer"),
    errno.ENXIO: ("设备不存在", "no such device"),
}
BROKEN_LINK = ("符号链接指向的文件不存在", "the symbolic link points to nothing")
LINK_LOOP = OS_REASONS[errno.ELOOP]


def os_reason(exc: OSError, path: str | Path | None = None) -> tuple[str, str]:
    """Why the operating system refused a path, in Chinese and English; a dangling link is named as one."""
    if exc.errno == errno.ENOENT and path is not None and os.path.islink(path):
        return BROKEN_LINK
    if exc.errno in OS_REASONS:
        return OS_REASONS[exc.errno]
    name = errno.errorcode.get(exc.errno or 0, str(exc.errno))
    return f"操作系统报告错误（{name}）", f"the operating system reported {name} ({exc.strerror})"


@dataclass(frozen=True, slots=True)
class Found:
    """One file of a batch."""

    path: Path
    walked: bool = False  # met while walking a folder, not named by the user
    problem: tuple[str, str] | None = None  # (zh, en) why it cannot be opened: a dangling link, a loop


def walk(paths: Sequence[str | Path], suffixes: Collection[str]) -> Iterator[Found]:
    """Files named, and the files with these suffixes inside folders named (recursively, sorted by path)."""
    for path in paths:
        given = Path(path)
        if given.is_dir():
            yield from sorted(_folder(given, suffixes, set()), key=lambda found: str(found.path))
        else:
            yield Found(given)


def _folder(folder: Path, suffixes: Collection[str], entered: set[tuple[int, int]]) -> Iterator[Found]:
    try:
        info = os.stat(folder)
        entries = list(os.scandir(folder))
    except OSError as exc:
        yield Found(folder, True, os_reason(exc, folder))
        return
    if (info.st_dev, info.st_ino) in entered:  # a link back to a folder already being walked
        yield Found(folder, True, LINK_LOOP)
        return
    entered = entered | {(info.st_dev, info.st_ino)}
    for entry in entries:
        path = Path(entry.path)
        try:
            is_folder = stat.S_ISDIR(os.stat(entry.path).st_mode)  # follows links
        except OSError as exc:  # a dangling link, a loop of links, a file gone meanwhile
            if path.suffix.lower() in suffixes or entry.is_symlink():
                yield Found(path, True, os_reason(exc, path))
            continue
        if is_folder:
            yield from _folder(path, suffixes, entered)
        elif path.suffix.lower() in suffixes:
            yield Found(path, True)


class OutputError(ValueError):
    """An output path that cannot be used; str() is the Chinese message, `.en` the English one."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.en = en

    def say(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else str(self)


def names_a_file(out: Path) -> bool:
    """One rule for every --out: a path ending in a file suffix is a file; a folder otherwise (or if it is one)."""
    return bool(out.suffix) and not str(out).endswith(("/", os.sep)) and not out.is_dir()


def claim(target: Path, *, force: bool = False, inputs: Collection[Path] = ()) -> None:
    """Make a file ready to be written, before anything is: never an input, never an existing file unless
    `force`, never a folder; its missing parent folders are created."""
    if target.resolve() in {Path(p).resolve() for p in inputs}:
        raise OutputError(
            f"不会覆盖输入文件 {target}；请给 --out 另选一个路径", f"{target} is an input; it is never overwritten"
        )
    if target.is_dir():
        raise OutputError(f"{target} 是已有的文件夹，不能写成文件", f"{target} is an existing folder, not a file")
    if target.exists() and not force:
        raise OutputError(
            f"{target} 已存在，不会覆盖；换一个路径，或加 --force 覆盖它",
            f"{target} exists and is not overwritten; choose another path, or add --force",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        zh, en = os_reason(exc, target.parent)
        raise OutputError(f"无法创建文件夹 {target.parent}（{zh}）", f"cannot create {target.parent} ({en})") from None
