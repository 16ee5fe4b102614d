from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Reference data"

    def ready(self):
        from tracker import figures  # noqa: F401  (connects the receivers that refresh figures)
