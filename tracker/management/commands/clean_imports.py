"""Remove uploads left waiting between an import's preview and its confirmation.

The admin removes a pending upload on confirm or cancel, and stale ones at each new upload; an
editor who walks away from a preview leaves the file behind until then. Run this daily (cron or
a systemd timer) to keep confidential uploads from lingering (settings.IMPORT_PENDING_HOURS).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from tracker.admin_views import remove_stale_imports


class Command(BaseCommand):
    help = (
        "Remove fixture uploads left pending for more than a day (settings.IMPORT_PENDING_HOURS)."
    )

    def handle(self, *args, **options):
        removed = remove_stale_imports()
        self.stdout.write(
            f"Removed {removed} stale pending import files from {settings.IMPORT_DIR}."
        )
