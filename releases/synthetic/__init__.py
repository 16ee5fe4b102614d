"""Synthetic public data at scale: for the benchmark (`make bench`) and for trying the site out.

The data is plausible, not real: people with Belarusian, Russian, Persian, Chinese, Arabic,
Azerbaijani and Spanish names (Latin spelling, original script, other transliterations), dual
nationals and foreigners, release events of 1 to 500 documented people, sanctions concessions,
monthly political-prisoner counts, and sources on example.org. Every record is public.

A seed gives the same records on every run and database (only the created/updated timestamps,
which record when the rows were written, differ). Rows are written with `bulk_create`, so
`save()` and signals do not run: the command sets what they would set (slugs, search keys), and
no audit history is written. It ends with ANALYZE, so that the query planner knows the data
(SQLite has no autovacuum to do it).
"""

from releases.synthetic.build import MAX_DOCUMENTED, SyntheticData

__all__ = ["MAX_DOCUMENTED", "SyntheticData"]
