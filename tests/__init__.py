"""Haven's tests (a package, so `python -m tests.screenshots` and `from tests.browser import ...` resolve here
and not to a stray top-level `tests` package some PyPI distributions install into site-packages)."""
