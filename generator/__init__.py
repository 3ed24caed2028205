"""Haven: a static site generator for mental-health article hubs."""

__version__ = "0.1.0"
