"""Benchmarks measured against floors taken in the same run (see docs/performance.md)."""
