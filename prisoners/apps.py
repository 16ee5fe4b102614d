from django.apps import AppConfig


class PrisonersConfig(AppConfig):
    name = "prisoners"
    verbose_name = "Prisoners"

    def ready(self):
        from prisoners import legacy  # noqa: F401  (teaches the importer earlier formats)
