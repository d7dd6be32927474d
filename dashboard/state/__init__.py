"""Per-session state as param models: no widgets, and no I/O beyond the injected client."""

from dashboard.state.session import ANONYMOUS, SessionState

__all__ = ["ANONYMOUS", "SessionState"]
