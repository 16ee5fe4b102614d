"""Fill tracker.Country with every ISO 3166-1 country from pycountry (never typed by hand)."""

import pycountry
from django.db import migrations


def fill_countries(apps, schema_editor):
    Country = apps.get_model("tracker", "Country")
    for country in pycountry.countries:
        # common_name is the short English name where the ISO name is formal ("Iran", "Syria").
        name = getattr(country, "common_name", None) or country.name
        Country.objects.update_or_create(code=country.alpha_2, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(fill_countries, migrations.RunPython.noop)]
