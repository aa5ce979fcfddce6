"""The rule registry: each rule is declared once, with everything the CLI, docs and tests derive."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ziping.findings import Confidence, Finding, Hit, Severity

if TYPE_CHECKING:
    from ziping.model import Form
    from ziping.scoring import FormFigures


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text in both catalogs."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Example:
    """Changes to the clean example form (field path → raw text; "" removes the field)."""

    changes: dict[str, str]
    explain: Text


RuleFunction = Callable[["Form", "FormFigures"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One check with its permanent code."""

    code: str
    name: str
    severity: Severity
    title: Text
    messages: dict[str, Text]
    what: Text  # 检查内容
    why: Text  # 为什么
    bad: Example | None  # 反例: the rule fires
    good: Example | None  # 正例: it stays quiet
    check: RuleFunction | None = None  # None: raised by the readers for a whole file
    formulas: dict[str, Text] = field(default_factory=dict)
    confidence: Confidence = "certain"
    scope: Literal["form", "file", "llm"] = "form"
    # The parts of the form the rule reads beyond its finding's own field (path prefixes): where the reader
    # could read one of them more than one way (`Form.unsure`), the rule does not speak.
    reads: tuple[str, ...] = ()

    def speaks_on(self, finding: Finding, unsure: Iterable[str]) -> bool:
        """Whether a finding stands: it is not about, and does not rest on, a part the reader was unsure of."""
        unsure = tuple(unsure)  # asked once for every path
        return not any(touches(path, unsure) for path in (finding.field, *self.reads))

    def run(self, form: Form, figures: FormFigures) -> Iterable[Finding]:
        """The rule's findings on one form."""
        if self.check is None:
            return
        for hit in self.check(form, figures):
            yield self.finding(hit)

    def finding(self, hit: Hit) -> Finding:
        """A Finding carrying this rule's code, severity and confidence."""
        return Finding(
            code=self.code,
            severity=self.severity,
            field=hit.field,
            location=hit.location,
            params=hit.params,
            declared=hit.declared,
            expected=hit.expected,
            variant=hit.variant,
            confidence=self.confidence,
        )

    def message(self, finding: Finding, lang: str = "zh") -> str:
        """The finding's message in one language."""
        template = self.messages.get(finding.variant) or self.messages["default"]
        return template.get(lang).format_map(finding.params)

    def formula(self, finding: Finding, lang: str = "zh") -> str | None:
        """How the expected value was computed, if the rule computes one."""
        template = self.formulas.get(finding.variant) or self.formulas.get("default")
        return template.get(lang).format_map(finding.params) if template else None


def touches(path: str, parts: Iterable[str]) -> bool:
    """Whether a path is one of `parts`, lies inside one, or holds one."""
    return any(_related(part, path) for part in parts)


def _related(a: str, b: str) -> bool:
    """One path is the other or lies inside it ("indicators[3]" and "indicators[3].score", "funds" and "funds.fiscal");
    "*" is the whole form."""
    if "*" in (a, b):
        return True
    short, long_ = sorted((a, b), key=len)
    return long_ == short or long_.startswith(short) and long_[len(short)] in ".["


class DuplicateRuleError(RuntimeError):
    """Two rules claim one code: codes are permanent and never reused."""


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    title: Text,
    message: Text | dict[str, Text],
    what: Text,
    why: Text,
    bad: Example | None,
    good: Example | None,
    formula: Text | dict[str, Text] | None = None,
    confidence: Confidence = "certain",
    scope: Literal["form", "file", "llm"] = "form",
    reads: tuple[str, ...] = (),
) -> Callable[[Any], Any]:
    """Declare and register a rule; the decorated function yields Hits for one form."""

    def register(check: RuleFunction | None) -> RuleFunction | None:
        if code in REGISTRY:
            raise DuplicateRuleError(code)
        messages = message if isinstance(message, dict) else {"default": message}
        formulas = formula if isinstance(formula, dict) else ({"default": formula} if formula else {})
        REGISTRY[code] = Rule(
            code=code,
            name=name,
            severity=severity,
            title=title,
            messages=messages,
            what=what,
            why=why,
            bad=bad,
            good=good,
            check=check,
            formulas=formulas,
            confidence=confidence,
            scope=scope,
            reads=reads,
        )
        return check

    return register


def declare(code: str, name: str, severity: Severity, scope: Literal["file", "llm"] = "file", **kwargs: Any) -> None:
    """Register a rule that is not a function of a form: raised by the readers, or judged by the model."""
    rule(code, name, severity, scope=scope, **kwargs)(None)


class UnknownRuleError(ValueError):
    """A --select or --ignore code (or prefix) that names no rule."""


def select(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """The rules chosen by code or code prefix (ZP2, ZP20, ZP204), like a linter's --select/--ignore."""
    from ziping import rules as _  # noqa: F401  -- registers every family

    def matching(prefixes: Iterable[str]) -> set[str]:
        chosen: set[str] = set()
        for prefix in prefixes:
            prefix = prefix.strip().upper()
            if not prefix:
                continue
            hits = {code for code in REGISTRY if code.startswith(prefix)}
            if not hits:
                raise UnknownRuleError(prefix)
            chosen |= hits
        return chosen

    selected = matching(select) or set(REGISTRY)
    selected -= matching(ignore)
    return [REGISTRY[code] for code in sorted(selected)]
