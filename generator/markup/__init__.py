"""Markdown conversion and Haven's Markdown extensions."""
