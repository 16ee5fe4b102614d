from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from tracker.records import RecordsAppConfig


class PrisonersConfig(RecordsAppConfig):
    default = True  # the app\'s config, though RecordsAppConfig is imported here too
    name = "prisoners"
    verbose_name = _("Prisoners")

    def ready(self):
        post_migrate.connect(restore_search_index, sender=self)

    def record_kinds(self):
        from prisoners.records import KINDS

        return KINDS


def restore_search_index(using, **kwargs):
    """A migration that remade the people's table on SQLite dropped the search triggers."""
    from django.db import connections

    from prisoners.search_index import ensure_sqlite_index

    ensure_sqlite_index(connections[using])
