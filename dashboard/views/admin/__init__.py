"""The Admin tab: review queues, details for reviewers, catalog editors."""
