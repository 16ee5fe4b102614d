"""The roles (0003_roles) for the records added in 0006: participants, nationalities reported,
route legs and the sources a person freed cites. Case workers add, change and view them;
editors also delete and publish them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["participant", "reportednationality", "routeleg", "releasesource"]
PUBLISH = ["publish_participant", "publish_reportednationality", "publish_routeleg"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label="releases", content_type__model__in=MODELS
    )
    case_workers, _ = Group.objects.get_or_create(name="Case workers")
    case_workers.permissions.add(*ours.filter(codename__regex=r"^(add|change|view)_"))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *ours.filter(codename__regex=r"^(add|change|view|delete)_"),
        *ours.filter(codename__in=PUBLISH),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0013_figure_high_help_text"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
