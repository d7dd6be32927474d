"""Results as frames: filtered, counted by facet, summarised, compared, exported, tabulated."""
