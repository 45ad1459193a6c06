"""Measurements, not tests: `make bench` runs them and prints ratios."""
