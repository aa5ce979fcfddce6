"""`ziping serve` in real headless chromium (Debian's chromium and chromium-driver, driven by Selenium):
upload, rank, open, mark, reload; a bad file's message; a form dropped on 自查."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ziping.cli import app as cli
from ziping.web.config import ServeConfig
from ziping.web.server import running

from .conftest import SEED
from .report_dom import screenshot_module

SHOT = screenshot_module()
pytestmark = pytest.mark.skipif(
    SHOT.find_driver() is None,
    reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
)


@pytest.fixture
def served(tmp_path):
    config = ServeConfig(db=tmp_path / "triage.db", data=tmp_path / "data", port=0)
    with running(config) as url, SHOT.browser() as driver:
        driver.implicitly_wait(0)
        yield url, driver, config


def _wait(driver, test, seconds: float = 60):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A page the script redraws (the job page when its job ends) may vanish under an element being read.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, seconds, poll_frequency=0.1, ignored_exceptions=ignored).until(test)


def _by(kind: str):
    from selenium.webdriver.common.by import By

    return getattr(By, kind)


def _upload(url, driver, path):
    driver.get(f"{url}/upload")
    driver.find_element(_by("ID"), "upload-files").send_keys(str(path))
    driver.find_element(_by("ID"), "upload-submit").click()
    # The job page's script follows the job and draws the finished page when it is done.
    _wait(driver, lambda d: d.find_element(_by("ID"), "job").get_attribute("data-state") == "done")
    assert driver.find_element(_by("ID"), "job-bar").get_attribute("value") == "100"


def test_upload_rank_open_mark_and_reload(served):
    url, driver, config = served
    _upload(url, driver, SEED)
    driver.find_element(_by("ID"), "to-queue").click()
    rows = driver.find_elements(_by("CSS_SELECTOR"), "#queue tbody tr")
    assert len(rows) == 3
    names = [row.find_element(_by("CSS_SELECTOR"), 'td[data-col="project_name"]').text for row in rows]
    assert names == ["人大宣传", "代表工作", "信息系统运行与维护"]
    tops = [row.find_element(_by("CSS_SELECTOR"), 'td[data-col="top1"]').text for row in rows]
    assert tops[0].startswith("错误 ZP303") and tops[1].startswith("错误 ZP303") and "ZP205" in tops[2]
    rows[0].find_element(_by("CSS_SELECTOR"), 'td[data-col="form_id"] a').click()
    _wait(driver, lambda d: d.find_elements(_by("ID"), "mark"))
    form_id = driver.find_element(_by("ID"), "review").get_attribute("data-form")
    assert "ZP303 应为 100" in driver.find_element(_by("CSS_SELECTOR"), "section.form").text
    driver.find_element(_by("CSS_SELECTOR"), '#mark input[value="returned"]').click()
    driver.find_element(_by("ID"), "mark-note").send_keys("总分漏计执行率分值，请改正后重报")
    driver.find_element(_by("ID"), "mark-reviewer").send_keys("王芳")
    driver.find_element(_by("ID"), "mark-submit").click()
    _wait(driver, lambda d: "王芳" in d.find_element(_by("ID"), "history").text)
    driver.refresh()
    assert driver.find_element(_by("CSS_SELECTOR"), '#mark input[value="returned"]').is_selected()
    history = driver.find_element(_by("ID"), "history").text
    assert "王芳 · 已退回：总分漏计执行率分值，请改正后重报" in history
    driver.get(url + "/")
    assert "已退回" in driver.find_element(_by("CSS_SELECTOR"), "#queue tbody tr").text
    listed = CliRunner().invoke(cli, ["queue", "list", "--db", str(config.db), "--status", "returned"])
    assert (
        listed.exit_code == 0
        and form_id in listed.output
        and "已退回（总分漏计执行率分值，请改正后重报）" in listed.output
    )


def test_a_bad_file_shows_its_chinese_message(served, tmp_path):
    url, driver, _ = served
    bad = tmp_path / "损坏的表.xlsx"
    bad.write_bytes(b"PK\x03\x04 this zip ends here")
    _upload(url, driver, bad)
    listed = driver.find_element(_by("ID"), "unreadable").text
    assert "损坏的表.xlsx" in listed and "ZP001" in listed
    driver.get(url + "/")
    first = driver.find_element(_by("CSS_SELECTOR"), "#queue tbody tr")
    assert first.get_attribute("class") == "unreadable" and "损坏的表.xlsx" in first.text
    assert "无法" in first.find_element(_by("CSS_SELECTOR"), 'td[data-col="top1"]').text


def test_a_form_dropped_on_self_check_shows_its_report(served):
    url, driver, config = served
    driver.get(f"{url}/check")
    # A real drop: a File in a DataTransfer, dispatched on the drop zone; its script submits the form.
    driver.execute_script(
        """
        const [name, text] = arguments;
        const data = new DataTransfer();
        data.items.add(new File([text], name, { type: "text/plain" }));
        const zone = document.getElementById("check");
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
        """,
        "自评表.txt",
        SEED.read_text(encoding="utf-8"),
    )
    _wait(driver, lambda d: d.find_elements(_by("CSS_SELECTOR"), "article.checked"))
    report = driver.find_element(_by("CSS_SELECTOR"), "article.checked").text
    assert "自评表.txt" in report and "ZP303 应为 100" in report and "信息系统运行与维护" in report
    assert "不写入磁盘" in driver.find_element(_by("ID"), "private").text
    assert not (config.data / "blobs").exists()  # checked in memory only
