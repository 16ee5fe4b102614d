"""The European Union as a sanctioning party: "EU sanctions remain" needs an imposing party.

ISO 3166-1 reserves the code EU for the European Union ("exceptionally reserved"); pycountry
does not list it, so it is added here. It appears as a "country" wherever a sanctioning state
does.
"""

from django.db import migrations


def add_eu(apps, schema_editor):
    Country = apps.get_model("tracker", "Country")
    Country.objects.update_or_create(code="EU", defaults={"name": "European Union"})


def remove_eu(apps, schema_editor):
    apps.get_model("tracker", "Country").objects.filter(code="EU").delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_source_slug_partial_date")]

    operations = [migrations.RunPython(add_eu, remove_eu)]
