"""Panel state is reset between tests, so no test sees another's documents or caches."""

from __future__ import annotations

import panel as pn
import pytest


@pytest.fixture(autouse=True)
def panel_state():
    yield
    pn.state.kill_all_servers()
    pn.state.reset()
    pn.state.clear_caches()
