"""Placeholder, replaced below."""
NAME = "conference-scheduler"
def missing(): return "not yet"
