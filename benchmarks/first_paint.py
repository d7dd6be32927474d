"""What a new visitor waits for: the dashboard's first paint against a hello-world Panel app.

Serves the dashboard as the README's command does (``python -m dashboard --port P
--sandbox-dir DIR``, the embedded sandbox API), and beside it a hello-world Panel app
(a heading and a 20-row Tabulator) with ``panel serve``: the same Bokeh and Tornado
stack. Headless Chromium then opens each page, each time in a new browser context (an
empty cache, as on a first visit), and the page itself notes, frame by frame from its
navigation's start, when a first thing of the page is visible:

- ``shell``: for the dashboard, the template's header with its title "EOSC Performance",
  on the page a visitor lands on (``/``); for the hello app, its heading;
- ``first row``: the first row of a results table. The dashboard's landing page shows
  no table (it opens on the Where to run chart), so this is the explorer's first row on
  the link of c-ray in the explorer (``/?benchmark_id=<its id>``, which opens Explore);
  for the hello app, its table's first row.

Each is measured ``--runs`` times after one discarded visit (the server's first session
imports what later ones find loaded), and the medians are compared. Screenshots of the
dashboard's landing page at 300 ms and 1 s after navigation are saved, to see what the
first second shows. The last two lines are ``shell_over_hello=<x>`` (target <= 1.5) and
``first_row_over_hello=<x>`` (target <= 3).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright
from sandbox_process import as_the_server_runs

from dashboard.cli import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
C_RAY = ("thechristophe/openbench-c-ray", "1.1")
#: The shell and the first row of each page, as CSS selectors.
DASHBOARD = {"shell": "#header .title", "row": ".tabulator-row"}
HELLO = {"shell": "h1", "row": ".tabulator-row"}

HELLO_APP = '''"""Hello world: a heading and a 20-row table."""
import pandas as pd
import panel as pn

pn.extension("tabulator")
frame = pd.DataFrame({"run": range(1, 21), "score": [1.5 * i for i in range(1, 21)]})
pn.Column(pn.pane.Markdown("# Hello"), pn.widgets.Tabulator(frame, disabled=True)).servable()
'''

#: Installed before any script of the page: on every animation frame, notes when the
#: first visible element matching each selector appears (in the page or in the shadow
#: root of any of Bokeh's views), in ms since the navigation started.
WATCH = """(selectors) => {
  window.__painted = {};
  const roots = () => {
    const found = [document];
    const index = window.Bokeh && window.Bokeh.index;
    if (index && index.query) {
      for (const view of index.query(() => true)) {
        if (view.shadow_el) found.push(view.shadow_el);
      }
    }
    return found;
  };
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.top < innerHeight &&
      element.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const tick = () => {
    const now = performance.now();
    const all = roots();
    for (const [name, selector] of Object.entries(selectors)) {
      if (name in window.__painted) continue;
      if (all.some((root) => Array.from(root.querySelectorAll(selector)).some(shown))) {
        window.__painted[name] = now;
      }
    }
    if (Object.keys(window.__painted).length < Object.keys(selectors).length) {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
}"""


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=5).status_code < 500:
                return
        time.sleep(0.25)
    raise SystemExit(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def served(command: list[str], url: str) -> Iterator[str]:
    """``command`` running (its output dropped) until the block ends, once ``url`` answers."""
    env = {**os.environ, "EOSC_PERF_API_URL": ""}  # the embedded sandbox, not a real API
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        wait_for_http(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def dashboard_command(port: int, data_dir: str) -> list[str]:
    return [sys.executable, "-m", "dashboard", "--port", str(port), "--sandbox-dir", data_dir]


def hello_command(port: int, script: Path) -> list[str]:
    return [sys.executable, "-m", "panel", "serve", str(script), "--port", str(port)]


def painted(browser, url: str, selectors: dict[str, str], shots: dict[int, Path] | None = None):
    """ms from navigation to each selector's first visible element, on a first visit;
    with ``shots``, a screenshot at each of those ms after navigation (and, by its path,
    the ms when it was done)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.add_init_script(f"({WATCH})({json.dumps(selectors)})")
    taken = {}
    try:
        page.goto(url, wait_until="commit")
        for at_ms, path in sorted((shots or {}).items()):
            page.wait_for_function(f"() => performance.now() >= {at_ms}", polling=10)
            page.screenshot(path=path)
            taken[path] = page.evaluate("() => performance.now()")
        done = f"() => Object.keys(window.__painted || {{}}).length === {len(selectors)}"
        page.wait_for_function(done, timeout=120_000, polling=50)
        return {**page.evaluate("() => window.__painted"), **taken}
    finally:
        context.close()


def c_ray_link(browser, dashboard: str) -> str:
    """The link the landing page's "Explore" button of c-ray leads to."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(dashboard)
    said = page.get_by_text("Connected to the sandbox API at").inner_text(timeout=60_000)
    context.close()
    api = next(word for word in said.split() if word.startswith("http"))
    benchmarks = httpx.get(f"{api}/benchmarks", params={"per_page": 100}).json()["items"]
    image, tag = C_RAY
    chosen = next(b for b in benchmarks if (b["docker_image"], b["docker_tag"]) == (image, tag))
    return f"{dashboard}?benchmark_id={chosen['id']}"


def medians(browser, pages: dict[str, tuple[str, str]], runs: int) -> dict[str, float]:
    """The median ms of each ``name: (url, selector)``, over ``runs`` first visits."""
    seen: dict[str, list[float]] = {name: [] for name in pages}
    for url, selector in pages.values():
        painted(browser, url, {"it": selector})  # the server's first session: discarded
    for _ in range(runs):
        for name, (url, selector) in pages.items():
            seen[name].append(painted(browser, url, {"it": selector})["it"])
    for name, times in seen.items():
        said = ", ".join(f"{t:.0f}" for t in times)
        print(f"{name}: median {statistics.median(times):.0f} ms ({said})")
    return {name: statistics.median(times) for name, times in seen.items()}


def first_second(browser, url: str, shots: Path) -> None:
    """Screenshots of the landing page at 300 ms and 1 s, and when its shell showed."""
    paths = {300: shots / "dashboard-300ms.png", 1000: shots / "dashboard-1s.png"}
    times = painted(browser, url, {"shell": DASHBOARD["shell"]}, shots=paths)
    for at_ms, path in paths.items():
        print(f"screenshot at {at_ms} ms (done at {times[path]:.0f} ms): {path}")
    print(f"(that visit: shell at {times['shell']:.0f} ms; the landing page has no table)")


def main() -> None:
    as_the_server_runs()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="first visits per page (median)")
    parser.add_argument("--shots", type=Path, help="where to save the screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        script = Path(scratch) / "hello.py"
        script.write_text(HELLO_APP)
        data_dir = Path(scratch) / "sandbox"
        shots = args.shots or Path(scratch)
        shots.mkdir(parents=True, exist_ok=True)
        dashboard_port, hello_port = free_port(), free_port()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with (
            served(
                dashboard_command(dashboard_port, str(data_dir)),
                f"http://127.0.0.1:{dashboard_port}/",
            ) as dashboard,
            served(
                hello_command(hello_port, script), f"http://127.0.0.1:{hello_port}/hello"
            ) as hello,
        ):
            explorer = c_ray_link(browser, dashboard)
            times = medians(
                browser,
                {
                    "dashboard shell": (dashboard, DASHBOARD["shell"]),
                    "dashboard first row": (explorer, DASHBOARD["row"]),
                    "hello shell": (hello, HELLO["shell"]),
                    "hello first row": (hello, HELLO["row"]),
                },
                args.runs,
            )
            first_second(browser, dashboard, shots)
        browser.close()
    print(f"shell_over_hello={times['dashboard shell'] / times['hello shell']:.2f}")
    print(f"first_row_over_hello={times['dashboard first row'] / times['hello first row']:.2f}")


if __name__ == "__main__":
    main()
