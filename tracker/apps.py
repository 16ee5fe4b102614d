from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Reference data")

    def ready(self):
        from tracker import figures  # noqa: F401  (connects the receivers that refresh figures)
