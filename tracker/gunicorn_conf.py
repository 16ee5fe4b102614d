"""gunicorn settings for the tracker: `gunicorn -c tracker/gunicorn_conf.py tracker.wsgi`.

Threaded workers, one more than the cores, so that a slow client or a long streamed download
holds a thread, not a whole process. Each worker keeps its own database pool, as big as its
thread count (DJANGO_DB_POOL, default 4): workers x threads connections at most.

GUNICORN_BIND     address to listen on (default 127.0.0.1:8000: behind the reverse proxy)
GUNICORN_WORKERS  processes (default: cores + 1)
GUNICORN_THREADS  threads per process (default 4)
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str((os.cpu_count() or 1) + 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is stuck: its worker is restarted.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Errors to standard error. No access log: the proxy keeps one if needed, and the addresses of
# people who look up a prisoner are better not stored twice.
errorlog = "-"
accesslog = None
