"""`manage.py shell`, with the models imported automatically as Django's, but for the models of
the audit history: django-simple-history names their module after the app ("releases") where
the app keeps its models in a package, and nothing can be imported from there."""

from django.core.management.commands import shell


class Command(shell.Command):
    def get_auto_imports(self):
        return [
            path
            for path in super().get_auto_imports()
            if not path.rpartition(".")[2].startswith("Historical")
        ]
