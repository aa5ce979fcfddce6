"""Orchestration: read a file, run the selected rules on each form, collect the results.

This is the Python API integrators call (`check_path`, `check_paths`); the CLI is a thin layer
over it. Results stream: a batch holds one file at a time, and a file's forms can be read, checked and
written one at a time (`FileResult.stream`), so a file of thousands of forms holds one form at a time.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ziping.files import Found, walk
from ziping.findings import Finding
from ziping.handover import Handover
from ziping.model import Form, Location
from ziping.profiles import Profile, ProfileError, load_profile
from ziping.readers import SUPPORTED_SUFFIXES, FileProblem, ReadResult, read_bytes, read_path
from ziping.rules import REGISTRY, Rule, select
from ziping.scoring import FormFigures, figures, num

if TYPE_CHECKING:
    from ziping.llm.reasons import Reason


@dataclass(slots=True)
class FormResult:
    """One form with its recomputed figures and findings (errors first)."""

    form: Form
    figures: FormFigures
    findings: list[Finding]
    llm_status: str = "skipped"  # skipped | ok | cached | failed (the LLM review of this form)
    llm_reason: Reason | None = None  # why it failed or was skipped (ziping.llm.reasons)


class FileResult:
    """One file: its forms' results, or the finding that stopped it being read.

    `skipped`: a file met while walking a folder that holds no form (a README beside the forms); it is
    reported once, is no error and changes no exit code.

    A checked file may hand over its forms still to be read and checked: `stream()` checks them one at a
    time and keeps none (what `check` writes as it goes), `forms` checks what is left and keeps them all.
    A defect of ziping met on the way ends the file's forms there: those before it are kept, and `error`
    says what happened (ZP009).
    """

    __slots__ = ("path", "error", "skipped", "_forms")

    def __init__(
        self,
        path: str,
        forms: Iterable[FormResult] = (),
        error: Finding | None = None,
        skipped: Finding | None = None,
    ) -> None:
        self.path = path
        self.error = error
        self.skipped = skipped
        self._forms = Handover(forms if isinstance(forms, list) else self._guarded(iter(forms)))

    @property
    def forms(self) -> list[FormResult]:
        """Every form's result (those not yet checked are checked now)."""
        return self._forms.all()

    def collect(self) -> FileResult:
        """This file with every form checked now (and kept)."""
        self._forms.all()
        return self

    def counted(self, counts: Counter[str]) -> FileResult:
        """This file with each form added to a batch's `counts` as it is handed over (`tally_file` adds the
        file once its forms are written)."""
        self._forms = Handover(_tallied(self._forms.stream(), counts))
        return self

    def stream(self) -> Iterator[FormResult]:
        """The forms' results one at a time, none kept once handed over; a file's forms are streamed once."""
        return self._forms.stream()

    def _guarded(self, pending: Iterator[FormResult]) -> Iterator[FormResult]:
        try:
            yield from pending
        except Exception as exc:  # noqa: BLE001 -- a defect on one form must not stop a batch
            self.error = internal_error(exc)

    @property
    def findings(self) -> Iterator[Finding]:
        if self.error is not None:
            yield self.error
        for form in self.forms:
            yield from form.findings


def _unscored_execution(form: Form) -> str | None:
    """The no-execution profile when the form itself gives budget execution no points: no 分值 or 得分 beside
    the execution rate, and the indicators' weights alone make the 100 (the total, where declared, says 100)."""
    funds = form.funds
    if funds.weight is not None or funds.execution_score is not None or not form.indicators:
        return None
    weights = [num(ind.weight) for ind in form.indicators]
    if None in weights or abs(sum(weights) - 100) > 1e-6:
        return None
    # A declared total must say 100; one that cannot be read says nothing either way, so no guess.
    return "no-execution" if form.total.weight is None or num(form.total.weight) == 100 else None


