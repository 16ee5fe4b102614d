"""The ledger's records in the two roles of NGO staff (releases/migrations/0003_roles.py):
case workers add and change measures, entities, links and figures; editors also publish and
delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["sanctionedentity", "concessionlink", "concessionfigure"]
PUBLISH = [f"publish_{model}" for model in MODELS]


def add_to_roles(apps, schema_editor):
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


def remove_from_roles(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    ours = Permission.objects.filter(
        content_type__app_label="releases", content_type__model__in=MODELS
    )
    for group in Group.objects.filter(name__in=["Case workers", "Editors"]):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [("releases", "0011_remove_replaced_concession_fields")]

    operations = [migrations.RunPython(add_to_roles, remove_from_roles)]
