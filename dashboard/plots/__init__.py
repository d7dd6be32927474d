"""Plots of results: what to draw (spec, pure), the HoloViews elements, the live plot."""
