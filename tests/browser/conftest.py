"""Headless Debian Chromium driven by playwright, and the dashboard served for it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, wait_for_http
from hostile import HostileData, add_hostile_data

from dashboard.cli import free_port


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module: playwright's sync API holds an event loop while it
    runs, which would stop the asyncio tests of other modules."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (bash .ci/test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def page(browser, request, tmp_path_factory, dashboard_log):
    """A fresh browser context (its own cookies and storage) that fails on any dialog.

    When the test fails, the page as it was is saved as a screenshot and the table
    cells' text is reported, to see what the user would have seen, with the browser's
    console and what the served dashboard logged meanwhile.
    """
    logged_from = dashboard_log.stat().st_size if dashboard_log.exists() else 0
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.console_errors = []
    page.console = []
    page.failed_requests = []
    # a request the page itself gave up (a spinner gone before its image came) is no failure
    page.on(
        "requestfailed",
        lambda request: (
            page.failed_requests.append(request.url)
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))

    def noted(message) -> None:
        page.console.append(f"{message.type}: {message.text}")
        if message.type == "error":
            page.console_errors.append(message.text)

    page.on("console", noted)
    yield page
    if getattr(request.node, "failed_call", False):
        shot = tmp_path_factory.mktemp("screenshots") / f"{request.node.name}.png"
        page.screenshot(path=shot, full_page=True)
        cells = page.get_by_role("gridcell").all_inner_texts()
        request.node.add_report_section(
            "teardown", "browser", f"screenshot: {shot}\nurl: {page.url}\ncells: {cells[:80]}"
        )
        console = "\n".join(page.console[-40:])
        request.node.add_report_section("teardown", "browser console", console)
        if dashboard_log.exists():
            with dashboard_log.open(errors="replace") as log:
                log.seek(logged_from)
                lines = [line for line in log if "GET /static/" not in line]
                request.node.add_report_section("teardown", "dashboard log", "".join(lines[-60:]))
    context.close()


@pytest.fixture(scope="session")
def dashboard_log(tmp_path_factory) -> Path:
    """Where the served dashboard's output (its log) goes."""
    return tmp_path_factory.mktemp("logs") / "dashboard.log"


@pytest.fixture(scope="session")
def dashboard_url(tmp_path_factory, dashboard_log):
    """The README's first command, served on a free port with its own sandbox data."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("dashboard-sandbox")
    log = dashboard_log.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--port", str(port), "--sandbox-dir", str(data_dir)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "EOSC_PERF_API_URL": ""},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_http(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


@pytest.fixture(scope="session")
def dashboard_api(dashboard_url, dashboard_log) -> str:
    """The API of the served dashboard's embedded sandbox, as the dashboard said at start."""
    said = re.search(r"using the embedded sandbox API at (\S+)", dashboard_log.read_text())
    assert said, "the dashboard names its sandbox API when it starts"
    return said.group(1)


@pytest.fixture(scope="session")
def hostile_dashboard(dashboard_api) -> HostileData:
    """Markup in the served dashboard's data (its demo data holds none): a site's
    description, a tag on flagship results, a free-form result and a pending claim."""
    return add_hostile_data(dashboard_api)
