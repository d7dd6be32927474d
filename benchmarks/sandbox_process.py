"""The sandbox API in a process of its own, for measurements that must not share its CPU."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from dashboard.cli import free_port


def start_sandbox(data_dir: str, size: int, latency_ms: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard",
            "sandbox",
            "--port",
            str(port),
            "--data-dir",
            data_dir,
            "--size",
            str(size),
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/benchmarks", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the sandbox did not start within 2 minutes")
