from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrisonersConfig(AppConfig):
    name = "prisoners"
    verbose_name = _("Prisoners")

    def ready(self):
        from prisoners import legacy  # noqa: F401  (teaches the importer earlier formats)

        post_migrate.connect(restore_search_index, sender=self)


def restore_search_index(using, **kwargs):
    """A migration that remade the people's table on SQLite dropped the search triggers."""
    from django.db import connections

    from prisoners.search_index import ensure_sqlite_index

    ensure_sqlite_index(connections[using])
