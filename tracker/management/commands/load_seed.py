"""Load the seed data set (fixtures/december_2025.json), but only into an empty database.

`make run` calls this on every start. `loaddata` would write the seed's values over every
record it holds, undoing an editor's corrections and publishing again an event an editor had
restricted; so the seed is loaded only while no record exists (countries, which the migrations
create, do not count), and a database that holds records is never touched.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tracker.backup import FILLED_BY_MIGRATIONS
from tracker.imports import importable_models

SEED = "december_2025"


class Command(BaseCommand):
    help = "Load the seed data set into an empty database; leave a database with records alone."

    def handle(self, *args, **options):
        holding = [
            model._meta.verbose_name_plural
            for label, model in importable_models().items()
            if label not in FILLED_BY_MIGRATIONS and model._default_manager.exists()
        ]
        if holding:
            self.stdout.write(
                f"The database already holds records ({', '.join(map(str, holding))}): "
                "the seed was not loaded, and nothing was changed."
            )
            return
        call_command("loaddata", SEED, verbosity=0)
        self.stdout.write(f"The database was empty: loaded the seed data set ({SEED}).")
