"""Reads that carry a rule: the case list's filters and order, search, queues, urgency counts."""
