"""The teaching app in a real browser: ``ruimte viz`` on a free local port, driven by Playwright
in headless Chromium (Debian's ``chromium``; no browser download). Skipped when Chromium or the
playwright package is missing."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the teaching app needs solara")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the browser test needs the playwright package")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)"),
]
ROOT = Path(__file__).resolve().parents[2]
PACK = "veenweide"
PACK_TITLE = "Veenweide: hoger water in het Groene Hart"
FIRST_LAYER = "Grondwaterstand onder maaiveld"
WAIT_MS = 180_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, process: subprocess.Popen, timeout_s: float = 120.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"ruimte viz exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"ruimte viz did not answer at {url} within {timeout_s:.0f} s")


@pytest.fixture
def app_url(tmp_path):
    """``ruimte viz`` in its own process group on a free port; stopped at teardown."""
    port = _free_port()
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed at teardown
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUIMTE_VIZ_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "abm", "viz", "--port", str(port)], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_http(url, process)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)
        log.close()


def _idle(page) -> None:
    """Wait until the app is not computing (the Step button is enabled again)."""
    sync_api.expect(page.locator(".ruimte-step")).to_be_enabled(timeout=WAIT_MS)


def _shot(page, selector: str) -> bytes:
    return page.locator(selector).first.screenshot()


def _changed(page, selector: str, before: bytes, timeout_s: float = 30.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if _shot(page, selector) != before:
            return True
        time.sleep(0.5)
    return False


def test_class_runs_two_years_in_the_browser(app_url, tmp_path):
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(app_url)
            page.wait_for_selector(".ruimte-map img", timeout=WAIT_MS)
            _idle(page)

            # choose the peat-meadow pack
            page.locator(".ruimte-pack .v-input__slot").click()
            page.locator(".menuable__content__active .v-list-item",
                         has_text=PACK_TITLE).click()
            expect(page.locator(".ruimte-layer")).to_contain_text(FIRST_LAYER,
                                                                  timeout=WAIT_MS)
            _idle(page)
            page.wait_for_selector(".ruimte-map img", timeout=WAIT_MS)
            page.wait_for_selector(".ruimte-chart img", timeout=WAIT_MS)

            # move the slider (target groundwater depth 30 -> 40 cm) with the keyboard
            thumb = page.locator(".ruimte-sliders [role=slider]").first
            thumb.focus()
            thumb.press("ArrowRight")
            thumb.press("ArrowRight")
            expect(page.locator(".ruimte-sliders")).to_contain_text(": 40", timeout=WAIT_MS)

            map_before = _shot(page, ".ruimte-map img")
            chart_before = _shot(page, ".ruimte-chart img")

            # two years ("Gesimuleerd tot en met <year>")
            page.locator(".ruimte-step").click()
            expect(page.locator(".ruimte-year")).to_contain_text("met 2024", timeout=WAIT_MS)
            _idle(page)
            page.locator(".ruimte-step").click()
            expect(page.locator(".ruimte-year")).to_contain_text("met 2025", timeout=WAIT_MS)
            _idle(page)

            assert _changed(page, ".ruimte-map img", map_before), "the map did not change"
            assert _changed(page, ".ruimte-chart img", chart_before), "the chart did not change"
            expect(page.locator(".ruimte-events")).to_contain_text("2025")
            assert page.locator(".ruimte-error").count() == 0, \
                page.locator(".ruimte-error").first.inner_text()
            assert "Traceback" not in page.inner_text("body")
            page.locator(".ruimte-year").scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "teaching_app.png"))
        finally:
            browser.close()
