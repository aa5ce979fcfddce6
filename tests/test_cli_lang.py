"""The command line's own words: help, metavars and usage errors in Chinese; English with --lang en or ZIPING_LANG=en."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from ziping.cli import app

from .conftest import SEED

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
# What the framework says in English when nobody translates it.
FRAMEWORK_ENGLISH = (
    "Usage:",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "[default",
    "[required]",
    "Missing argument",
    "Invalid value",
    "No such option",
    "No such command",
    "Try '",
    "Error",
    "Got unexpected",
)
# Option values a help text lists literally (the same in every language).
LITERAL_HELP = {"reviewed | returned | accepted", "reviewed | returned | accepted | pending"}


def _commands(command=None, path=()):
    """Every command and group of the app with its command path."""
    command = command or typer.main.get_command(app)
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMAND_PATHS = [path for path, _ in _commands()]


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "ziping")
def test_every_help_page_is_chinese(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("用法：ziping") and "显示此帮助并退出" in out
    for english in FRAMEWORK_ENGLISH:
        assert english not in out, english
    # Metavars are words, never Python types.
    assert not re.search(r"<\w|list\[|\bstr\b|\bint\b|\bbool\b|\bPath\b", out)


def test_every_declared_help_text_has_an_english_counterpart():
    from ziping.cli.i18n import ENGLISH

    for path, command in _commands():
        texts = [command.help] + [getattr(p, "help", None) for p in command.params]
        for text in filter(None, texts):
            assert text in LITERAL_HELP or (CJK.search(text) and text in ENGLISH), (path, text)


@pytest.mark.parametrize("how", ["flag", "env"])
def test_english_help_on_request(how):
    args, env = (
        (("check", "--help", "--lang", "en"), None) if how == "flag" else (("check", "--help"), {"ZIPING_LANG": "en"})
    )
    out = run(*args, env=env).output
    assert out.startswith("Usage: ziping check [OPTIONS] PATH...")
    assert "Options:" in out and "Show this message and exit." in out and "[default: text]" in out
    assert not CJK.search(out.replace("项目支出绩效自评表", ""))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "错误：缺少参数 路径"),
        (["check", "--format", "xml", "x"], "错误：--format / -f 的值 'xml' 无效：可选 text、json、html、md"),
        (["check", "--nope", "x"], "错误：没有选项 --nope"),
        (["check", "x", "--out"], "错误：选项 --out 后面需要一个值"),
        (["check", "--llm=3", "x"], "错误：选项 --llm 不接受取值"),
        (["chek"], "错误：没有命令 chek；是不是要用：check"),
        (["rules", "ZP304", "extra"], "错误：多余的参数：extra"),
        (["synth", "corpus", "--count", "0"], "错误：--count 的值 '0' 无效：应不小于 1"),
        (["triage", "--workers", "1.5"], "错误：--workers 的值 '1.5' 无效：应为整数"),
        (["queue", "--db", "x"], "错误：没有选项 --db"),
    ],
)
def test_usage_errors_are_chinese_with_usage_and_where_help_is(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "用法：ziping" in result.output and "--help 查看帮助" in result.output
    for english in FRAMEWORK_ENGLISH:
        assert english not in result.output, english


def test_usage_errors_in_english_on_request():
    result = run("check", "--lang", "en", "--format", "xml", SEED)
    assert result.exit_code == 2
    assert "Error: Invalid value 'xml' for --format / -f: choose from text, json, html, md" in result.output
    assert "Usage: ziping check [OPTIONS] PATH..." in result.output


def test_the_language_option_follows_the_environment():
    result = run("check", SEED, env={"ZIPING_LANG": "en"})
    assert "execution rate" in result.output and "预算执行率" not in result.output


def test_english_report_uses_ascii_punctuation():
    out = run("check", SEED, "--lang", "en").output
    figures = [line for line in out.splitlines() if line.strip().startswith("execution rate")]
    assert figures and not any(re.search(r"[（），；：]", line) for line in figures)
    assert "(line 97)" in out and "（第" not in out


def test_rules_shows_confidence_in_words():
    zh = run("rules", "ZP304").output
    assert "置信度：确定" in zh and "certain" not in zh
    en = run("rules", "ZP208", "--lang", "en").output
    assert "confidence: high" in en and "：" not in en.split("What it checks")[0]


def test_eval_calls_precision_precision(monkeypatch, tmp_path):
    import json

    from .conftest import FIXTURES
    from .fake_openai import FakeOpenAI, Step

    fake = FakeOpenAI().start()
    fake.script = [Step(content=json.dumps({"findings": []}))] * 3
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("ZIPING_MODEL", "fake")
    try:
        result = run("eval", "--gold", FIXTURES / "gold", "--no-cache")
    finally:
        fake.stop()
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0]
    assert "精确率" in header and "召回率" in header and "准确率" not in header
