"""Placeholder."""
NAME = "timefold"
def missing(): return "not yet"
