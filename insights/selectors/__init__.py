"""Reads with rules: which figures a filter selects, what a supervisor may see."""
