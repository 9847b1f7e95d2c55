"""The HTML view in a real browser: Debian's headless Chromium driven by Selenium.

The page generated for the five seeds must load without a console error, show one highlight
per fact holding the fact's text, filter by kind, sort, and bring a fact into view when its row
is clicked; a hostile document must stay text. A screenshot of a seed page is saved under the
test's tmp dir (``UNIONFACTS_UPDATE_SCREENSHOT=1`` also copies it to ``docs/view-seed.png``).

Without Chromium, its driver or selenium these tests skip, except when ``CI`` is set: there
they fail (``tools/ci-deps.sh`` installs what they need).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from unionfacts import extract_document
from unionfacts.view import render_html

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CHROMIUM = os.environ.get("UNIONFACTS_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("UNIONFACTS_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000")


def _missing() -> str | None:
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install -e '.[test]')"
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not os.access(exe, os.X_OK):
            return f"{exe} is missing (run tools/ci-deps.sh as root)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()




@pytest.fixture(scope="module")
def seed_url(seeds, tmp_path_factory) -> str:
    page = tmp_path_factory.mktemp("view") / "seeds.html"
    page.write_text(render_html(seeds, title="unionfacts: seeds"), encoding="utf-8")
    return page.as_uri()


def open_page(driver, url: str) -> list[dict]:
    """Load ``url`` fresh; the console entries it logged."""
    driver.get("about:blank")
    driver.get_log("browser")  # drop what an earlier page left
    driver.get(url)
    return driver.get_log("browser")


def in_view(driver, el) -> bool:
    """The element is inside the window and inside every scrolling box around it."""
    return driver.execute_script("""
        const el = arguments[0], r = el.getBoundingClientRect();
        if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) return false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (!/(auto|scroll)/.test(s.overflowY)) continue;
          const b = p.getBoundingClientRect();
          if (r.bottom <= b.top || r.top >= b.bottom) return false;
        }
        return true;""", el)


def test_seed_page_loads_without_console_errors(browser, seed_url):
    logs = open_page(browser, seed_url)
    assert [e for e in logs if e["level"] in ("SEVERE", "WARNING")] == []
    assert browser.execute_script("return document.readyState") == "complete"


def test_one_highlight_per_fact_holding_its_text(browser, seed_url, seeds):
    open_page(browser, seed_url)
    found = browser.execute_script("""
        return Array.from(document.querySelectorAll('[data-kind][data-start]'), e =>
          [e.closest('section.doc').dataset.doc, e.dataset.kind, +e.dataset.start, +e.dataset.end,
           e.textContent, e.tabIndex]);""")
    want = [[doc.doc, f.kind, f.start, f.end, f.text, 0] for doc, _ in seeds for f in doc.facts]
    assert len(found) == len(want) == sum(len(d.facts) for d, _ in seeds)
    assert found == want
    panes = browser.execute_script(
        "return Array.from(document.querySelectorAll('.text'), e => e.textContent)")
    assert panes == [text for _, text in seeds]


def test_focus_shows_the_value(browser, seed_url, seeds):
    open_page(browser, seed_url)
    doc = seeds[3][0]
    money = next(i for i, f in enumerate(doc.facts) if f.kind == "money")
    el = browser.find_element("id", f"d3-f{money}")
    before = browser.execute_script("return getComputedStyle(arguments[0], '::after').content", el)
    browser.execute_script("arguments[0].focus()", el)
    after = browser.execute_script("return getComputedStyle(arguments[0], '::after').content", el)
    assert before in ("none", "normal")
    assert "240,000,000" in after and "CNY" in after and "rule: money." in after
    row = browser.find_element("css selector", f'tr[data-target="d3-f{money}"]')
    assert "cur" in row.get_attribute("class").split() and in_view(browser, row)


def test_filter_by_kind_hides_the_others(browser, seed_url):
    from selenium.webdriver.support.ui import Select

    open_page(browser, seed_url)
    section = browser.find_element("id", "d3")
    Select(section.find_element("css selector", "select.kfilter")).select_by_value("count")
    state = browser.execute_script("""
        const s = arguments[0];
        return Array.from(s.querySelectorAll('tr[data-kind]'), r =>
            [r.dataset.kind, r.offsetParent !== null])
          .concat(Array.from(s.querySelectorAll('.f'), e =>
            [e.dataset.kind, getComputedStyle(e).backgroundColor !== 'rgba(0, 0, 0, 0)']));""",
        section)
    assert {k for k, shown in state if shown} == {"count"}
    assert {k for k, shown in state if not shown} >= {"date", "money", "duration"}
    other = browser.find_element("id", "d4")  # the other documents keep all their kinds
    assert len({r.get_attribute("data-kind") for r in other.find_elements("css selector", "tr")
                if r.is_displayed() and r.get_attribute("data-kind")}) > 2
    Select(section.find_element("css selector", "select.kfilter")).select_by_value("")
    shown = [r for r in section.find_elements("css selector", "tr[data-kind]") if r.is_displayed()]
    assert len(shown) == len(section.find_elements("css selector", ".f"))


def test_row_click_scrolls_the_highlight_into_view(browser, seed_url, seeds):
    open_page(browser, seed_url)
    doc = seeds[4][0]
    last = len(doc.facts) - 1
    target = browser.find_element("id", f"d4-f{last}")
    assert not in_view(browser, target)
    row = browser.find_element("css selector", f'tr[data-target="d4-f{last}"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    assert in_view(browser, target)
    assert browser.switch_to.active_element == target
    row = browser.find_element("css selector", 'tr[data-target="d4-f0"]')  # and back up
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    assert in_view(browser, browser.find_element("id", "d4-f0"))
    assert not in_view(browser, target)


def test_columns_sort(browser, seed_url, seeds):
    open_page(browser, seed_url)
    section = browser.find_element("id", "d4")
    head = section.find_element("css selector", 'th[data-col="start"]')

    def starts() -> list[int]:
        return browser.execute_script(
            "return Array.from(arguments[0].querySelectorAll('tr[data-kind]'), "
            "r => +r.lastElementChild.textContent)", section)

    natural = [f.start for f in seeds[4][0].facts]
    assert starts() == natural
    head.click()
    assert starts() == sorted(natural) and head.get_attribute("aria-sort") == "ascending"
    head.click()
    assert starts() == sorted(natural, reverse=True)
    section.find_element("css selector", 'th[data-col="value"]').click()
    values = browser.execute_script(
        "return Array.from(arguments[0].querySelectorAll('tr[data-kind]'), "
        "r => [r.dataset.kind, r.querySelector('td.v').dataset.v])", section)
    amounts = [Decimal(v) for k, v in values if k in ("money", "count", "percent", "measure")]
    assert len(amounts) > 50 and amounts == sorted(amounts)  # as numbers, not as strings
    row = section.find_element("css selector", "tr[data-target]")  # rows still lead to their fact
    row.click()
    assert browser.switch_to.active_element.get_attribute("id") == row.get_attribute("data-target")


HOSTILE = ("标题<script>alert(1)</script>\n投入资金4.9亿元</textarea><textarea>"
           "<img src=x onerror=\"document.title='pwned'\">\u202e倒置文字\u202c\u2067عربي\u2069"
           " & &amp; \"引号\"\r\n第二行<style>body{display:none}</style></title>")


def test_hostile_document_renders_as_text(browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    doc = extract_document(HOSTILE, doc_id="<i>x</i>").model_copy(
        update={"title": "<script>alert(2)</script>"})
    page = tmp_path / "hostile.html"
    page.write_text(render_html([(doc, HOSTILE)], title="<script>alert(3)</script>"),
                    encoding="utf-8")
    logs = open_page(browser, page.as_uri())
    with pytest.raises(NoAlertPresentException):
        assert browser.switch_to.alert is None  # raises: there is none
    assert browser.title == "<script>alert(3)</script>"
    counts = browser.execute_script("""return ['script', 'img', 'textarea', 'i', 'style']
        .map(t => document.getElementsByTagName(t).length)""")
    assert counts == [1, 0, 0, 0, 1]  # the page's own script and style only
    assert browser.execute_script("return document.querySelector('.text').textContent") == HOSTILE
    assert browser.find_element("css selector", ".text").is_displayed()
    facts = browser.execute_script(
        "return Array.from(document.querySelectorAll('.f'), e => e.textContent)")
    assert facts == [f.text for f in doc.facts] and "4.9亿元" in facts
    assert [e for e in logs if e["level"] == "SEVERE"] == []


def test_screenshot_of_a_seed(browser, seeds, tmp_path):
    doc, text = seeds[3]  # 十条举措: money, counts, dates, a list of ten measures
    page = tmp_path / "seed.html"
    page.write_text(render_html([(doc, text)], title="unionfacts show seeds/003"), encoding="utf-8")
    open_page(browser, page.as_uri())
    browser.set_window_size(1400, 1000)
    # the second item of the list of measures, dense with figures, one of them focused
    focus = next(i for i, f in enumerate(doc.facts) if f.text == "100万人次")
    browser.execute_script("""const pane = document.querySelector('.text'),
          item = document.querySelectorAll('.marker')[1], fact = arguments[0];
        pane.scrollTop += item.getBoundingClientRect().top - pane.getBoundingClientRect().top - 40;
        fact.focus({preventScroll: true});""", browser.find_element("id", f"d0-f{focus}"))
    shot = tmp_path / "view-seed.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    if os.environ.get("UNIONFACTS_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, ROOT / "docs" / "view-seed.png")


def test_a_megabyte_document_stays_usable(browser, megabyte_document, tmp_path):
    big, text = megabyte_document
    facts = big.facts
    page = tmp_path / "big.html"
    page.write_text(render_html([(big, text)]), encoding="utf-8")
    t0 = time.perf_counter()
    logs = open_page(browser, page.as_uri())
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    row = browser.find_element("css selector", f'tr[data-target="d0-f{len(facts) - 1}"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    target = browser.find_element("id", f"d0-f{len(facts) - 1}")
    assert in_view(browser, target)
    jumped = time.perf_counter() - t0
    print(f"1 MB, {len(facts)} facts: loaded in {loaded:.2f} s, last fact found in {jumped:.2f} s")
    assert loaded < 30 and jumped < 10  # about 1 s and 0.3 s on a busy 2-core machine
    assert [e for e in logs if e["level"] == "SEVERE"] == []
