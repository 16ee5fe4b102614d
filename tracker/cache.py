"""The cache in files on this host (settings.CACHES when CACHE_URL is unset)."""

import itertools

from django.core.cache.backends.filebased import FileBasedCache

# Writes (of any file cache of this process) between two listings of the cache's folder.
CULL_EVERY = 100
_writes = itertools.count()


class FileCache(FileBasedCache):
    """Django's file cache, which lists its whole folder at every write to see whether it holds
    more than MAX_ENTRIES files: with 2,000 files, milliseconds a write, and a public page's
    first request writes three or four (its count, its figures, the page itself). This one
    looks every CULL_EVERY writes of the process and, past MAX_ENTRIES, removes a third of the
    files as before: the folder holds at most CULL_EVERY more files per server process than
    MAX_ENTRIES (2,000 in settings, far more than a third of which is CULL_EVERY)."""

    def _cull(self):
        if next(_writes) % CULL_EVERY == 0:
            super()._cull()
