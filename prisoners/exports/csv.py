"""CSV columns of the people downloads (the JSON fixture is generic)."""

from django.utils.translation import gettext_lazy as _

from tracker.exports.csv import SitePath, codes_cell, sources_cell

PRISONER_COLUMNS = [
    (_("name"), lambda person: person.name),
    (_("name in original script"), lambda person: person.name_native),
    (_("name in Belarusian"), lambda person: person.name_be),
    (_("name in Russian"), lambda person: person.name_ru),
    (_("other spellings"), lambda person: "; ".join(person.other_names_list)),
    (
        _("nationalities"),
        lambda person: "; ".join(country.name for country in person.nationalities.all()),
    ),
    (_("nationality codes"), lambda person: codes_cell(person.nationalities)),
    (_("role"), lambda person: person.role),
    (_("status"), lambda person: person.get_status_display()),
    # ISO 8601 at the precision the sources give: "2020-06" for June 2020, blank if unknown.
    (_("detained on"), lambda person: person.detained_on_iso),
    (_("sentence"), lambda person: person.sentence),
    (_("sources"), lambda person: sources_cell(person.sources)),
    (_("page"), lambda person: SitePath(person.get_absolute_url())),
]
