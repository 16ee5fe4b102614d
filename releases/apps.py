from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Releases and concessions"

    def ready(self):
        from releases import services  # noqa: F401  (connects the rules to bulk writers)
