"""Checks: pure functions that return findings (Diagnostics); they never print or raise."""
