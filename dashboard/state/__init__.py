"""Per-session state as param models: no widgets, and no I/O beyond the injected client."""

from .session import LATEST_COLUMNS, SessionState, latest_frame

__all__ = ["LATEST_COLUMNS", "SessionState", "latest_frame"]
