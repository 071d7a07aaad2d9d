"""The editors' page end to end in real headless Chromium (Debian's chromium + chromedriver, via Selenium).

The server runs in a thread on 127.0.0.1 with the fake analysers (deterministic findings and evidence);
one test uses the real analysers and skips when the wording model is not built. Nothing is downloaded:
.ci/setup-browser installs chromium from apt; without it these tests skip and say so.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from serve.app import create_app
from serve.settings import Settings
from test_api_fakes import SAMPLE_DRAFT, fake_pipeline

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
CHROMEDRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)


def _skip_reason() -> str | None:
    if not CHROMIUM or not CHROMEDRIVER:
        return ("browser test skipped: Debian chromium and chromium-driver are not installed "
                "(run .ci/setup-browser, or apt-get install -y chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "browser test skipped: selenium is not installed (.venv/bin/pip install selenium)"
    return None


class ServerThread:
    """uvicorn on a free loopback port in a daemon thread; stopped by flag, never by signal."""

    def __init__(self, app) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 60
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def driver():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="govlint-chromium-")
    downloads = tempfile.mkdtemp(prefix="govlint-downloads-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1200", "--lang=zh-CN"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"download.default_directory": downloads,
                                           "download.prompt_for_download": False})
    d = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    d.downloads_dir = downloads
    d.set_page_load_timeout(30)
    try:
        d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    except Exception:  # older drivers: the prefs above apply
        pass
    yield d
    d.quit()
    shutil.rmtree(profile, ignore_errors=True)
    shutil.rmtree(downloads, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    with ServerThread(create_app(pipeline=fake_pipeline(), settings=Settings())) as url:
        yield url


def wait(d, cond, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(d, timeout).until(cond)


def by_css(d, css):
    from selenium.webdriver.common.by import By

    return d.find_element(By.CSS_SELECTOR, css)


def all_css(d, css):
    from selenium.webdriver.common.by import By

    return d.find_elements(By.CSS_SELECTOR, css)


def paste_and_check(d, url, text):
    d.get(url + "/")
    ta = by_css(d, "#text")
    ta.clear()
    # send_keys types character by character; set the value like a paste, then fire the input event
    d.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", ta, text)
    by_css(d, "#run").click()
    wait(d, lambda d: "检查完成" in by_css(d, "#status").text or "失败" in by_css(d, "#status").text)


def test_paste_draft_shows_highlight_list_badge_and_checklist(driver, server, tmp_path):
    d = driver
    paste_and_check(d, server, SAMPLE_DRAFT)
    assert "发现 2 处问题" in by_css(d, "#status").text
    assert "1 处严重表述错误" in by_css(d, "#veto").text  # one serious error can fail a whole site
    # the serious error is highlighted inline with its severity colour ...
    marks = [m for m in all_css(d, "#view mark.finding") if m.text == "扫黑险恶"]
    assert marks and "sev-serious" in marks[0].get_attribute("class")
    assert "253, 231, 233" in marks[0].value_of_css_property("background-color")
    # ... and listed with message, suggestion and rule
    items = all_css(d, "#findings li")
    assert len(items) == 2
    serious = [li for li in items if "扫黑险恶" in li.text][0]
    assert "严重" in serious.text and "扫黑除恶" in serious.text and "fake:扫黑险恶" in serious.text
    # genre badge with confidence; completeness checklist with evidence underlined in the text
    badge = by_css(d, "#genre-badge")
    assert badge.text == "政策解读" and "91%" in badge.get_attribute("aria-label")
    assert "75 分" in by_css(d, "#completeness").text
    assert len(all_css(d, "#completeness li.present")) == 3 and len(all_css(d, "#completeness li.missing")) == 1
    by_css(d, 'button.ev-jump[data-element="guidance"]').click()
    active = all_css(d, "#view mark.ev.active")
    assert [m.text for m in active] == ["办事指引"]
    d.save_screenshot(str(Path(os.environ.get("GOVLINT_SCREENSHOT_DIR", tmp_path)) / "web-findings.png"))
    severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe  # no script errors, no failed asset loads


def test_click_to_jump_and_keyboard_apply(driver, server):
    from selenium.webdriver.common.keys import Keys

    d = driver
    paste_and_check(d, server, SAMPLE_DRAFT)
    serious = [li for li in all_css(d, "#findings li") if "扫黑险恶" in li.text][0]
    jump = serious.find_element("css selector", "button.jump")
    jump.send_keys(Keys.ENTER)  # keyboard activation of the list entry
    wait(d, lambda d: d.switch_to.active_element.tag_name == "mark")
    assert d.switch_to.active_element.text == "扫黑险恶"
    # apply the suggestion with the keyboard: the textarea is edited at the finding's offsets
    apply_btn = serious.find_element("css selector", "button.apply")
    apply_btn.send_keys(Keys.SPACE)
    wait(d, lambda d: "扫黑除恶" in by_css(d, "#text").get_attribute("value"))
    value = by_css(d, "#text").get_attribute("value")
    assert "扫黑险恶" not in value and value == SAMPLE_DRAFT.replace("扫黑险恶", "扫黑除恶")
    # the other finding (before it) still applies at the right place
    other = [li for li in all_css(d, "#findings li") if "财政拔款" in li.text][0]
    other.find_element("css selector", "button.apply").click()
    wait(d, lambda d: "财政拨款" in by_css(d, "#text").get_attribute("value"))
    assert by_css(d, "#text").get_attribute("value") == SAMPLE_DRAFT.replace("扫黑险恶", "扫黑除恶").replace("财政拔款", "财政拨款")
    assert "（0 处）" in by_css(d, "#finding-count").text


def test_apply_uses_source_offsets_for_pasted_text(driver, server):
    """Pasted text with CRLF and leading blank lines: the edit must land in the user's own text."""
    d = driver
    draft = "\r\n\r\n  " + SAMPLE_DRAFT.replace("\n", "\r\n")
    paste_and_check(d, server, draft)
    serious = [li for li in all_css(d, "#findings li") if "扫黑险恶" in li.text][0]
    serious.find_element("css selector", "button.apply").click()
    wait(d, lambda d: "扫黑除恶" in by_css(d, "#text").get_attribute("value"))
    got = by_css(d, "#text").get_attribute("value")
    # browsers normalise a textarea's line breaks to \n
    assert got == draft.replace("\r\n", "\n").replace("扫黑险恶", "扫黑除恶")


