from django.utils.translation import gettext_lazy as _

from tracker.records import RecordsAppConfig


class ReleasesConfig(RecordsAppConfig):
    default = True  # the app\'s config, though RecordsAppConfig is imported here too
    name = "releases"
    verbose_name = _("Releases and concessions")

    def record_kinds(self):
        from releases.records import KINDS

        return KINDS
