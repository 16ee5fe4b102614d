"""What an admin form showed, what its editor changed, and what is stored now.

A versioned form for a stored record (tracker.admin.VersionedModelForm) carries beside each
field the value it showed (Django's `show_hidden_initial`). When a save is refused as stale
(tracker.services.check_current), the form compares the editor's entries with those values,
not with the record as it now is: so it can tell the fields the editor changed from those
someone else changed meanwhile, and show the stored values under the editor's own changes.
"""

from django import forms
from django.utils.translation import gettext as _


def _normalised(value):
    """Browsers post line breaks as CRLF; a stored text may hold LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def posted_shown(form, bound_field):
    """The value `bound_field` showed, as its hidden copy was posted."""
    widget = bound_field.field.hidden_widget()
    return widget.value_from_datadict(form.data, form.files, bound_field.html_initial_name)


def shown_value(form, bound_field):
    """The value `bound_field` showed, to compare with the editor's entry: the field's Python
    value, or for a choice of records their primary keys as posted (reading the records would
    cost a query a field of every inline row). Raises ValidationError if it is damaged."""
    field, shown = bound_field.field, posted_shown(form, bound_field)
    if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField included
        return shown
    return field.to_python(_normalised(shown))


def differs(field, value, posted):
    """Whether `posted` (a field's value as a browser posts it) is another value than `value`
    (the field's initial or stored value)."""
    return field.has_changed(_normalised(value), _normalised(posted))


def as_posted(field, value):
    """`value` (a field's stored value) as a browser posts it: a list of strings."""
    prepared = field.prepare_value(value)
    if isinstance(prepared, (list, tuple)):
        return [str(item) for item in prepared]
    formatted = field.hidden_widget().format_value(prepared)
    return ["" if formatted is None else formatted]


def stored_text(record, name):
    """Field `name` of `record` as an editor reads it: labels, names of the records chosen.
    Plain text (a record's name is anything a case worker typed): escaped where shown."""
    model_field = record._meta.get_field(name)
    if model_field.many_to_many:
        text = ", ".join(str(item) for item in getattr(record, name).all())
    elif model_field.is_relation:
        related = getattr(record, name)
        text = "" if related is None else str(related)
    else:
        value = getattr(record, model_field.attname)
        if isinstance(value, bool):
            text = _("yes") if value else _("no")
        elif model_field.flatchoices:
            text = str(dict(model_field.flatchoices).get(value, value))
        else:
            text = "" if value is None else str(value)
    return text or _("(blank)")


def changed_by(changes, label):
    """Who saved field `label` in `changes` (tracker.services.changes_since), or, where the
    history does not say which fields an entry changed, everyone who saved."""
    named = [who for who, _when, fields in changes if label in fields]
    if not named:
        named = [who for who, _when, fields in changes if not fields]
    return ", ".join(dict.fromkeys(named)) or _("someone")
