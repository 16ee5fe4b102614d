"""`manage.py generate_synthetic_data`: fill an empty database with synthetic public data
(releases.synthetic), for the benchmark and for trying the site out."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from prisoners.models import Prisoner, PrisonerCount
from releases.models import ReleaseEvent
from releases.services import write_synthetic_data
from releases.synthetic import SyntheticData
from tracker.figures import invalidate
from tracker.models import Source
from tracker.write_path import guarded


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic public data: people, release events of 1 to 500 "
        "documented people, concessions, counts and sources, the same for a seed. Rows are "
        "bulk-inserted: no audit history is written for them, and save() and signals do not run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=2000, help="Release events (2000).")
        parser.add_argument("--prisoners", type=int, default=100_000, help="People (100000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")

    def handle(self, *args, events, prisoners, seed, verbosity, **options):
        if events < 0 or prisoners < 0 or (events and not prisoners):
            raise CommandError("Give zero or more events and, for any event, at least one person.")
        existing = [
            model._meta.verbose_name_plural
            for model in (Source, Prisoner, PrisonerCount, ReleaseEvent)
            if model.objects.exists()
        ]
        if existing:
            raise CommandError(
                f"The database already holds {', '.join(map(str, existing))}. Synthetic data "
                "goes into an empty database (after migrate), so that a seed always gives the "
                "same records."
            )
        started = time.perf_counter()
        data = SyntheticData(seed=seed, events=events, prisoners=prisoners).build()
        if verbosity >= 1:
            self.stdout.write(f"Built in {time.perf_counter() - started:.1f} s; writing:")

        def log(label, rows, seconds):
            if verbosity >= 1:
                self.stdout.write(f"{rows:>9,} {label:<40} {seconds:6.1f} s")

        with guarded():
            write_synthetic_data(data.tables(), log=log)
        invalidate()  # bulk writes send no signals
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, after a bulk load
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s (seed {seed}).")
            )
