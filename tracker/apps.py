from django.utils.translation import gettext_lazy as _

from tracker.records import RecordsAppConfig


class TrackerConfig(RecordsAppConfig):
    default = True  # the app\'s config, though RecordsAppConfig is imported here too
    name = "tracker"
    verbose_name = _("Reference data")

    def ready(self):
        # The receivers that refresh figures and that refuse writes outside the services.
        from tracker import figures, write_path  # noqa: F401

    def record_kinds(self):
        from tracker.duplicates import same_source
        from tracker.exports.ftm import countries
        from tracker.models import Country, Source
        from tracker.records import RecordKind

        # Every copy holds every country (a migration fills the table), and a source cited
        # only by restricted records is not public: both come with what refers to them.
        return [
            RecordKind(Country, ftm=countries, in_dataset=False),
            RecordKind(Source, in_dataset=False, same_record=same_source),
        ]
