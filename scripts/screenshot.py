"""Render a per-form HTML report in headless chromium: a screenshot (docs/report.png) or the rendered DOM.

    .venv/bin/python scripts/screenshot.py                      # the seed file → docs/report.png
    .venv/bin/python scripts/screenshot.py FORM --png out.png   # any form file
    .venv/bin/python scripts/screenshot.py --html page.html     # an HTML page already written

Needs Debian's chromium (`apt-get install chromium fonts-noto-cjk`; without a CJK font the Chinese
renders as boxes). The browser runs with networking features off: the page must need none.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "longgang-2023-selfeval.txt"
FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """The chromium binary on PATH, if any."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _run(html: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    browser = find_chromium()
    if browser is None:
        raise SystemExit("chromium not found on PATH: apt-get install chromium fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="ziping-chromium-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", *extra, html.resolve().as_uri()]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)


def screenshot(html: Path, png: Path, width: int = 1400, height: int = 2400) -> Path:
    """Save what chromium draws for the page (the top `height` pixels)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(html, f"--screenshot={png.resolve()}", f"--window-size={width},{height}")
    return png


def dump_dom(html: Path) -> str:
    """The DOM after chromium has parsed and laid out the page."""
    return _run(html, "--dump-dom").stdout


def render_report(form_file: Path, html: Path, lang: str = "zh") -> Path:
    """Write the per-form report of a form file, as `ziping check --format html` does."""
    from ziping.checks import Checker
    from ziping.reports.html import render_html

    # The page names the file as given; a path relative to the working directory reads better in docs.
    shown = os.path.relpath(form_file) if form_file.is_absolute() else str(form_file)
    html.write_text(render_html(Checker.create().check_file(shown), lang=lang), encoding="utf-8")
    return html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("form", nargs="?", type=Path, default=SEED, help="a form file (default: the seed)")
    parser.add_argument("--html", type=Path, help="screenshot this HTML page instead of rendering a form")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ziping-report-") as tmp:
        html = args.html or render_report(args.form, Path(tmp) / "report.html", args.lang)
        print(screenshot(html, args.png, args.width, args.height), file=sys.stderr)


if __name__ == "__main__":
    main()
