from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Releases and concessions")

    def ready(self):
        from releases import (  # noqa: F401
            ftm,  # registers the FollowTheMoney converters (tracker.ftm)
            legacy,  # teaches the importer the earlier download formats
            services,  # connects the rules to bulk writers
        )
