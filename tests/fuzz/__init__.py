"""Fuzz tests: hostile input for every entry point (see conftest.py for how much of it)."""
