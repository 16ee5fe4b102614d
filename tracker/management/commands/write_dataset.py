"""Writes the whole public dataset (/data/) now, if the data changed since it was last written:
e.g. after a deployment or an import, so that the first visitor does not wait for it."""

from django.core.management.base import BaseCommand

from tracker.exports import dataset


class Command(BaseCommand):
    help = "Write the whole public dataset that /data/ serves, unless it is current."

    def handle(self, *args, **options):
        info = dataset.current()
        for entry in info["files"].values():
            self.stdout.write(f"{entry['path']}  {entry['bytes']} bytes  sha256 {entry['sha256']}")
        self.stdout.write(f"{sum(info['counts'].values())} records")
