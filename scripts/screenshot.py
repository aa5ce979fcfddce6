"""Render a per-form HTML report in headless chromium: a screenshot (docs/report.png) or the rendered DOM;
or the pages of `ziping serve` driven by Selenium.

    .venv/bin/python scripts/screenshot.py                      # the seed file → docs/report.png
    .venv/bin/python scripts/screenshot.py FORM --png out.png   # any form file
    .venv/bin/python scripts/screenshot.py --html page.html     # an HTML page already written
    .venv/bin/python scripts/screenshot.py --serve              # docs/serve-queue.png, serve-form.png, serve-check.png

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
from contextlib import contextmanager
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


DRIVER = "/usr/bin/chromedriver"  # Debian's chromium-driver: never a downloaded one


def find_driver() -> str | None:
    """Debian's chromedriver, when chromium and it are both installed."""
    return DRIVER if find_chromium() and os.access(DRIVER, os.X_OK) else None


@contextmanager
def browser(width: int = 1400, height: int = 1000):
    """A Selenium session in headless chromium with a fresh profile (the same flags as the screenshots)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")  # Selenium Manager stays silent: nothing leaves the machine
    with tempfile.TemporaryDirectory(prefix="ziping-selenium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = find_chromium()
        for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "--lang=zh-CN"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(DRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def full_page(driver, png: Path, width: int = 1400, most: int = 2400) -> Path:
    """Save the page as drawn, as tall as its content (up to `most` pixels)."""
    height = min(most, driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(width, height + 140)  # the window's chrome takes some of its height
    png.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(png))
    return png


def serve_screenshots(out: Path) -> list[Path]:
    """The queue, a form and a self-check of the seed forms in `ziping serve`, as a reviewer sees them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from ziping.web.config import ServeConfig
    from ziping.web.server import running

    shots = []
    out = out.resolve()
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="ziping-serve-") as tmp, browser() as driver:
        os.chdir(tmp)  # the queue shows files relative to where the server runs, as `ziping serve` in a folder does
        config = ServeConfig(db=Path(".ziping") / "triage.db", data=Path(".ziping"), port=0)
        with running(config) as url:
            driver.get(f"{url}/upload")
            driver.find_element(By.ID, "upload-files").send_keys(str(SEED))
            driver.find_element(By.ID, "upload-submit").click()
            WebDriverWait(driver, 60).until(
                lambda d: d.find_element(By.ID, "job").get_attribute("data-state") == "done"
            )
            driver.get(url + "/")
            shots.append(full_page(driver, out / "serve-queue.png", most=900))
            driver.find_element(By.CSS_SELECTOR, "#queue tbody tr a[href^='/forms/']").click()
            shots.append(full_page(driver, out / "serve-form.png", most=1600))
            driver.get(f"{url}/check")
            driver.find_element(By.ID, "check-files").send_keys(str(SEED))
            driver.find_element(By.ID, "check-submit").click()
            WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "article.checked"))
            shots.append(full_page(driver, out / "serve-check.png", most=1400))
        os.chdir(here)
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("form", nargs="?", type=Path, default=SEED, help="a form file (default: the seed)")
    parser.add_argument("--html", type=Path, help="screenshot this HTML page instead of rendering a form")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--serve", action="store_true", help="screenshots of `ziping serve` into docs/")
    args = parser.parse_args()
    if args.serve:
        for png in serve_screenshots(ROOT / "docs"):
            print(png, file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="ziping-report-") as tmp:
        html = args.html or render_report(args.form, Path(tmp) / "report.html", args.lang)
        print(screenshot(html, args.png, args.width, args.height), file=sys.stderr)


if __name__ == "__main__":
    main()
