"""The CLI's shape: one base module (app, shared options, error exit) and one module per command group,
each importing only downward, so a new group is one new module."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import ziping.cli
from ziping.cli import app

CLI_DIR = Path(ziping.cli.__file__).parent
GROUPS = {
    "check": {"check", "parse"},
    "catalog": {"rules", "schema", "template"},
    "triage": {"triage", "queue"},
    "serve": {"serve"},
    "llm": {"llm", "cache", "eval"},
    "synth": {"synth"},
}


def _cli_imports(module: str) -> set[str]:
    """The ziping.cli modules a module imports, at any depth of its code."""
    tree = ast.parse((CLI_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "ziping.cli":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("ziping.cli."):
                found.add(node.module.removeprefix("ziping.cli."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("ziping.cli.") for a in node.names if a.name.startswith("ziping.cli.")}
    return found


def test_the_package_holds_base_and_one_module_per_group():
    modules = {info.name for info in pkgutil.iter_modules([str(CLI_DIR)])}
    assert modules == {"base", "i18n", *GROUPS}
    assert set(ziping.cli.COMMAND_GROUPS) == set(GROUPS)


def test_base_imports_no_command_module():
    assert _cli_imports("base") <= {"i18n"}


def test_each_group_imports_only_base():
    for module in GROUPS:
        assert _cli_imports(module) <= {"base", "i18n"}, module


def test_the_old_circular_modules_are_gone():
    assert not (CLI_DIR.parent / "cli_llm.py").exists()
    assert not (CLI_DIR.parent / "cli_quality.py").exists()


def test_every_command_is_registered_by_its_group():
    import typer.main

    command = typer.main.get_command(app)
    names = set(command.commands)
    assert names == set().union(*GROUPS.values())
    for module, commands in GROUPS.items():
        for name in commands:
            callback = command.commands[name]
            owner = getattr(callback, "callback", None)
            if owner is not None:  # a command, not a group: its function lives in its group's module
                assert owner.__module__ == f"ziping.cli.{module}", name
