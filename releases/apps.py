from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Releases and concessions"

    def ready(self):
        # Connect the rules to bulk writers, and teach the importer earlier download formats.
        from releases import legacy, services  # noqa: F401