def test_upload_docx_fills_text_and_lists_finding(driver, server, tmp_path):
    from docx import Document as Docx

    doc = Docx()
    for p in ("关于某措施的政策解读", "一、出台背景", "二是持续推进扫黑险恶专项斗争。"):
        doc.add_paragraph(p)
    path = tmp_path / "草稿.docx"
    doc.save(path)
    d = driver
    d.get(server + "/")
    by_css(d, "#file").send_keys(str(path))
    wait(d, lambda d: "检查完成" in by_css(d, "#status").text or "失败" in by_css(d, "#status").text)
    assert "检查完成" in by_css(d, "#status").text, by_css(d, "#status").text
    assert "扫黑险恶" in by_css(d, "#text").get_attribute("value")
    assert any("扫黑险恶" in li.text for li in all_css(d, "#findings li"))
    assert any(m.text == "扫黑险恶" for m in all_css(d, "#view mark.sev-serious"))
    # apply after upload edits the normalised text now in the textarea
    li = [li for li in all_css(d, "#findings li") if "扫黑险恶" in li.text][0]
    li.find_element("css selector", "button.apply").click()
    wait(d, lambda d: "扫黑除恶" in by_css(d, "#text").get_attribute("value"))


def test_errors_are_shown_not_swallowed(driver, server, tmp_path):
    d = driver
    d.get(server + "/")
    by_css(d, "#run").click()
    assert "请先粘贴正文" in by_css(d, "#status").text
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    by_css(d, "#file").send_keys(str(bad))
    wait(d, lambda d: "失败" in by_css(d, "#status").text)
    assert "error" in by_css(d, "#status").get_attribute("class")


def test_export_json_and_print_layout(driver, server):
    d = driver
    paste_and_check(d, server, SAMPLE_DRAFT)
    before = set(os.listdir(d.downloads_dir))
    by_css(d, "#export-json").click()
    deadline = time.time() + 15
    new = []
    while time.time() < deadline:
        new = [f for f in set(os.listdir(d.downloads_dir)) - before if f.endswith(".json")]
        if new:
            break
        time.sleep(0.2)
    assert new, "no JSON report was downloaded"
    report = json.loads((Path(d.downloads_dir) / new[0]).read_text(encoding="utf-8"))
    assert {f["text"] for f in report["findings"]} == {"扫黑险恶", "财政拔款"}
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert by_css(d, "#input").value_of_css_property("display") == "none"
        assert by_css(d, "#export-json").is_displayed() is False
        assert by_css(d, "#findings").is_displayed() and by_css(d, "#view").is_displayed()
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_keyboard_only_flow(driver, server):
    """Tab from the textarea reaches the controls in order; Ctrl+Enter runs; focus is visible."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    d = driver
    d.get(server + "/")
    ta = by_css(d, "#text")
    ta.click()
    ta.send_keys("二是持续推进扫黑险恶专项斗争。")
    ActionChains(d).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    wait(d, lambda d: "检查完成" in by_css(d, "#status").text)
    order = []
    ActionChains(d).send_keys(Keys.TAB).perform()
    for _ in range(12):
        el = d.switch_to.active_element
        order.append(el.get_attribute("id") or el.get_attribute("class") or el.tag_name)
        if el.get_attribute("id") == "run":
            outline = el.value_of_css_property("outline-style")
            assert outline not in ("none", ""), "focused button has no visible outline"
            break
        ActionChains(d).send_keys(Keys.TAB).perform()
    assert "file" in order and "run" in order, order
    assert order.index("file") < order.index("run"), order
    for el in all_css(d, "button"):
        assert el.text.strip() or el.get_attribute("aria-label"), "a button without a name"
    unlabeled = d.execute_script("""
        return [...document.querySelectorAll('input, textarea, select')]
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
          .map(e => e.id || e.name);""")
    assert unlabeled == [], unlabeled


def test_real_analysers_highlight_a_known_error(driver, pipeline, tmp_path):
    """With the bundled models: the wording checker's finding appears in the page (skips if not built)."""
    p = pipeline
    if not p.load_all(("wording",))["wording"]:
        pytest.skip(f"wording analyser not available: {p.status().get('wording')}")
    with ServerThread(create_app(pipeline=p, settings=Settings())) as url:
        paste_and_check(driver, url, "会议要求，各地要持续推进扫黑险恶专项斗争，确保取得实效。")
        assert "检查完成" in by_css(driver, "#status").text, by_css(driver, "#status").text
        assert any("扫黑险恶" in m.text for m in all_css(driver, "#view mark.finding"))
        assert any("扫黑除恶" in li.text for li in all_css(driver, "#findings li"))
        driver.save_screenshot(str(Path(os.environ.get("GOVLINT_SCREENSHOT_DIR", tmp_path)) / "web-real.png"))
