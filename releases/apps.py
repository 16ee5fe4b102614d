from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Releases and concessions"

    def ready(self):
        from releases import (  # noqa: F401
            ftm,  # registers the FollowTheMoney converters (tracker.ftm)
            legacy,  # teaches the importer the earlier download formats
            services,  # connects the rules to bulk writers
        )
