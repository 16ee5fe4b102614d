"""The benchmark: synthetic data at scale, page timings and query counts, downloads, imports."""
