"""The Contribute tab: registration, uploads, submissions, one's own results; reporting a result."""
