"""The two roles of NGO staff, as groups.

Case workers add and change records but cannot publish or delete them; editors also publish,
delete and import.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["tracker", "prisoners", "releases"]
PUBLISH = [
    "publish_prisoner",
    "publish_releaseevent",
    "publish_release",
    "publish_sanctionsconcession",
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label__in=APPS)
    entry = ours.filter(codename__regex=r"^(add|change|view)_").exclude(
        content_type__model__startswith="historical"
    )
    case_workers, _ = Group.objects.get_or_create(name="Case workers")
    # Countries are ISO reference data: case workers only look them up.
    case_workers.permissions.set(
        entry.exclude(content_type__model="country", codename__regex=r"^(add|change)_")
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        ours.filter(codename__regex=r"^(add|change|view|delete)_").exclude(
            content_type__model__startswith="historical"
        )
        | ours.filter(codename__in=[*PUBLISH, "import_data"])
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Case workers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tracker", "0003_history_import_permission"),
        ("prisoners", "0003_name_search_index"),
        ("releases", "0002_history_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
