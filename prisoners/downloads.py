"""CSV columns of the people downloads (the JSON fixture is generic)."""

from django.utils.translation import gettext_lazy as _

PRISONER_COLUMNS = [
    (_("name"), lambda person: person.name),
    (_("name in original script"), lambda person: person.name_native),
    (_("other spellings"), lambda person: "; ".join(person.other_names_list)),
    (
        _("nationalities"),
        lambda person: "; ".join(country.name for country in person.nationalities.all()),
    ),
    (_("role"), lambda person: person.role),
    (_("status"), lambda person: person.get_status_display()),
    (_("detained on"), lambda person: person.detained_on),
    (_("sentence"), lambda person: person.sentence),
    (_("page"), lambda person: person.get_absolute_url()),
]
