"""Measurements of the running site: the load test (bench/load.py)."""
