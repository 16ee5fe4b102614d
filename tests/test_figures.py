"""Cached figures (tracker.figures): every server process shares them, so that a change made in
one process, a record restricted say, stops the others from serving figures computed before it."""

import os
import subprocess
import sys

from django.conf import settings as django_settings

import tracker.settings as production
from tracker.figures import cached_figure

SEND_A_CHANGE = """
import django
django.setup()
from prisoners.models import Prisoner
from tracker.figures import invalidate_on_change
invalidate_on_change(sender=Prisoner)  # what saving a person calls
"""


def test_a_change_in_another_process_refreshes_the_figures(settings, tmp_path):
    settings.CACHES = {"default": {**production.CACHES["default"], "LOCATION": str(tmp_path)}}
    computed = []

    def compute():
        computed.append(True)
        return len(computed)

    assert cached_figure("people", compute) == 1
    assert cached_figure("people", compute) == 1, "a figure is computed once"

    subprocess.run(
        [sys.executable, "-c", SEND_A_CHANGE],
        check=True,
        cwd=django_settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_CACHE_DIR": str(tmp_path),
        },
    )
    assert cached_figure("people", compute) == 2, "the other process's change is seen at once"
