"""Weight profiles: the scoring practice a form follows, as data (TOML files beside this module)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

PROFILE_DIR = Path(__file__).parent


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tolerance: float = 0.01
    over_achievement: float = 0.20
    # An execution rate under this (in %) needs a word of explanation; None: never asked.
    execution_note_below: float | None = None


class Detect(BaseModel):
    """How a layout names its profile: every label of one of the sets occurs in the form (as labels are matched)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: list[list[str]]


class Profile(BaseModel):
    """Weights, grade bands and thresholds that scoring and rules read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    execution_weight: float
    total_weight: float
    level1_weights: dict[str, float]
    grades: dict[str, float]
    thresholds: Thresholds = Thresholds()
    detect: Detect | None = None

    def grade_for(self, total: float) -> str:
        """The grade band a total score falls in."""
        for grade, floor in sorted(self.grades.items(), key=lambda kv: -kv[1]):
            if total >= floor:
                return grade
        return min(self.grades, key=self.grades.__getitem__)


class ProfileError(ValueError):
    """A profile that cannot be used; the message says why, in Chinese."""


class UnknownProfileError(ProfileError):
    """No built-in profile of that name and no such file."""


def available() -> list[str]:
    """Names of the built-in profiles."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


@lru_cache(maxsize=16)
def load_profile(name_or_path: str = "standard") -> Profile:
    """A built-in profile by name, or a profile TOML file by path."""
    path = PROFILE_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        path = Path(name_or_path)
        if not path.is_file():
            raise UnknownProfileError(name_or_path)
    try:
        with path.open("rb") as fh:
            return Profile.model_validate(tomllib.load(fh))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"评分标准文件 {path} 不是有效的 TOML：{exc}") from None
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}：{_explain(e)}" for e in exc.errors())
        raise ProfileError(f"评分标准文件 {path} 有误：{problems}") from None


def _explain(error: dict) -> str:
    return {"extra_forbidden": "未知的设置项", "missing": "缺少该设置项"}.get(error["type"], error["msg"])


@lru_cache(maxsize=1)
def _detectors() -> tuple[tuple[str, tuple[frozenset[str], ...]], ...]:
    from ziping.readers.labels import key

    out = []
    for name in available():
        profile = load_profile(name)
        if profile.detect is not None:
            out.append((name, tuple(frozenset(key(label) for label in group) for group in profile.detect.labels)))
    return tuple(out)


def detect_profile(labels: set[str]) -> str | None:
    """The built-in profile whose layout the form's labels (as matched: normalised, simplified) name, if any."""
    for name, groups in _detectors():
        if any(group <= labels for group in groups):
            return name
    return None
