"""Meta-tests on the registry, and every rule's documented examples run as tests."""

from __future__ import annotations

import re
import string

import pytest

from ziping.findings import Hit, Severity
from ziping.ruledocs import apply_changes, run_example
from ziping.rules import REGISTRY, UnknownRuleError, select
from ziping.rules.registry import DuplicateRuleError, Example, Text, rule

FORM_RULES = [r for r in select() if r.scope == "form"]
CATALOG = {
    "ZP001": "error", "ZP002": "error", "ZP003": "error", "ZP004": "warning", "ZP005": "warning",
    "ZP009": "error", "ZP010": "info", "ZP011": "warning", "ZP012": "warning", "ZP013": "warning",
    "ZP101": "error", "ZP102": "error", "ZP103": "error", "ZP104": "warning", "ZP105": "info", "ZP106": "warning",
    "ZP201": "error", "ZP202": "error", "ZP203": "warning", "ZP204": "error", "ZP205": "warning",
    "ZP206": "error", "ZP207": "warning", "ZP208": "warning", "ZP209": "warning",
    "ZP210": "warning", "ZP211": "warning", "ZP212": "warning", "ZP213": "info", "ZP214": "error",
    "ZP301": "warning", "ZP302": "error", "ZP303": "error", "ZP304": "error", "ZP305": "error",
    "ZP401": "warning", "ZP402": "error", "ZP403": "error", "ZP404": "warning",
    "ZP501": "warning", "ZP502": "warning", "ZP503": "warning", "ZP504": "warning",
    "ZP601": "warning", "ZP602": "warning", "ZP603": "warning", "ZP604": "error", "ZP605": "warning",
    "ZP606": "info", "ZP607": "warning",
}  # fmt: skip


def test_catalog_codes_and_severities():
    assert {code: r.severity.value for code, r in REGISTRY.items()} == CATALOG


def test_the_example_form_is_clean():
    from ziping.checks import Checker

    result = Checker.create().check_form(apply_changes({}))
    assert result.findings == []


@pytest.mark.parametrize("r", FORM_RULES, ids=lambda r: r.code)
def test_bad_example_fires(r):
    findings = run_example(r, r.bad)
    assert findings and all(f.code == r.code for f in findings)


@pytest.mark.parametrize("r", FORM_RULES, ids=lambda r: r.code)
def test_good_example_is_quiet(r):
    assert run_example(r, r.good) == []


@pytest.mark.parametrize("r", list(REGISTRY.values()), ids=lambda r: r.code)
def test_rule_documents_itself(r):
    assert re.fullmatch(r"ZP\d{3}", r.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name)
    for text in (r.title, r.what, r.why, *r.messages.values(), *r.formulas.values()):
        assert text.zh.strip() and text.en.strip()
    for text in (r.title, r.what, r.why, *r.messages.values()):
        assert re.search(r"[\u4e00-\u9fff]", text.zh), "users read Chinese first"
    if r.scope == "form":
        assert r.bad is not None and r.good is not None
        assert r.bad.explain.zh and r.good.explain.zh


@pytest.mark.parametrize("r", FORM_RULES, ids=lambda r: r.code)
def test_both_catalogs_render_every_finding(r):
    """Every placeholder a template names is supplied, in both languages."""
    for finding in run_example(r, r.bad):
        for lang in ("zh", "en"):
            assert r.message(finding, lang)
        for variant in (finding.variant, "default"):
            for template in (r.messages.get(variant), r.formulas.get(variant)):
                if template is None:
                    continue
                names = {n for _, n, _, _ in string.Formatter().parse(template.zh + template.en) if n}
                if variant == finding.variant:
                    assert names <= set(finding.params)


def test_names_are_unique():
    names = [r.name for r in REGISTRY.values()]
    assert len(names) == len(set(names))


def test_duplicate_code_fails_at_import():
    with pytest.raises(DuplicateRuleError):
        rule(
            "ZP101",
            "another",
            Severity.ERROR,
            title=Text("x", "x"),
            message=Text("x", "x"),
            what=Text("x", "x"),
            why=Text("x", "x"),
            bad=Example({}, Text("x", "x")),
            good=Example({}, Text("x", "x")),
        )(lambda form, fig: iter([Hit("x", None)]))


def test_select_and_ignore_by_prefix():
    assert [r.code for r in select(["ZP30"])] == ["ZP301", "ZP302", "ZP303", "ZP304", "ZP305"]
    assert "ZP304" not in [r.code for r in select(["ZP3"], ["ZP304"])]
    assert len(select()) == len(REGISTRY)
    with pytest.raises(UnknownRuleError):
        select(["ZP999"])