@dataclass(frozen=True, slots=True)
class Checker:
    """The rules and profile one run applies."""

    rules: tuple[Rule, ...]
    profile: Profile
    # False: the profile is the default, and a form whose layout names another is scored by that one.
    profile_chosen: bool = True
    form_rules: tuple[Rule, ...] = field(init=False)  # the rules that are functions of a form

    def __post_init__(self) -> None:
        object.__setattr__(self, "form_rules", tuple(rule for rule in self.rules if rule.check is not None))

    @classmethod
    def create(
        cls, select_codes: Iterable[str] = (), ignore_codes: Iterable[str] = (), profile: str | None = None
    ) -> Checker:
        """Raises UnknownRuleError / UnknownProfileError for codes or profiles that do not exist.

        Without a profile, "standard" scores every form whose layout does not name another.
        """
        chosen = load_profile(profile or "standard")
        return cls(tuple(select(select_codes, ignore_codes)), chosen, profile_chosen=profile is not None)

    def profile_for(self, form: Form) -> Profile:
        """The profile that scores this form: the one asked for, else the one its layout names."""
        if self.profile_chosen:
            return self.profile
        hint = form.profile_hint or _unscored_execution(form)
        if not hint:
            return self.profile
        try:
            return load_profile(hint)
        except ProfileError:
            return self.profile

    def check_form(self, form: Form) -> FormResult:
        """Run every selected rule on one form."""
        fig = figures(form, self.profile_for(form))
        found = [rule.finding(hit) for rule in self.form_rules for hit in rule.check(form, fig)]
        if form.unsure or form.cut_before or form.cut_after:
            # What the reader could read more than one way, or what an excerpt's cut took away, is never the
            # ground of a finding (ZP012 says once what is missing).
            grounds = [*form.unsure, *form.beyond_cut()]
            found = [f for f in found if f.code in ("ZP012", "ZP013") or REGISTRY[f.code].speaks_on(f, grounds)]
        found.sort(key=lambda f: f.sort_key)
        return FormResult(form, fig, found)

    def check_read(self, read: ReadResult, walked: bool = False) -> FileResult:
        """Check what a reader returned, each form as it is handed over (`FileResult.stream`); `walked`: the
        file was met in a folder, where one holding no form is skipped."""
        if read.problem is not None and walked and read.problem.not_a_form:
            return FileResult(read.path, skipped=self.file_finding(read))
        if read.problem is not None:
            return FileResult(read.path, error=self.file_finding(read))
        return FileResult(read.path, forms=map(self.check_form, read.stream()))

    def check_found(self, found: Found, *, stream: bool = False) -> FileResult:
        """Check one file of a batch: a folder's file that holds no form is skipped, a named one is an error."""
        if found.problem is not None:
            return FileResult(
                str(found.path),
                error=self.file_finding(ReadResult(str(found.path), problem=FileProblem("ZP001", *found.problem))),
            )
        return self.check_file(found.path, walked=found.walked, stream=stream)

    def check_file(self, path: str | Path, walked: bool = False, *, stream: bool = False) -> FileResult:
        """Read and check one file; bad input becomes a ZP001/ZP002 finding, never an exception.

        With `stream`, the forms are read and checked as they are handed over (`FileResult.stream`): a file
        of thousands of forms is never held whole. Otherwise every form is checked before this returns.
        """
        try:
            result = self.check_read(read_path(path), walked)
        except Exception as exc:  # noqa: BLE001 -- a defect on one file must not stop a batch
            return FileResult(str(path), error=internal_error(exc))
        return result if stream else result.collect()

    def check_bytes(self, data: bytes, source: str, walked: bool = False, *, stream: bool = False) -> FileResult:
        """Check a file's content already in memory (`stream` as for `check_file`)."""
        result = self.check_read(read_bytes(data, source), walked)
        return result if stream else result.collect()

    def file_finding(self, read: ReadResult) -> Finding:
        problem = read.problem
        rule = REGISTRY[problem.code]
        return Finding(
            code=rule.code,
            severity=rule.severity,
            field="file",
            location=Location(line=problem.line) if problem.line else None,
            params={"reason": problem.reason_zh, "reason_en": problem.reason_en},
        )


def _tallied(forms: Iterator[FormResult], counts: Counter[str]) -> Iterator[FormResult]:
    for form in forms:
        counts["forms"] += 1
        for finding in form.findings:
            counts[finding.severity.value] += 1
        yield form


def tally_file(counts: Counter[str], result: FileResult) -> None:
    """Add a file to a batch's counts once its forms are counted: files checked, unreadable and skipped files."""
    if result.skipped is not None:
        counts["skipped"] += 1
        return
    counts["files"] += 1
    counts["unreadable"] += result.error is not None
    if result.error is not None:
        counts[result.error.severity.value] += 1


def tune_gc_for_batch() -> None:
    """Collect less often during a batch: each form's objects die by reference counting, not in cycles.

    Freezing moves what is loaded (modules, rules, caches) out of the collector's sight, so the
    collections that remain do not walk it over and over (about 6% of a batch's time otherwise).
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def internal_error(exc: Exception) -> Finding:
    """ZP009 for a defect of ziping met on one file: named by its type, so no input text leaks into it."""
    rule = REGISTRY["ZP009"]
    reason = type(exc).__name__
    return Finding(rule.code, rule.severity, "file", None, {"reason": reason, "reason_en": reason})


def expand(paths: Sequence[str | Path]) -> Iterator[Found]:
    """The files of a batch: those named, and the readable kinds inside folders named (see files.walk)."""
    return walk(paths, SUPPORTED_SUFFIXES)


def check_paths(
    paths: Sequence[str | Path],
    select_codes: Iterable[str] = (),
    ignore_codes: Iterable[str] = (),
    profile: str | None = None,
) -> Iterator[FileResult]:
    """Check files and folders one file at a time."""
    checker = Checker.create(select_codes, ignore_codes, profile)
    tune_gc_for_batch()
    for found in expand(paths):
        yield checker.check_found(found)


def check_path(path: str | Path, **options: object) -> FileResult:
    """Check one file (the simplest entry point for integrators)."""
    return Checker.create(**options).check_file(path)  # type: ignore[arg-type]
