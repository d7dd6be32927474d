"""The dashboard's command runs its server on jemalloc, which gives freed memory back."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dashboard import allocator
from dashboard.allocator import ALLOCATOR_ENV, MALLOC_CONF, jemalloc_environment
from dashboard.cli import free_port
from tests.helpers import serve, wait_for_http

JEMALLOC = ctypes.util.find_library("jemalloc")
needs_jemalloc = pytest.mark.skipif(
    JEMALLOC is None or not Path("/proc/self/maps").exists(),
    reason="jemalloc (Debian's libjemalloc2, installed by .ci/test) and Linux's /proc",
)


def test_the_environment_preloads_jemalloc_for_every_allocation():
    env = jemalloc_environment({"PATH": "/bin"}, library="libjemalloc.so.2")
    assert env == {
        "PATH": "/bin",
        "LD_PRELOAD": "libjemalloc.so.2",
        "PYTHONMALLOC": "malloc",
        "MALLOC_CONF": MALLOC_CONF,
    }


def test_the_environment_keeps_what_the_user_preloads_and_configures():
    env = jemalloc_environment(
        {"LD_PRELOAD": "libfoo.so:libbar.so", "MALLOC_CONF": "narenas:2"}, "libjemalloc.so.2"
    )
    assert env["LD_PRELOAD"] == "libjemalloc.so.2 libfoo.so libbar.so"
    assert env["MALLOC_CONF"] == "narenas:2"


def test_no_relaunch_when_on_jemalloc_already_or_asked_not_to_or_without_it(monkeypatch):
    running = {"LD_PRELOAD": "libjemalloc.so.2", "PYTHONMALLOC": "malloc"}
    assert jemalloc_environment(running, "libjemalloc.so.2") is None
    assert jemalloc_environment({ALLOCATOR_ENV: "system"}, "libjemalloc.so.2") is None
    monkeypatch.setattr(allocator.ctypes.util, "find_library", lambda name: None)
    assert jemalloc_environment({}) is None


@needs_jemalloc
@pytest.mark.parametrize("choice", ["", "system"])
def test_the_command_runs_on_jemalloc_unless_told_otherwise(tmp_path, choice):
    env = {**os.environ, ALLOCATOR_ENV: choice}
    for name in ("LD_PRELOAD", "PYTHONMALLOC", "MALLOC_CONF"):
        env.pop(name, None)
    port, log = free_port(), tmp_path / "sandbox.log"
    command = [sys.executable, "-m", "dashboard", "sandbox", "--port", str(port)]
    server = serve([*command, "--data-dir", str(tmp_path)], env, log)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v1/benchmarks", server, log_path=log)
        # the same process, relaunched in place
        maps = Path(f"/proc/{server.pid}/maps").read_text()
        environ = Path(f"/proc/{server.pid}/environ").read_bytes().split(b"\0")
        assert ("libjemalloc" in maps) == (choice != "system")
        assert (b"PYTHONMALLOC=malloc" in environ) == (choice != "system")
    finally:
        server.terminate()
        server.wait(timeout=30)


# Many small objects, a few of them kept (as a library keeps a cache entry), the rest
# freed: what a session leaves behind. Python's allocator keeps every 1 MB arena that
# holds a kept object; jemalloc gives back the pages around them.
_LEFT_BEHIND = textwrap.dedent(
    """
    import gc
    from pathlib import Path
    from dashboard import allocator
    from dashboard.state.memory import trim_memory

    def rss():
        status = Path("/proc/self/status").read_text().splitlines()
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024

    before = rss()
    made = [("result", i, str(i) * 3) for i in range(1_500_000)]
    kept = made[::4000]
    del made
    gc.collect()
    trim_memory()
    print(allocator.on_jemalloc(), round(rss() - before))
    """
)


@needs_jemalloc
def test_memory_the_sessions_freed_goes_back_on_jemalloc_not_on_pythons_allocator():
    def left_behind(env: dict) -> tuple[str, float]:
        done = subprocess.run(
            [sys.executable, "-c", _LEFT_BEHIND], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        jemalloc, megabytes = done.stdout.split()
        return jemalloc, float(megabytes)

    plain = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "PYTHONMALLOC")}
    # some 250 MB of 1 MB arenas, each kept by a few objects, on Python's allocator
    on_python = left_behind(plain)
    assert on_python[0] == "False" and on_python[1] > 100
    assert left_behind(jemalloc_environment(plain)) == ("True", pytest.approx(0, abs=30))


def test_an_interpreter_that_cannot_be_run_again_is_kept_and_the_log_says_so(monkeypatch, caplog):
    monkeypatch.setattr(allocator, "jemalloc_environment", lambda env: {"PYTHONMALLOC": "malloc"})
    monkeypatch.setattr(allocator.sys, "executable", "/nonexistent/python")
    allocator.relaunch_with_jemalloc()  # returns: the process goes on as it was
    assert "Staying on Python's own allocator" in caplog.text
    assert "/nonexistent/python" in caplog.text
