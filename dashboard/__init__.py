"""EOSC Performance Dashboard."""
