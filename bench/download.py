"""Stream one download to a file, as the server would send it, and report its time and size.

Run by bench/run.py in a child process, so that the process's peak memory is the download's:
    python -m bench.download "/prisoners/?format=json" people.json
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402


def main():
    url, path = sys.argv[1:]
    started = time.perf_counter()
    response = Client().get(url)
    size = 0
    with open(path, "wb") as out:
        for chunk in response.streaming_content:
            out.write(chunk)
            size += len(chunk)
    seconds = time.perf_counter() - started
    print(json.dumps({"status": response.status_code, "bytes": size, "seconds": seconds}))


if __name__ == "__main__":
    main()
